import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCrewLogger } from '../../lib/log/crew-logger.js';
import { createFormatter } from '../../lib/log/formatter.js';
import { Output } from '../../lib/log/output.js';
import { Capture } from './support.js';

describe('createCrewLogger', () => {
  it('writes records of component crew, instance 0, with the primary pid, filtered by level', async () => {
    const capture = new Capture();
    const output = new Output(capture);
    const logger = createCrewLogger({ output, formatter: createFormatter({ format: 'json', color: false }), level: 'info', pid: 1234 });
    logger.debug('hidden');
    logger.info('server.1 started (pid 5)', { child: 'server.1', pid: 5 });
    logger.warn('restarting server.1 in 100 ms');
    logger.error('worker given up', { error: new Error('crash loop') });
    logger.level = 'debug';
    logger.debug('now shown');
    assert.equal(logger.isLevelEnabled('silly'), false);
    await output.flush();
    const records = capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => [r.level, r.message]), [
      ['info', 'server.1 started (pid 5)'],
      ['warn', 'restarting server.1 in 100 ms'],
      ['error', 'worker given up'],
      ['debug', 'now shown'],
    ]);
    for (const record of records) {
      assert.equal(record.component, 'crew');
      assert.equal(record.instance, 0);
      assert.equal(record.pid, 1234, 'a field named pid does not replace the tag');
      assert.match(String(record.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    assert.equal(records[0]?.child, 'server.1');
    assert.match(JSON.stringify(records[2]?.error), /crash loop.*at /);
  });

  it('prints the crew tag in pretty', async () => {
    const capture = new Capture();
    const output = new Output(capture);
    const logger = createCrewLogger({ output, formatter: createFormatter({ format: 'pretty', color: false, tagWidth: 8 }), level: 'info', pid: 1 });
    logger.warn('shutting down');
    await output.flush();
    assert.match(capture.text, /^\d\d:\d\d:\d\d\.\d{3} crew {5}\| warn: shutting down\n$/);
  });

  it('refuses an unknown level', () => {
    const output = new Output(new Capture());
    assert.throws(() => createCrewLogger({ output, formatter: createFormatter({ format: 'json', color: false }), level: 'loud' as 'info', pid: 1 }), /one of error, warn.*got "loud"/);
  });
});
