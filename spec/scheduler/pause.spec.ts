// `crew scheduler pause` and `resume` through the real CLI on real crews: a paused schedule
// fires no tick (each skipped tick recorded once, as `paused`) until resumed. With Redis the
// pause holds for two crews sharing it and across a restart; with the embedded queue the
// running crew holds it. `crew scheduler list` shows the pause and the last run.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { ListedSchedule } from '../../lib/schedule/listing.js';
import { runCrew, runCrewToEnd, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { startRedis } from '../helpers/redis-server.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const NAME = 'every-second';
const of = (outcome: string) => (r: LogRecord) => r.component === 'scheduler' && r.schedule === NAME && r.outcome === outcome;
const tickOf = (r: LogRecord) => Date.parse(r.tick as string);
const ready = (crew: CrewProcess) => crew.waitFor((r) => r.component === 'crew' && /scheduler\.1 ready/.test(r.message), 'the scheduler ready', 20_000);

function scheduler(config: string, socket: string, env: Record<string, string> = {}) {
  return (args: string[]) => runCrewToEnd(['scheduler', ...args, '--app', fixtureApp('schedules'), '--config', config], { env: { SCHEDULES: NAME, REDIS_URL: '', CREW_CONTROL: socket, ...env } });
}

async function listed(ask: ReturnType<typeof scheduler>): Promise<ListedSchedule> {
  const result = await ask(['list', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as ListedSchedule[]).find((s) => s.name === NAME)!;
}

/** No run of a tick after `from` in any of the crews. */
function assertNoRunAfter(crews: CrewProcess[], from: number): void {
  for (const crew of crews) {
    const late = crew.records.filter(of('ok')).filter((r) => tickOf(r) > from);
    assert.deepEqual(late.map((r) => r.tick), [], 'no tick fired while paused');
  }
}

test('with Redis, a pause holds for two crews sharing it and across a restart; resume restores the schedule', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const config = tempConfig(t, 'queue: { driver: redis }\nsupervisor: { grace: 2s }\n');
  const dir = tempDir(t);
  const start = (host: string) =>
    runCrew(t, ['start', '--scheduler', '--app', fixtureApp('schedules'), '--config', config], { env: { SCHEDULES: NAME, REDIS_URL: redis.url, CREW_CONTROL: path.join(dir, `${host}.sock`) } });
  const ask = (host: string) => scheduler(config, path.join(dir, `${host}.sock`));
  const crews = [start('a'), start('b')];
  await Promise.all(crews.map(ready));
  await Promise.race(crews.map((crew) => crew.waitFor(of('ok'), 'a first run')));

  const paused = await ask('a')(['pause', NAME]);
  assert.equal(paused.code, 0, paused.stderr);
  assert.equal(paused.stdout, `paused ${NAME}: it fires no tick until \`crew scheduler resume ${NAME}\` (kept in Redis at ${redis.url}, for every crew sharing it)\n`);
  // A tick already being handled as the pause landed may still run; none after it.
  const from = Date.now() + 1000;
  const again = await ask('b')(['pause', NAME]);
  assert.match(again.stdout, new RegExp(`^${NAME} was paused already \\(since \\d{4}-`));
  await Promise.race(crews.map((crew) => crew.waitForCount((r) => of('paused')(r) && tickOf(r) > from, 3, 'three paused ticks')));
  assertNoRunAfter(crews, from);
  const pausedTicks = crews.flatMap((crew) => crew.records.filter(of('paused')).map(tickOf));
  assert.equal(new Set(pausedTicks).size, pausedTicks.length, 'each paused tick recorded once between the two crews');
  const state = await listed(ask('b'));
  assert.equal(state.state, 'paused');
  assert.ok(state.pausedSince !== null && Date.parse(state.pausedSince) < from);
  assert.equal(state.lastRun?.outcome, 'ok');
  assert.ok(Date.parse(state.lastRun.tick) <= from, 'the last run is from before the pause');

  // Both crews stop; with none running, the state is read from the Redis config names.
  for (const crew of crews) crew.signal('SIGTERM');
  assert.deepEqual((await Promise.all(crews.map((crew) => crew.exited))).map((e) => e.code), [0, 0]);
  const offline = await listed(scheduler(config, path.join(dir, 'nobody.sock'), { REDIS_URL: redis.url }));
  assert.equal(offline.state, 'paused');

  const restarted = start('c');
  await ready(restarted);
  await restarted.waitForCount(of('paused'), 2, 'two paused ticks after the restart');
  assert.equal(restarted.records.filter(of('ok')).length, 0, 'still paused after the restart');
  const resumed = await ask('c')(['resume', NAME]);
  assert.equal(resumed.stdout, `resumed ${NAME}: it fires again from its next tick\n`);
  const after = Date.now();
  await restarted.waitFor((r) => of('ok')(r) && tickOf(r) > after, 'a run after the resume');
  assert.equal((await listed(ask('c'))).state, 'active');
  assert.equal((await ask('c')(['resume', NAME])).stdout, `${NAME} was not paused\n`);
  restarted.signal('SIGTERM');
  assert.equal((await restarted.exited).code, 0);
});

test('with the embedded queue, the running crew holds the pause; list shows it and the last run', async (t) => {
  const config = tempConfig(t, 'queue: { driver: embedded }\nsupervisor: { grace: 2s }\n');
  const socket = path.join(config, 'control.sock');
  const crew = runCrew(t, ['start', '--scheduler', '--app', fixtureApp('schedules'), '--config', config], { env: { SCHEDULES: NAME, REDIS_URL: '', CREW_CONTROL: socket } });
  await ready(crew);
  await crew.waitFor(of('ok'), 'a first run');
  const ask = scheduler(config, socket);

  const paused = await ask(['pause', NAME]);
  assert.equal(paused.stdout, `paused ${NAME}: it fires no tick until \`crew scheduler resume ${NAME}\` (held by the running crew until it stops)\n`);
  const from = Date.now() + 1000;
  const skip = await crew.waitFor((r) => of('paused')(r) && tickOf(r) > from, 'a paused tick');
  assert.match(skip.message, new RegExp(`^${NAME}: tick .* skipped: the schedule is paused \\(\`crew scheduler resume ${NAME}\` fires it again\\)$`));
  await crew.waitForCount((r) => of('paused')(r) && tickOf(r) > from, 2, 'two paused ticks');
  assertNoRunAfter([crew], from);
  const state = await listed(ask);
  assert.deepEqual([state.state, state.lastRun?.outcome], ['paused', 'ok']);
  const table = await ask(['list']);
  assert.match(table.stdout, new RegExp(`^${NAME} +\\* \\* \\* \\* \\* \\* +\\S+ \\(machine\\) +function +paused +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d{4}-`, 'm'));
  assert.match(table.stdout, /^ +ok in \d+ ms +\d{4}-/m);

  const resumed = await ask(['resume', NAME]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const after = Date.now();
  await crew.waitFor((r) => of('ok')(r) && tickOf(r) > after, 'a run after the resume');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('pause: an unknown schedule is a usage error; with no crew and no Redis there is nothing to pause', async (t) => {
  const config = tempConfig(t, 'queue: { driver: embedded }\n');
  const ask = scheduler(config, path.join(config, 'nobody.sock'));
  const unknown = await ask(['pause', 'every-secnd']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, `crew: scheduler pause: no schedule "every-secnd" (did you mean "${NAME}"?)\n`);
  const nothing = await ask(['pause', NAME]);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /^crew: no running crew found for this folder .*; config names no Redis either \(queue\.url \/ REDIS_URL\), so there is nothing to act on\n$/);
});
