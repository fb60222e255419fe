// Crashes become restarts with backoff, siblings untouched; a crash loop meets the restart
// intensity; readiness and the watchdog count as failures too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrew, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempConfig } from '../helpers/temp-dir.js';

const pidOf = (record: LogRecord) => Number(/\(pid (\d+)\)/.exec(record.message)?.[1]);
const FAST = 'supervisor:\n  restart:\n    backoff: { initial: 50ms, factor: 2, max: 1s }\n';

test('a SIGKILLed server instance is restarted; its sibling keeps its pid', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '2', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, FAST)]);
  const started = await crew.waitForCount((r) => /^server\.\d started/.test(r.message), 2, 'two servers started');
  await crew.waitForCount((r) => /^server\.\d ready/.test(r.message), 2, 'two servers ready');
  const first = started.find((r) => r.message.startsWith('server.1'))!;
  const second = started.find((r) => r.message.startsWith('server.2'))!;
  process.kill(pidOf(first), 'SIGKILL');
  const restarting = await crew.waitFor((r) => r.message.startsWith('server.1 restarting in'), 'restart decision');
  assert.match(restarting.message, /restarting in 50 ms/);
  const again = await crew.waitForCount((r) => /^server\.1 started/.test(r.message), 2, 'server.1 started again');
  assert.notEqual(pidOf(again[1]!), pidOf(first));
  await crew.waitForCount((r) => /^server\.1 ready/.test(r.message), 2, 'server.1 ready again');
  // The sibling was never restarted.
  assert.equal(crew.records.filter((r) => /^server\.2 started/.test(r.message)).length, 1);
  process.kill(pidOf(second), 0);
  assert.equal((await get(`http://127.0.0.1:${port}/_ping`)).status, 200);
  const exit = crew.records.find((r) => /^server\.1 exited/.test(r.message))!;
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(exit.level, 'warn');
});

test('a crash loop hits the intensity: giveUp exit stops everything with exit 1', async (t) => {
  const config = tempConfig(t, `${FAST}    intensity: { max: 3, window: 10s }\n`);
  const crew = runCrew(t, ['start', '--component', 'crashy', '--component', 'steady', '--app', fixtureApp('components'), '--config', config]);
  const exit = await crew.exited;
  assert.equal(exit.code, 1);
  assert.equal(crew.records.filter((r) => /^crashy\.1 restarting/.test(r.message)).length, 3);
  const givenUp = crew.records.filter((r) => /crashy given up/.test(r.message));
  assert.equal(givenUp.length, 1);
  assert.equal(givenUp[0]!.level, 'error');
  assert.match(givenUp[0]!.message, /4 restarts within 10000 ms.*giveUp: exit/);
  // The sibling was stopped gracefully, not crashed.
  const steadyExit = crew.records.find((r) => /^steady\.1 exited/.test(r.message))!;
  assert.equal(steadyExit.code, 0);
});

test('a crash loop hits the intensity: giveUp stay keeps the rest running', async (t) => {
  const config = tempConfig(t, `${FAST}    intensity: { max: 2, window: 10s }\n    giveUp: stay\n`);
  const crew = runCrew(t, ['start', '--component', 'crashy', '--component', 'steady', '--app', fixtureApp('components'), '--config', config]);
  await crew.waitFor((r) => /crashy given up/.test(r.message), 'given up');
  assert.equal(crew.records.filter((r) => /given up/.test(r.message)).length, 1);
  assert.match(crew.records.find((r) => /given up/.test(r.message))!.message, /giveUp: stay/);
  const steady = crew.records.find((r) => /^steady\.1 started/.test(r.message))!;
  process.kill(pidOf(steady), 0); // still alive
  assert.equal(crew.records.filter((r) => /^steady\.1 exited/.test(r.message)).length, 0);
  crew.signal('SIGTERM');
  // A component failed, so the exit code says so.
  assert.equal((await crew.exited).code, 1);
});

test('a child not ready within readyTimeout is killed and counts as a failed start', async (t) => {
  const config = tempConfig(t, 'supervisor:\n  readyTimeout: 300ms\n  restart:\n    backoff: { initial: 50ms }\n    intensity: { max: 1, window: 10s }\n');
  const crew = runCrew(t, ['start', '--component', 'sleepy', '--app', fixtureApp('components'), '--config', config]);
  const exit = await crew.exited;
  assert.equal(exit.code, 1);
  assert.ok(crew.records.some((r) => /sleepy\.1 was not ready within 300 ms/.test(r.message)));
  assert.ok(crew.records.some((r) => /sleepy given up/.test(r.message)));
});

test('a child whose event loop hangs is killed by the watchdog and restarted', async (t) => {
  const config = tempConfig(t, 'supervisor:\n  watchdog: 500ms\n  restart:\n    backoff: { initial: 50ms }\n');
  const crew = runCrew(t, ['start', '--component', 'hang', '--app', fixtureApp('components'), '--config', config]);
  const killed = await crew.waitFor((r) => /hang\.1 is not responding/.test(r.message), 'watchdog kill');
  assert.equal(killed.level, 'error');
  await crew.waitForCount((r) => /^hang\.1 started/.test(r.message), 2, 'restarted');
});
