// Instance counts have a ceiling (8 per CPU), refused before anything is forked, wherever the
// count comes from; and a start of many children stops at once on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { alive, runCrew, runCrewToEnd, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig } from '../helpers/temp-dir.js';

const limit = 8 * os.availableParallelism();
const pidOf = (record: LogRecord) => Number(/\(pid (\d+)\)/.exec(record.message)?.[1]);

test('--server 100000, --server 1e4 and --component NAME=100000 are refused with exit 2 naming the limit', async (t) => {
  const config = tempConfig(t, '');
  for (const flags of [['--server', '100000'], ['--server', '1e4'], ['--worker', String(limit + 1)], ['--component', 'idle=100000']]) {
    const result = await runCrewToEnd(['start', ...flags, '--app', fixtureApp('lifecycle'), '--config', config]);
    assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`instances is more than crew runs on this machine: at most ${limit}, 8 × this machine's`), flags.join(' '));
  }
});

test('instances: 100000 in config is refused with exit 2 naming the file, the key and the limit', async (t) => {
  for (const yaml of ['server: { instances: 100000 }\n', 'worker: { instances: 100000 }\n', 'components: { idle: { instances: 100000 } }\n']) {
    const result = await runCrewToEnd(['start', '--all', '--app', fixtureApp('lifecycle'), '--config', tempConfig(t, yaml)]);
    assert.equal(result.code, 2, `${yaml}: ${result.stderr}`);
    assert.match(result.stderr, /default\.yaml/);
    assert.match(result.stderr, new RegExp(`instances.*from 1 to ${limit}, 8 × this machine's`, 's'), yaml);
  }
});

test(`SIGTERM during a start of ${Math.min(16, limit)} children stops within 2 s and leaves none`, async (t) => {
  const count = Math.min(16, limit);
  const crew = runCrew(t, ['start', '--component', `idle=${count}`, '--app', fixtureApp('lifecycle'), '--config', tempConfig(t, '')]);
  await crew.waitFor((r) => /^idle\.1 started/.test(r.message), 'the first fork');
  const began = Date.now();
  crew.signal('SIGTERM');
  const exit = await crew.exited;
  const ms = Date.now() - began;
  assert.equal(exit.code, 0);
  assert.ok(ms < 2000, `stopped in ${ms} ms`);
  const started = crew.records.filter((r) => / started \(pid/.test(r.message)).map(pidOf);
  assert.deepEqual(started.filter(alive), []);
});
