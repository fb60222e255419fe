// A real crew's /metrics, scraped and parsed with a Prometheus text-format parser: the
// counters move by exactly what really happened (requests, jobs, ticks, a kill), they never go
// back when a child is replaced, and the label sets stay bounded however many paths and jobs
// there are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { scrape, scrapeUntil, type Scrape } from '../helpers/prometheus.js';
import { MAX_ROUTES } from '../../lib/metrics/labels.js';
import { startMetricsCrew } from './metrics-crew.js';

const child = (tag: string) => {
  const [component, instance] = tag.split('.');
  return { component: component!, instance: instance! };
};
const succeeded = (s: Scrape, job = 'echo') => s.value('crew_jobs_total', { job, outcome: 'succeeded' });

test('a real scrape counts what happened: requests fill the histogram, jobs and ticks count once, a kill raises restarts and no counter goes back', async (t) => {
  const m = await startMetricsCrew(t, { args: ['--server', '--worker', '--scheduler'], ready: 3 });
  if (!m) return;
  const first = await scrape(m.metricsPort);
  const typeOf = (name: string) => first.families.find((f) => f.name === name)?.type;
  assert.equal(typeOf('crew_child_up'), 'GAUGE');
  assert.equal(typeOf('crew_child_restarts_total'), 'COUNTER');
  assert.equal(typeOf('crew_http_request_duration_seconds'), 'HISTOGRAM');
  assert.equal(typeOf('crew_jobs_total'), 'COUNTER');
  assert.equal(typeOf('crew_log_lines_total'), 'COUNTER');
  for (const tag of ['server.1', 'worker.1', 'scheduler.1']) {
    assert.equal(first.value('crew_child_up', child(tag)), 1, `${tag} up`);
    assert.equal(first.value('crew_child_restarts_total', child(tag)), 0, `${tag} restarts`);
    assert.ok(first.value('process_resident_memory_bytes', child(tag)) > 0, `${tag} reports its process`);
  }
  assert.ok(first.value('process_resident_memory_bytes', { component: 'crew', instance: '0' }) > 0, 'the primary itself');

  // Requests: 50 on a named route, one that fails; each writes its line to the log stream.
  const linesBefore = first.value('crew_log_lines_total', child('server.1'));
  for (let i = 0; i < 50; i++) assert.equal(await m.request(`/users/${i}`), 200);
  assert.equal(await m.request('/fail'), 500);
  const afterRequests = await scrapeUntil(m.metricsPort, (s) => s.value('crew_log_lines_total', child('server.1')) >= linesBefore + 51, "the server's 51 request lines counted");
  const users = { method: 'GET', status_class: '2xx', route: '/users/:id' };
  assert.equal(afterRequests.value('crew_http_request_duration_seconds_count', users), 50);
  assert.equal(afterRequests.value('crew_http_request_duration_seconds_bucket', { ...users, le: '+Inf' }), 50);
  assert.ok(afterRequests.value('crew_http_request_duration_seconds_sum', users) > 0);
  assert.equal(afterRequests.value('crew_http_request_duration_seconds_count', { method: 'GET', status_class: '5xx' }), 1);

  // 100 jobs raise the counters by exactly 100; a flaky one is retried once, then succeeds.
  assert.equal(await m.request('/enqueue-many?job=echo&count=100'), 200);
  assert.equal(await m.request('/enqueue-many?job=flaky&count=1'), 200);
  const afterJobs = await scrapeUntil(m.metricsPort, (s) => succeeded(s) >= 100 && succeeded(s, 'flaky') >= 1, '100 echo jobs and a flaky one done');
  assert.equal(succeeded(afterJobs), 100);
  assert.equal(afterJobs.value('crew_job_duration_seconds_count', { job: 'echo', outcome: 'succeeded' }), 100);
  assert.equal(afterJobs.value('crew_jobs_total', { job: 'flaky', outcome: 'retried' }), 1);
  assert.equal(afterJobs.value('crew_jobs_total', { job: 'flaky', outcome: 'failed' }), 0);
  assert.ok(afterJobs.value('crew_log_lines_total', child('worker.1')) > 0);
  // The supervisor's own samples of each child (one a second): memory, and cpu in cores.
  const sampled = await scrapeUntil(m.metricsPort, (s) => ['server.1', 'worker.1', 'scheduler.1'].every((tag) => s.value('crew_child_memory_bytes', child(tag)) > 0), 'every child sampled');
  for (const tag of ['server.1', 'worker.1', 'scheduler.1']) {
    const cpu = sampled.samples('crew_child_cpu_ratio').find((x) => x.labels.component === child(tag).component);
    assert.ok(cpu && cpu.value >= 0 && cpu.value <= 2, `${tag} cpu ${cpu?.value}`);
  }
  assert.ok(afterJobs.value('crew_log_lines_total', { component: 'crew', instance: '0' }) > 0);

  // The scheduler's ticks: fired, each with its lateness, and the next one ahead.
  const ticked = await scrapeUntil(m.metricsPort, (s) => s.value('crew_schedule_ticks_total', { schedule: 'tick', outcome: 'fired' }) >= 2, 'two ticks fired');
  assert.ok(ticked.value('crew_schedule_lateness_seconds_count', { schedule: 'tick' }) >= 2);
  assert.ok(ticked.value('crew_schedule_runs_total', { schedule: 'tick', outcome: 'ok' }) >= 1);
  const next = ticked.value('crew_schedule_next_tick_timestamp_seconds', { schedule: 'tick' });
  assert.ok(Math.abs(next - Date.now() / 1000) < 5, `next tick at ${next}`);
  const paused = await runCrewToEnd(['scheduler', 'pause', 'tick', '--config', m.configDir], { env: m.env });
  assert.equal(paused.code, 0, paused.stderr);
  await scrapeUntil(m.metricsPort, (s) => s.value('crew_schedule_ticks_total', { schedule: 'tick', outcome: 'paused' }) >= 1, 'a paused tick counted');

  // A kill raises the restarts; what the dead worker counted stays, and the new one adds to it.
  process.kill(m.pidOf('worker.1'), 'SIGKILL');
  const restarted = await scrapeUntil(m.metricsPort, (s) => s.value('crew_child_restarts_total', child('worker.1')) === 1 && s.value('crew_child_up', child('worker.1')) === 1, 'worker.1 restarted and up');
  assert.equal(succeeded(restarted), 100, 'the counter did not go back');
  assert.equal(await m.request('/enqueue-many?job=echo&count=100'), 200);
  const more = await scrapeUntil(m.metricsPort, (s) => succeeded(s) >= 200, '100 more jobs done');
  assert.equal(succeeded(more), 200);
  assert.equal(more.value('crew_child_restarts_total', child('server.1')), 0, 'siblings untouched');
});

