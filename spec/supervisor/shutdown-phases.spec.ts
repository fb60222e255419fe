// SIGTERM in two phases under one clock: the server stops accepting first (after
// server.drainDelay, with /_health at 503 meanwhile), then every other component is quieted at
// once; nobody waits for another's in-flight work, a child with nothing left exits at once, a
// worker takes no new job, and only what still runs at its deadline is killed. A child still
// starting (Redis unreachable, a wrong password) or stuck in a client's close (Redis frozen)
// does not hold crew up.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCrew, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const crewSays = (pattern: RegExp) => (r: LogRecord) => r.component === 'crew' && pattern.test(r.message);
const indexOf = (crew: CrewProcess, pattern: RegExp) => crew.records.findIndex(crewSays(pattern));

interface Started {
  crew: CrewProcess;
  port: number;
}

async function start(t: TestContext, args: string[], yaml: string, ready: number, env: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const config = tempConfig(t, yaml);
  const crew = runCrew(t, ['start', '--app', fixtureApp('lifecycle'), '--port', String(port), '--config', config, ...args], {
    env: { CREW_CONTROL: path.join(tempDir(t), 'control.sock'), REDIS_URL: '', ...env },
  });
  if (ready > 0) await crew.waitForCount(crewSays(/ ready in /), ready, `${ready} ready`, 20_000);
  return { crew, port };
}

/** A request that outlives every grace here; it fails when its server is killed, as it must. */
function slowRequest(port: number, ms: number): void {
  get(`http://127.0.0.1:${port}/slow?ms=${ms}`, { timeout: 120_000 }).catch(() => undefined);
}

test('SIGTERM while a request outlives the grace: the idle worker and the idle component exit at once, gracefully; only the server is killed', async (t) => {
  const { crew, port } = await start(t, ['--server', '--worker', '--component', 'idle', '--grace', '3s'], 'queue: { driver: embedded }\n', 3);
  slowRequest(port, 60_000);
  await crew.waitFor((r) => r.message === 'slow request begun', 'the request in flight');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 1, 'the server had to be killed');

  const killedAtGrace = crew.records.filter(crewSays(/still running at the end of the grace/)).map((r) => r.message);
  assert.deepEqual(killedAtGrace, ['server.1 still running at the end of the grace: killing it']);
  for (const tag of ['worker.1', 'idle.1']) {
    const exit = crew.records.find(crewSays(new RegExp(`^${tag.replace('.', '\\.')} exited`)))!;
    assert.equal(exit.code, 0, `${tag} exited cleanly`);
    assert.ok(indexOf(crew, new RegExp(`^${tag.replace('.', '\\.')} exited`)) < indexOf(crew, /^server\.1 still running/), `${tag} did not wait for the server`);
  }
});

async function busyWorkerTakesNoNewJob(t: TestContext, queueYaml: string): Promise<void> {
  const { crew, port } = await start(t, ['--server', '--worker', '--grace', '8s'], queueYaml, 2);
  // Eight jobs of 1.5 s, four at a time: four start now, four would start once those are done.
  const enqueued = await get(`http://127.0.0.1:${port}/enqueue?count=8&ms=1500`);
  assert.equal(enqueued.status, 200, enqueued.body);
  await crew.waitForCount((r) => r.message === 'slow started', 4, 'four jobs running');
  // A request that keeps the server draining past the running jobs' end.
  slowRequest(port, 4000);
  await crew.waitFor((r) => r.message === 'slow request begun', 'the request in flight');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  assert.equal(crew.records.filter((r) => r.message === 'slow started').length, 4, 'no job started after the SIGTERM');
  const worker = crew.records.findIndex(crewSays(/^worker\.1 exited with code 0/));
  assert.ok(worker >= 0 && worker < indexOf(crew, /^server\.1 exited/), 'the worker finished its jobs without waiting for the server');
}

test('a busy worker takes no new job after the SIGTERM (embedded queue)', async (t) => {
  await busyWorkerTakesNoNewJob(t, 'queue: { driver: embedded }\n');
});

test('a busy worker takes no new job after the SIGTERM (redis queue)', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  await busyWorkerTakesNoNewJob(t, `queue: { driver: redis, url: "${redis.url}", prefix: "phases${redis.port}" }\n`);
});

