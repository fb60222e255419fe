import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createFormatter } from '../../lib/log/formatter.js';
import { Output } from '../../lib/log/output.js';
import { relayChild } from '../../lib/log/relay.js';
import { Capture, exited, node } from './support.js';

const childLogger = pathToFileURL(new URL('../../lib/log/child-logger.js', import.meta.url).pathname).href;

// User code inside a child: the logger of ctx, writing to the child's stdout.
const USER_CODE = `
import { createChildLogger } from ${JSON.stringify(childLogger)};
const logger = createChildLogger({ level: 'debug', defaultMeta: { job: 'mail' } });
logger.info('sent', { to: 'ann' });
logger.debug('details');
logger.silly('too fine');
const err = new Error('smtp down');
logger.error(err);
logger.error('sending failed', err);
logger.warn('retrying', { cause: new Error('timeout') });
`;

describe('createChildLogger', () => {
  it('writes one JSON object per line, errors with their stack', async (t) => {
    const child = node(t, USER_CODE);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    assert.equal(await exited(child), 0);
    const records = out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => [r.level, r.message]), [
      ['info', 'sent'],
      ['debug', 'details'],
      ['error', 'smtp down'],
      ['error', 'sending failed smtp down'],
      ['warn', 'retrying'],
    ]);
    assert.ok(records.every((r) => r.job === 'mail' && typeof r.timestamp === 'string'));
    assert.equal(records[0]?.to, 'ann');
    assert.match(String(records[2]?.stack), /^Error: smtp down\n {4}at /);
    assert.match(String(records[3]?.stack), /^Error: smtp down\n {4}at /);
    assert.match(JSON.stringify(records[4]?.cause), /timeout.*at /);
  });

  it("is rendered in the stream's format by the relay", async (t) => {
    const child = node(t, USER_CODE);
    const capture = new Capture();
    const output = new Output(capture);
    const formatter = createFormatter({ format: 'pretty', color: false, tagWidth: 8 });
    await relayChild({ stdout: child.stdout, stderr: child.stderr, tags: { component: 'worker', instance: 2, pid: child.pid ?? 0 }, formatter, output });
    await output.flush();
    const texts = capture.lines.map((line) => {
      assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} worker\.2 \| /);
      return line.slice(line.indexOf('| ') + 2);
    });
    assert.equal(texts[0], 'sent job=mail to=ann');
    assert.equal(texts[1], 'debug: details job=mail');
    assert.equal(texts[2], 'error: smtp down job=mail');
    assert.equal(texts[3], 'Error: smtp down');
    assert.match(texts[4] ?? '', /^ {4}at /);
  });
});