for (const driver of ['embedded', 'redis'] as const) {
  test(`${driver}: 100 jobs raise the counters by 100; the queue's depth and its oldest waiting job show`, async (t) => {
    // No worker takes `parked`: those jobs wait.
    const m = await startMetricsCrew(t, { driver, args: ['--server', '--worker'], yaml: 'worker: { queues: [echo, flaky] }', ready: 2 });
    if (!m) return;
    const before = succeeded(await scrape(m.metricsPort));
    assert.equal(await m.request('/enqueue-many?job=echo&count=100'), 200);
    const done = await scrapeUntil(m.metricsPort, (s) => succeeded(s) >= before + 100, '100 jobs done');
    assert.equal(succeeded(done) - before, 100);
    assert.equal(done.value('crew_queue_up'), 1);

    assert.equal(await m.request('/enqueue-many?job=parked&count=3'), 200);
    const waiting = await scrapeUntil(m.metricsPort, (s) => s.value('crew_queue_jobs', { job: 'parked', state: 'waiting' }) === 3 && s.value('crew_queue_oldest_waiting_seconds', { job: 'parked' }) >= 0.5, 'three parked jobs waiting half a second');
    assert.equal(waiting.value('crew_queue_jobs', { job: 'echo', state: 'waiting' }), 0);
    assert.equal(waiting.value('crew_queue_oldest_waiting_seconds', { job: 'echo' }), 0, 'none waits');
    assert.ok(waiting.value('crew_queue_oldest_waiting_seconds', { job: 'parked' }) < 60);
  });
}

