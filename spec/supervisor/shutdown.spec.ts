// SIGTERM drains within the grace; what does not stop is killed at the grace (exit 1); a
// second signal kills at once; a killed primary leaves no child behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { runCrew, alive, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempConfig } from '../helpers/temp-dir.js';

const pidOf = (record: LogRecord) => Number(/\(pid (\d+)\)/.exec(record.message)?.[1]);

test('SIGTERM lets an in-flight slow request finish with 200, then crew exits 0', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')]);
  await crew.waitFor((r) => /^server\.1 ready/.test(r.message), 'server ready');
  const slow = get(`http://127.0.0.1:${port}/slow?ms=1500`);
  await crew.waitFor((r) => r.component === 'server' && r.message === 'slow request begun', 'the request in flight');
  const exited = crew.exited;
  crew.signal('SIGTERM');
  const reply = await slow;
  assert.equal(reply.status, 200);
  assert.deepEqual((reply.json() as { waited: number }).waited, 1500);
  assert.equal(reply.headers.connection, 'close');
  const exit = await exited;
  assert.equal(exit.code, 0);
  const order = crew.records.filter((r) => r.component === 'crew').map((r) => r.message);
  assert.ok(order.some((m) => /shutting down \(received SIGTERM\)/.test(m)));
  assert.ok(order.some((m) => /stopped in \d+ ms \(exit code 0\)/.test(m)));
});

test('a child that ignores SIGTERM and never stops is killed at the grace; crew exits 1', async (t) => {
  const crew = runCrew(t, ['start', '--component', 'stubborn', '--component', 'steady', '--app', fixtureApp('components'), '--config', tempConfig(t, ''), '--grace', '700ms']);
  await crew.waitForCount((r) => /\.1 ready/.test(r.message), 2, 'both ready');
  const began = Date.now();
  crew.signal('SIGTERM');
  const exit = await crew.exited;
  assert.equal(exit.code, 1);
  assert.ok(Date.now() - began >= 650, 'waited for the grace');
  assert.ok(crew.records.some((r) => /stubborn\.1 still running at the end of the grace: killing it/.test(r.message)));
  const steadyExit = crew.records.find((r) => /^steady\.1 exited/.test(r.message))!;
  assert.equal(steadyExit.code, 0);
});

test('SIGTERM while a child is still starting stops it too, without waiting out the grace', async (t) => {
  const port = await freePort();
  // server.2 is forked when the plan starts (server.1 is the child forked ahead): the stop
  // reaches it before its runtime listens, and must wait for it rather than be lost.
  const crew = runCrew(t, ['start', '--server', '2', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, ''), '--grace', '20s']);
  await crew.waitFor((r) => /^server\.2 started/.test(r.message), 'server.2 forked');
  crew.signal('SIGTERM');
  const exit = await crew.exited;
  assert.equal(exit.code, 0);
  assert.ok(!crew.records.some((r) => /still running at the end of the grace/.test(r.message)), 'no child waited out the grace');
});

test('a second SIGTERM kills at once', async (t) => {
  const crew = runCrew(t, ['start', '--component', 'stubborn', '--app', fixtureApp('components'), '--config', tempConfig(t, ''), '--grace', '30s']);
  await crew.waitFor((r) => /stubborn\.1 ready/.test(r.message), 'ready');
  crew.signal('SIGTERM');
  await crew.waitFor((r) => /shutting down/.test(r.message), 'shutdown begun');
  crew.signal('SIGTERM');
  const exit = await crew.exited;
  assert.equal(exit.code, 1);
  assert.ok(crew.records.some((r) => /received SIGTERM again: killing every child now/.test(r.message)));
});

test('after kill -9 of the primary, every child exits within 2 s', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '2', '--component', 'steady', '--component', 'hang', '--app', fixtureApp('components'), '--port', String(port), '--config', tempConfig(t, 'supervisor: { watchdog: 0 }\n')]);
  const started = await crew.waitForCount((r) => /started \(pid/.test(r.message), 4, 'four children');
  await crew.waitForCount((r) => /ready in/.test(r.message), 4, 'four ready');
  const pids = started.map(pidOf);
  crew.process.kill('SIGKILL');
  await once(crew.process, 'exit');
  const deadline = Date.now() + 2000;
  // Polling is the only way to watch a process that is not our child.
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(pids.filter(alive), [], 'no orphans after 2 s (one of them had a blocked event loop)');
});
