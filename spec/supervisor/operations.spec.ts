// What an operator leans on besides start and stop: a closed stdout, the memory limit, SIGHUP
// reloads, per-component log levels, and an extra file transport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCrew, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const pidOf = (record: LogRecord) => Number(/\(pid (\d+)\)/.exec(record.message)?.[1]);

test('a closed stdout (EPIPE) does not crash crew: it keeps serving and still exits cleanly', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')]);
  await crew.waitFor((r) => /^server\.1 ready/.test(r.message), 'server ready');
  crew.process.stdout!.destroy();
  // Requests make log lines that now have nowhere to go.
  for (let i = 0; i < 20; i += 1) assert.equal((await get(`http://127.0.0.1:${port}/_ping`)).status, 200);
  crew.signal('SIGTERM');
  const exit = await crew.exited;
  assert.equal(exit.code, 0);
  const notices = crew.stderr().split('\n').filter((line) => /stdout is closed/.test(line));
  assert.equal(notices.length, 1, crew.stderr());
});

test('a child whose RSS stays above memoryLimit is restarted gracefully', async (t) => {
  const config = tempConfig(t, 'components:\n  hog:\n    supervisor: { memoryLimit: 100MB }\n');
  const crew = runCrew(t, ['start', '--component', 'hog', '--app', fixtureApp('components'), '--config', config], { env: { HOG_MB: '200' } });
  const restart = await crew.waitFor((r) => /^hog\.1 restarting: RSS \d+ MB above memoryLimit 100 MB/.test(r.message), 'memory restart', 20_000);
  assert.equal(restart.level, 'warn');
  const exit = await crew.waitFor((r) => /^hog\.1 exited/.test(r.message), 'graceful exit');
  assert.equal(exit.code, 0);
  await crew.waitForCount((r) => /^hog\.1 ready/.test(r.message), 2, 'ready again');
});

test('SIGHUP replaces every child, one at a time, without stopping crew', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '2', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')]);
  const before = await crew.waitForCount((r) => /^server\.\d started/.test(r.message), 2, 'two started');
  await crew.waitForCount((r) => /^server\.\d ready/.test(r.message), 2, 'two ready');
  crew.signal('SIGHUP');
  const after = await crew.waitForCount((r) => /^server\.\d started/.test(r.message), 4, 'two replaced');
  await crew.waitForCount((r) => /^server\.\d ready/.test(r.message), 4, 'replacements ready');
  const oldPids = new Set(before.map(pidOf));
  assert.ok(after.slice(2).every((r) => !oldPids.has(pidOf(r))));
  assert.equal((await get(`http://127.0.0.1:${port}/_ping`)).status, 200);
  // One at a time: server.2 was stopped only after the new server.1 was ready. The old server.2
  // stops after its replacement is ready, so its exit record may still be on its way.
  await crew.waitFor((r) => /^server\.2 exited/.test(r.message), 'old server.2 exited');
  const messages = crew.records.map((r) => r.message);
  const newOneReady = messages.findIndex((m, i) => i > messages.findIndex((x) => /reloading/.test(x)) && /^server\.1 ready/.test(m));
  const secondStopped = messages.findIndex((m) => /^server\.2 exited/.test(m));
  assert.ok(newOneReady < secondStopped, 'rolling, not all at once');
});

test('SIGHUP reloads a single server instance without a gap: the new child is ready before the old one stops', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')]);
  await crew.waitFor((r) => /^server\.1 ready/.test(r.message), 'ready');
  let stop = false;
  let failures = 0;
  let answered = 0;
  let onAnswer = () => undefined as void;
  const client = (async () => {
    while (!stop) {
      try {
        if ((await get(`http://127.0.0.1:${port}/_ping`)).status === 200) {
          answered += 1;
          onAnswer();
        } else failures += 1;
      } catch {
        failures += 1;
      }
    }
  })();
  t.after(() => {
    stop = true;
  });
  crew.signal('SIGHUP');
  await crew.waitFor((r) => /^server\.1 exited/.test(r.message), 'the old child stopped');
  const answeredAtSwap = answered;
  // Keep asking until the new child has answered a few times on its own.
  await new Promise<void>((resolve) => {
    onAnswer = () => {
      if (answered >= answeredAtSwap + 20) resolve();
    };
  });
  stop = true;
  await client;
  assert.equal(failures, 0, 'no request failed across the reload');
  const messages = crew.records.filter((r) => r.component === 'crew').map((r) => r.message);
  const secondReady = messages.findIndex((m, i) => /^server\.1 ready/.test(m) && i > messages.findIndex((x) => /replacing/.test(x)));
  const oldExit = messages.findIndex((m) => /^server\.1 exited/.test(m));
  assert.ok(secondReady >= 0 && secondReady < oldExit, 'the new child was ready before the old one exited');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('--log-level COMPONENT=LEVEL changes one component only', async (t) => {
  const crew = runCrew(t, ['start', '--component', 'debugger', '--app', fixtureApp('components'), '--config', tempConfig(t, ''), '--log-level', 'debugger=debug']);
  const debug = await crew.waitFor((r) => r.message === 'debug detail', 'debug line');
  assert.equal(debug.level, 'debug');
  crew.signal('SIGTERM');
  await crew.exited;

  const quiet = runCrew(t, ['start', '--component', 'debugger', '--app', fixtureApp('components'), '--config', tempConfig(t, '')]);
  await quiet.waitFor((r) => r.message === 'info line', 'info line');
  await quiet.waitFor((r) => /^debugger\.1 ready/.test(r.message), 'ready');
  quiet.signal('SIGTERM');
  await quiet.exited;
  assert.ok(!quiet.records.some((r) => r.message === 'debug detail'), 'debug filtered at the default level');
});

test('log.transports adds a file that receives the same JSON records', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'crew.log');
  const config = tempConfig(t, `log:\n  transports:\n    - { type: file, filename: ${JSON.stringify(file)} }\n`);
  const crew = runCrew(t, ['start', '--component', 'chatty', '--app', fixtureApp('components'), '--config', config]);
  await crew.waitFor((r) => r.message === 'hello from chatty', 'hello');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  const written = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LogRecord);
  assert.ok(written.some((r) => r.message === 'hello from chatty' && r.component === 'chatty'));
  assert.ok(written.some((r) => r.component === 'crew' && /stopped in/.test(r.message)));
});
