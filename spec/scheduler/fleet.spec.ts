// Two crews sharing one redis-server, each with `--scheduler`, as two hosts would: every tick
// of a per-second schedule fires exactly once between them, and the crew that loses a tick
// records that it skipped it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCrew, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { startRedis } from '../helpers/redis-server.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const TICKS = 22;

const isRun = (r: LogRecord) => r.component === 'scheduler' && r.schedule === 'every-second' && r.outcome === 'ok';
const isTaken = (r: LogRecord) => r.component === 'scheduler' && r.schedule === 'every-second' && r.outcome === 'skipped' && r.reason === 'taken';
const tickOf = (r: LogRecord) => Date.parse(r.tick as string);

test(`two crews on one Redis fire each of ${TICKS} per-second ticks exactly once in total`, async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const config = tempConfig(t, 'queue: { driver: redis }\n');
  const dir = tempDir(t);
  const start = (host: string): CrewProcess =>
    runCrew(t, ['start', '--scheduler', '--app', fixtureApp('schedules'), '--config', config, '--grace', '2s'], {
      env: { SCHEDULES: 'every-second', REDIS_URL: redis.url, CREW_CONTROL: path.join(dir, `${host}.sock`) },
    });
  const crews = [start('a'), start('b')];
  const ready = (crew: CrewProcess) => crew.waitFor((r) => r.component === 'crew' && /scheduler\.1 ready/.test(r.message), 'the scheduler ready', 20_000);
  await Promise.all(crews.map(ready));
  for (const crew of crews) {
    const armed = crew.records.find((r) => r.component === 'scheduler' && r.schedule === 'every-second' && / armed: /.test(r.message));
    assert.equal(armed?.lock, redis.url, 'the tick lock is in the shared Redis');
  }

  // Ticks from the first second both crews were armed for.
  const first = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  const last = first + (TICKS - 1) * 1000;
  // Each crew writes one record per tick, a run or a skip, in tick order: once both have
  // written about the last tick, every tick of the window is settled.
  const settled = (crew: CrewProcess) => crew.waitFor((r) => (isRun(r) || isTaken(r)) && tickOf(r) >= last, `a record of tick ${new Date(last).toISOString()}`, (TICKS + 15) * 1000);
  await Promise.all(crews.map(settled));
  for (const crew of crews) crew.signal('SIGTERM');
  const exits = await Promise.all(crews.map((crew) => crew.exited));
  assert.deepEqual(exits.map((e) => e.code), [0, 0]);

  const fired = new Map<number, string[]>();
  const skipped = new Map<number, string[]>();
  crews.forEach((crew, i) => {
    const host = i === 0 ? 'a' : 'b';
    for (const r of crew.records.filter(isRun)) fired.set(tickOf(r), [...(fired.get(tickOf(r)) ?? []), host]);
    for (const r of crew.records.filter(isTaken)) skipped.set(tickOf(r), [...(skipped.get(tickOf(r)) ?? []), host]);
  });
  let byA = 0;
  for (let tick = first; tick <= last; tick += 1000) {
    const hosts = fired.get(tick) ?? [];
    assert.equal(hosts.length, 1, `tick ${new Date(tick).toISOString()} fired by ${hosts.length === 0 ? 'no crew' : hosts.join(' and ')}`);
    assert.deepEqual(skipped.get(tick), [hosts[0] === 'a' ? 'b' : 'a'], `the other crew recorded that it skipped ${new Date(tick).toISOString()}`);
    if (hosts[0] === 'a') byA += 1;
  }
  t.diagnostic(`${TICKS} ticks: ${byA} fired by crew a, ${TICKS - byA} by crew b`);
});