/** SIGTERM, then how long crew took to exit and with what code. */
async function stopTimed(t: TestContext, crew: CrewProcess): Promise<{ ms: number; code: number | null }> {
  const began = Date.now();
  crew.signal('SIGTERM');
  const exit = await crew.exited;
  const ms = Date.now() - began;
  t.diagnostic(`SIGTERM to exit: ${ms} ms`);
  return { ms, code: exit.code };
}

test('SIGTERM with Redis unreachable: the worker still waiting for it stops at once; exit 0 within 2 s', async (t) => {
  const nobody = await freePort();
  const { crew } = await start(t, ['--server', '--worker'], `queue: { driver: redis, url: "redis://127.0.0.1:${nobody}" }\n`, 1);
  await crew.waitFor((r) => /cannot reach Redis/.test(r.message), 'the worker waiting for Redis');
  const { ms, code } = await stopTimed(t, crew);
  assert.equal(code, 0);
  assert.ok(ms < 2000, `stopped in ${ms} ms`);
});

test('SIGTERM with a wrong Redis password: exit within 2 s', async (t) => {
  const redis = await startRedis(t, { args: ['--requirepass', 'right-password'] });
  if (!redis) return;
  const url = `redis://:wrong-password@127.0.0.1:${redis.port}`;
  const { crew } = await start(t, ['--server', '--worker'], `queue: { driver: redis, url: "${url}" }\nsupervisor: { restart: { giveUp: stay } }\n`, 1);
  await crew.waitFor((r) => r.component === 'crew' && /^worker\.1 started/.test(r.message), 'the worker started');
  await crew.waitFor((r) => /Redis/.test(r.message) && r.level === 'warn', 'the worker told of the refusal');
  const { ms, code } = await stopTimed(t, crew);
  assert.ok(ms < 2000, `stopped in ${ms} ms`);
  // Nothing was in flight: 0, unless the credential error gave the worker up (then 1, said once).
  const givenUp = crew.records.some(crewSays(/^worker given up/));
  assert.equal(code, givenUp ? 1 : 0);
});

test('SIGTERM with Redis frozen (SIGSTOP): no client waits on it; exit 0 within 2 s', async (t) => {
  const redis = (await startRedis(t)) as RedisServer | undefined;
  if (!redis) return;
  const { crew } = await start(t, ['--server', '--worker', '--scheduler'], `queue: { driver: redis, url: "${redis.url}", prefix: "frozen${redis.port}" }\nschedules: { nightly: { cron: "0 3 * * *", job: slow } }\n`, 3);
  const pid = redis.pid()!;
  process.kill(pid, 'SIGSTOP');
  t.after(() => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // Stopped for good already by the helper's cleanup.
    }
  });
  const { ms, code } = await stopTimed(t, crew);
  assert.equal(code, 0);
  assert.ok(ms < 2000, `stopped in ${ms} ms`);
});

test('server.drainDelay: the server keeps serving with /_health at 503, then stops accepting', async (t) => {
  const { crew, port } = await start(t, ['--server'], 'server: { drainDelay: 1500ms }\n', 1);
  const began = Date.now();
  crew.signal('SIGTERM');
  await crew.waitFor(crewSays(/^shutting down .*the server keeps serving for 1500 ms \(server\.drainDelay\)$/), 'shutdown begun');
  const health = await get(`http://127.0.0.1:${port}/_health`);
  assert.equal(health.status, 503);
  assert.deepEqual((health.json() as { checks: Record<string, unknown> }).checks.shutdown, { ok: false, error: 'this server is shutting down', ms: (health.json() as { checks: { shutdown: { ms: number } } }).checks.shutdown.ms });
  assert.equal((await get(`http://127.0.0.1:${port}/_ping`)).status, 200, 'still serving');
  assert.equal((await crew.exited).code, 0);
  assert.ok(Date.now() - began >= 1500, 'stopped accepting only after the delay');
  await assert.rejects(get(`http://127.0.0.1:${port}/_ping`), /ECONNREFUSED/);
});

test('server.drainDelay must be shorter than the grace: exit 2 naming both', async (t) => {
  const { crew } = await start(t, ['--server', '--grace', '1s'], 'server: { drainDelay: 2s }\n', 0);
  const exit = await crew.exited;
  assert.equal(exit.code, 2);
  assert.match(crew.stderr(), /server\.drainDelay \(2000 ms\) must be shorter than the server's grace \(1000 ms\)/);
});