test("with request records off (server at warn), each request's duration is still its own: the histogram's sum is within what the client waited", async (t) => {
  // A duration measured from a clock read only for records would be the process's age here.
  const m = await startMetricsCrew(t, { args: ['--server'], yaml: 'log: { levels: { server: warn } }', ready: 1 });
  if (!m) return;
  let waited = 0;
  for (let i = 0; i < 20; i++) {
    const began = performance.now();
    assert.equal(await m.request(`/users/${i}`), 200);
    waited += performance.now() - began;
  }
  const users = { method: 'GET', status_class: '2xx', route: '/users/:id' };
  const s = await scrapeUntil(m.metricsPort, (x) => x.value('crew_http_request_duration_seconds_count', users) >= 20, 'the 20 requests counted');
  assert.equal(s.value('crew_http_request_duration_seconds_count', users), 20);
  const sum = s.value('crew_http_request_duration_seconds_sum', users);
  assert.ok(sum >= 0 && sum * 1000 <= waited, `server-side durations sum to ${(sum * 1000).toFixed(1)} ms; the client waited ${waited.toFixed(1)} ms in all`);
  assert.equal(m.crew.records.filter((r) => r.component === 'server' && /^GET \/users\//.test(r.message)).length, 0, 'no request records at warn');
});

test('label sets stay bounded: no path, no id and no job id is ever a label, and routes named by path are capped', async (t) => {
  const m = await startMetricsCrew(t, { args: ['--server', '--worker'], ready: 2 });
  if (!m) return;
  const ids = Array.from({ length: 200 }, (_, i) => `id${i}x${Math.random().toString(36).slice(2, 8)}`);
  for (const id of ids) {
    assert.equal(await m.request(`/users/${id}`), 200);
    assert.equal(await m.request(`/raw/${id}`), 200);
  }
  // A router that names each route by its path: crew keeps MAX_ROUTES of them, the rest as one.
  for (let i = 0; i < MAX_ROUTES + 50; i++) assert.equal(await m.request(`/named/${i}`), 200);
  const enqueued = await m.request('/enqueue-many?job=echo&count=20');
  assert.equal(enqueued, 200);
  const s = await scrapeUntil(m.metricsPort, (x) => succeeded(x) >= 20, '20 jobs done');

  const series = s.samples('crew_http_request_duration_seconds_count');
  const routes = new Set(series.map((x) => x.labels.route));
  assert.ok(routes.has('/users/:id'));
  assert.ok(routes.has(undefined), 'a request no router named has no route label');
  assert.ok(routes.size <= MAX_ROUTES + 2, `${routes.size} route label values`);
  assert.equal(s.value('crew_http_request_duration_seconds_count', { route: '/users/:id' }), 200);
  assert.equal(s.value('crew_http_request_duration_seconds_count'), 200 + 200 + MAX_ROUTES + 50 + 1, 'every request counted, under some series');

  const labelNames = new Set<string>();
  const labelValues = new Set<string>();
  for (const family of s.families) {
    for (const metric of family.metrics) {
      for (const [name, value] of Object.entries(metric.labels ?? {})) {
        labelNames.add(name);
        labelValues.add(value);
      }
    }
  }
  for (const name of ['s', 'id', 'jobId', 'job_id', 'path', 'url']) assert.ok(!labelNames.has(name), `no label named ${name}`);
  for (const id of ids) assert.ok(!s.text.includes(id), `the id ${id} appears nowhere`);
  const jobs = new Set(s.samples('crew_jobs_total').map((x) => x.labels.job));
  assert.deepEqual([...jobs], ['echo']);
  assert.doesNotMatch(s.text, /job(?:_?id)?="\d+"/, 'no job id as a label value');
});

test('a child that sends malformed and hostile reports is refused; the primary and the other children go on', async (t) => {
  const m = await startMetricsCrew(t, { args: ['--server', '--component', 'hostile'], ready: 2, env: { HOSTILE_REPORTS: '400' } });
  if (!m) return;
  await m.crew.waitFor((r) => r.message === 'hostile reports sent', 'the hostile reports sent');
  for (let i = 0; i < 5; i++) assert.equal(await m.request(`/users/${i}`), 200);
  // Each scrape gets one more hostile answer, malformed and well-formed in turn.
  for (let round = 0; round < 8; round++) {
    const s = await scrape(m.metricsPort);
    assert.equal(s.value('crew_http_request_duration_seconds_count', { route: '/users/:id' }), 5, "the server's counts are intact");
    assert.equal(s.value('crew_child_up', child('hostile.1')), 1);
    assert.doesNotMatch(s.text, /job-\d|schedule-\d|too-many/, 'names the app does not define, and a report of too many series, are dropped');
    const routes = new Set(s.samples('crew_http_request_duration_seconds_count').map((x) => x.labels.route));
    assert.ok(routes.size <= MAX_ROUTES + 2, `${routes.size} routes`);
  }
  assert.ok(m.crew.records.some((r) => r.component === 'crew' && /hostile\.1: refused a message from the child: metrics: (seq|report) is missing or malformed/.test(r.message)));
  // Still the same primary, still answering.
  assert.equal((await runCrewToEnd(['status', '--json'], { env: m.env })).code, 0);
  assert.equal(m.crew.process.exitCode, null);
});
