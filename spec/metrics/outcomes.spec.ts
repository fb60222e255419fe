// Every outcome crew counts, moved by the real event behind it: ticks another host fired,
// ticks skipped because the run before still runs, runs that throw, the lateness of each fired
// tick; jobs waiting, delayed, running, failed for good, as the queue holds them and as the
// worker counts them — on a real crew, scraped and parsed as Prometheus text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrape, scrapeUntil, type Scrape } from '../helpers/prometheus.js';
import { startRedis } from '../helpers/redis-server.js';
import { startMetricsCrew } from './metrics-crew.js';

const ticks = (s: Scrape, schedule: string, outcome: string) => s.value('crew_schedule_ticks_total', { schedule, outcome });
const runs = (s: Scrape, schedule: string, outcome: string) => s.value('crew_schedule_runs_total', { schedule, outcome });

test('two crews on one Redis: a tick fired by one is counted skipped_another_host by the other; a run that outlasts its second skips ticks as overlap; a run that throws counts failed; each fired tick has its lateness', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const options = { driver: 'redis' as const, redis, prefix: 'outcomes', args: ['--scheduler'], ready: 1, env: { METRICS_SCHEDULES: 'outcomes' } };
  const a = await startMetricsCrew(t, options);
  const b = await startMetricsCrew(t, options);
  if (!a || !b) return;
  const both = async () => [await scrape(a.metricsPort), await scrape(b.metricsPort)] as const;
  const sum = (pair: readonly Scrape[], read: (s: Scrape) => number) => pair.reduce((total, s) => total + read(s), 0);

  // From when both run: before that, the first crew fired every tick alone.
  const start = await both();
  let pair = start;
  const deadline = Date.now() + 30_000;
  const enough = (p: readonly Scrape[]) =>
    sum(p, (s) => ticks(s, 'tick', 'skipped_another_host')) - sum(start, (s) => ticks(s, 'tick', 'skipped_another_host')) >= 3 &&
    sum(p, (s) => ticks(s, 'tick', 'fired')) - sum(start, (s) => ticks(s, 'tick', 'fired')) >= 3 &&
    sum(p, (s) => ticks(s, 'overlapping', 'skipped_overlap')) >= 1 &&
    sum(p, (s) => runs(s, 'overlapping', 'ok')) >= 1 &&
    sum(p, (s) => runs(s, 'broken', 'failed')) >= 2;
  while (!enough(pair)) {
    assert.ok(Date.now() < deadline, `outcomes not all seen in 30 s:\n${pair.map((s) => s.text.split('\n').filter((l) => l.startsWith('crew_schedule_ticks_total') || l.startsWith('crew_schedule_runs_total')).join('\n')).join('\n--\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    pair = await both();
  }

  // Each tick fires on one host: what one fired, the other skipped (give or take the ticks in flight between the scrapes).
  const fired = sum(pair, (s) => ticks(s, 'tick', 'fired')) - sum(start, (s) => ticks(s, 'tick', 'fired'));
  const elsewhere = sum(pair, (s) => ticks(s, 'tick', 'skipped_another_host')) - sum(start, (s) => ticks(s, 'tick', 'skipped_another_host'));
  assert.ok(fired >= 3 && Math.abs(fired - elsewhere) <= 2, `fired ${fired}, skipped on the other host ${elsewhere}`);
  for (const s of pair) {
    // Every fired tick has its lateness, in the same report.
    for (const schedule of ['tick', 'overlapping', 'broken']) {
      assert.equal(s.value('crew_schedule_lateness_seconds_count', { schedule }), ticks(s, schedule, 'fired'), `${schedule}: one lateness per fired tick`);
      assert.ok(s.value('crew_schedule_next_tick_timestamp_seconds', { schedule }) > Date.now() / 1000 - 5, `${schedule}: a next tick ahead`);
    }
    assert.equal(s.value('crew_schedule_run_duration_seconds_count', { schedule: 'broken', outcome: 'failed' }), runs(s, 'broken', 'failed'));
    assert.equal(runs(s, 'broken', 'ok'), 0);
    assert.equal(ticks(s, 'tick', 'paused') + ticks(s, 'tick', 'skipped_overlap'), 0, 'no other outcome for a free, quick schedule');
  }
});

for (const driver of ['embedded', 'redis'] as const) {
  test(`${driver}: the queue's depth by state (waiting, delayed, active, failed) and the jobs running now follow real jobs`, async (t) => {
    // No worker takes `parked`: those jobs wait (or sit delayed).
    const m = await startMetricsCrew(t, { driver, args: ['--server', '--worker'], yaml: 'worker: { queues: [echo, flaky, doomed, slow] }', ready: 2 });
    if (!m) return;
    const depth = (s: Scrape, job: string, state: string) => s.value('crew_queue_jobs', { job, state });
    assert.equal(await m.request('/enqueue-many?job=parked&count=2'), 200);
    assert.equal(await m.request('/enqueue-many?job=parked&count=1&delay=60s'), 200);
    assert.equal(await m.request('/enqueue-many?job=doomed&count=1'), 200);
    assert.equal(await m.request('/enqueue-many?job=slow&count=1'), 200);

    // `slow` runs for 3 s: it shows as active, in the queue and in the worker's own count.
    const during = await scrapeUntil(
      m.metricsPort,
      (s) => depth(s, 'parked', 'waiting') === 2 && depth(s, 'parked', 'delayed') === 1 && depth(s, 'doomed', 'failed') === 1 && depth(s, 'slow', 'active') === 1 && s.value('crew_jobs_active', { job: 'slow' }) === 1,
      'two parked jobs waiting, one delayed, a doomed one failed, a slow one running',
    );
    assert.equal(during.value('crew_queue_up'), 1);
    assert.equal(during.value('crew_jobs_total', { job: 'doomed', outcome: 'failed' }), 1);
    assert.equal(during.value('crew_job_duration_seconds_count', { job: 'doomed', outcome: 'failed' }), 1);
    assert.equal(during.value('crew_jobs_total', { job: 'slow' }), 0, 'a running attempt has not ended');
    assert.ok(during.value('crew_queue_oldest_waiting_seconds', { job: 'parked' }) >= 0);
    assert.equal(depth(during, 'parked', 'active'), 0);

    // Its timeout ends it: no longer running, failed for good, and kept as failed.
    const after = await scrapeUntil(
      m.metricsPort,
      (s) => s.value('crew_jobs_total', { job: 'slow', outcome: 'failed' }) === 1 && s.value('crew_jobs_active', { job: 'slow' }) === 0 && depth(s, 'slow', 'active') === 0 && depth(s, 'slow', 'failed') === 1,
      'the slow job ended by its timeout',
    );
    assert.equal(depth(after, 'parked', 'waiting'), 2, 'nothing took the parked jobs');
    assert.equal(depth(after, 'parked', 'delayed'), 1);
  });
}
