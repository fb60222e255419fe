// A child learns who it is over IPC, never from its environment: a config far above the
// environment's 128 KiB limit starts and restarts, and no child's /proc/<pid>/environ shows the
// resolved config (a Redis password in it, say).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCrew, runCrewToEnd, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const pidOf = (record: LogRecord) => Number(/\(pid (\d+)\)/.exec(record.message)?.[1]);
const PASSWORD = 'S3cretPassw0rdInConfig';

test('a 200 KiB config value starts and restarts every child; no child environment holds the config or its Redis password', { skip: process.platform !== 'linux' && 'reads /proc' }, async (t) => {
  const nobody = await freePort();
  const yaml = [
    `queue: { driver: redis, url: "redis://:${PASSWORD}@127.0.0.1:${nobody}" }`,
    `components: { idle: { instances: 2, blob: "${'x'.repeat(200 * 1024)}" } }`,
    'supervisor: { restart: { backoff: { initial: 10ms } } }',
  ].join('\n');
  const env = { CREW_CONTROL: path.join(tempDir(t), 'control.sock'), REDIS_URL: '' };
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--component', 'idle', '--app', fixtureApp('lifecycle'), '--port', String(port), '--config', tempConfig(t, yaml)], { env });
  await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), 3, 'three ready');

  // A restart asked for, and one after a crash: each forks anew.
  const restart = await runCrewToEnd(['restart', 'idle'], { env });
  assert.equal(restart.code, 0, restart.stderr);
  const third = crew.records.filter((r) => /^idle\.1 started/.test(r.message)).map(pidOf).at(-1)!;
  process.kill(third, 'SIGKILL');
  await crew.waitForCount((r) => /^idle\.1 ready/.test(r.message), 3, 'idle.1 back after a crash');

  const pids = crew.records.filter((r) => r.component === 'crew' && / started \(pid/.test(r.message)).map(pidOf);
  assert.equal(pids.length, 6);
  for (const pid of pids) {
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // One the restart replaced: gone.
    }
    assert.ok(!environ.includes(PASSWORD), `pid ${pid}: the password is in its environment`);
    assert.ok(!environ.includes('CREW_CHILD'), `pid ${pid}: the spec is in its environment`);
    assert.ok(environ.length < 64 * 1024, `pid ${pid}: the config is in its environment`);
  }
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});
