// A scrape's snapshot (./collector.ts) as Prometheus text, through prom-client's Registry: it
// formats and escapes every family. The values are the snapshot's, already counted by the
// children and summed by the primary, so each family is a metric object that answers `get()`
// with them — the way prom-client's own cluster aggregation hands pre-counted values to a
// Registry — rather than a Counter or Histogram counting anew. docs/metrics.md lists every
// family; a new one here belongs there too.
import { Registry, type Metric } from 'prom-client';
import { HTTP_BUCKETS, JOB_BUCKETS, LATENESS_BUCKETS, RUN_BUCKETS } from './buckets.js';
import type { ProcessStats } from './report.js';
import type { CountTotal, HistTotal, Totals } from './totals.js';

export interface InstanceFigures {
  component: string;
  instance: number;
  up: boolean;
  restarts: number;
  /** The resource monitor's last sample: RSS bytes, percent of one core. */
  sample: { rss: number; cpu: number } | undefined;
  /** The current child's own figures, from its last report. */
  process: ProcessStats | undefined;
  lines: number;
}

export interface QueueFigures {
  /** The depth could be read this scrape. */
  up: boolean;
  counts: Record<string, { waiting: number; active: number; delayed: number; failed: number }>;
  /** Seconds the job next to run has waited, per job name (0 when none waits). */
  oldest: Record<string, number>;
}

export interface Snapshot {
  instances: InstanceFigures[];
  /** The primary itself: component `crew`, instance 0. */
  crew: { process: ProcessStats; lines: number };
  totals: Totals;
  active: Map<string, number>;
  /** Epoch ms, per schedule. */
  nextTicks: Map<string, number>;
  queue: QueueFigures | undefined;
  /** Children asked this scrape that did not answer in time (their last report was used). */
  unanswered: number;
  /** How long the previous scrape took, seconds. */
  lastScrape: number;
}

type Value = { labels: Record<string, string | number>; value: number; metricName?: string };
type Kind = 'counter' | 'gauge' | 'histogram';

export const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export async function render(snapshot: Snapshot): Promise<string> {
  const registry = new Registry();
  const add = (name: string, type: Kind, help: string, values: Value[]) => {
    const family = { name, help, type, aggregator: 'sum', get: () => ({ name, help, type, aggregator: 'sum', values }) };
    registry.registerMetric(family as unknown as Metric);
  };
  const child = (i: InstanceFigures) => ({ component: i.component, instance: String(i.instance) });
  const { instances, totals } = snapshot;

  add('crew_child_up', 'gauge', 'Whether the instance has a child that is ready (1) or not (0: starting, restarting, stopping, given up).', instances.map((i) => ({ labels: child(i), value: i.up ? 1 : 0 })));
  add('crew_child_restarts_total', 'counter', 'Restarts of the instance after its child exited unexpectedly.', instances.map((i) => ({ labels: child(i), value: i.restarts })));
  add('crew_child_cpu_ratio', 'gauge', "The child's cpu use over the last second, in cores (1 = one core busy), as the primary samples it.", instances.flatMap((i) => (i.sample ? [{ labels: child(i), value: i.sample.cpu / 100 }] : [])));
  add('crew_child_memory_bytes', 'gauge', "The child's resident memory (RSS), as the primary samples it every second.", instances.flatMap((i) => (i.sample ? [{ labels: child(i), value: i.sample.rss }] : [])));
  add('crew_log_lines_total', 'counter', 'Lines relayed into the log stream, per instance (every child it had); component "crew" counts crew\'s own records.', [
    ...instances.map((i) => ({ labels: child(i), value: i.lines })),
    { labels: { component: 'crew', instance: '0' }, value: snapshot.crew.lines },
  ]);

  histogram(add, 'crew_http_request_duration_seconds', 'Requests answered by the server, by method, status class and the route the app\'s router named (never the path).', HTTP_BUCKETS, totals.http);
  counter(add, 'crew_jobs_total', 'Job attempts ended, by job and outcome: succeeded, retried (failed, runs again), failed (for good).', [...totals.jobs.values()].map((h) => ({ labels: h.labels, value: total(h) })));
  histogram(add, 'crew_job_duration_seconds', 'How long job attempts ran, by job and outcome.', JOB_BUCKETS, totals.jobs);
  add('crew_jobs_active', 'gauge', 'Job attempts running now, by job.', [...snapshot.active].map(([job, value]) => ({ labels: { job }, value })));
  if (snapshot.queue) {
    const { queue } = snapshot;
    add('crew_queue_up', 'gauge', 'Whether the queue could be read for this scrape (1) or not (0: Redis away, say).', [{ labels: {}, value: queue.up ? 1 : 0 }]);
    add('crew_queue_jobs', 'gauge', 'Jobs in the queue by job and state: waiting, active, delayed, failed (kept).', Object.entries(queue.counts).flatMap(([job, c]) => (['waiting', 'active', 'delayed', 'failed'] as const).map((state) => ({ labels: { job, state }, value: c[state] }))));
    add('crew_queue_oldest_waiting_seconds', 'gauge', 'How long the job next to run has waited, by job (0 when none waits).', Object.entries(queue.oldest).map(([job, value]) => ({ labels: { job }, value })));
  }
  counter(add, 'crew_schedule_ticks_total', 'Ticks of each schedule by outcome: fired, skipped_overlap, skipped_another_host, paused, skipped_unavailable, skipped_stopping, missed.', [...totals.ticks.values()]);
  counter(add, 'crew_schedule_runs_total', 'Runs of each schedule that ended, by outcome: ok, failed, timeout, stopped.', [...totals.runs.values()].map((h) => ({ labels: h.labels, value: total(h) })));
  histogram(add, 'crew_schedule_run_duration_seconds', 'How long scheduled runs took, by schedule and outcome.', RUN_BUCKETS, totals.runs);
  histogram(add, 'crew_schedule_lateness_seconds', "How late each fired tick's run started after its fire time, by schedule.", LATENESS_BUCKETS, totals.lateness);
  add('crew_schedule_next_tick_timestamp_seconds', 'gauge', 'When each armed schedule fires next (Unix time).', [...snapshot.nextTicks].map(([schedule, at]) => ({ labels: { schedule }, value: at / 1000 })));

  const processes: Array<{ labels: Record<string, string>; stats: ProcessStats }> = [
    { labels: { component: 'crew', instance: '0' }, stats: snapshot.crew.process },
    ...instances.flatMap((i) => (i.process ? [{ labels: child(i), stats: i.process }] : [])),
  ];
  const each = (name: string, type: Kind, help: string, pick: (s: ProcessStats) => number) => add(name, type, help, processes.map((p) => ({ labels: p.labels, value: pick(p.stats) })));
  each('process_cpu_user_seconds_total', 'counter', 'User cpu time of the process (the primary: component "crew").', (s) => s.cpuUser);
  each('process_cpu_system_seconds_total', 'counter', 'System cpu time of the process.', (s) => s.cpuSystem);
  each('process_resident_memory_bytes', 'gauge', 'Resident memory of the process, as it reports it.', (s) => s.rss);
  each('process_start_time_seconds', 'gauge', 'When the process started (Unix time).', (s) => s.startTime);
  each('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use.', (s) => s.heapUsed);
  each('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved.', (s) => s.heapTotal);
  each('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript (buffers among them).', (s) => s.external);
  each('nodejs_eventloop_lag_p50_seconds', 'gauge', 'Median event loop delay since the previous scrape.', (s) => s.loopLagP50);
  each('nodejs_eventloop_lag_p99_seconds', 'gauge', '99th percentile of the event loop delay since the previous scrape.', (s) => s.loopLagP99);
  each('nodejs_eventloop_lag_max_seconds', 'gauge', 'Longest event loop delay since the previous scrape.', (s) => s.loopLagMax);
  each('nodejs_eventloop_utilization_ratio', 'gauge', 'Share of the time since the previous scrape the event loop was busy.', (s) => s.loopUtilization);
  each('nodejs_active_resources', 'gauge', 'Handles and requests keeping the event loop alive (sockets, timers, …).', (s) => s.resources);

  add('crew_metrics_unanswered_children', 'gauge', 'Children that did not answer this scrape in time: their previous report was used.', [{ labels: {}, value: snapshot.unanswered }]);
  add('crew_metrics_scrape_duration_seconds', 'gauge', 'How long the previous scrape took to collect and render.', [{ labels: {}, value: snapshot.lastScrape }]);
  return registry.metrics();
}

type Add = (name: string, type: Kind, help: string, values: Value[]) => void;

function counter(add: Add, name: string, help: string, totals: CountTotal[]): void {
  add(name, 'counter', help, totals.map((t) => ({ labels: t.labels, value: t.value })));
}

function histogram(add: Add, name: string, help: string, bounds: readonly number[], totals: Map<string, HistTotal>): void {
  const values: Value[] = [];
  for (const hist of totals.values()) {
    let cumulative = 0;
    bounds.forEach((le, i) => {
      cumulative += hist.counts[i]!;
      values.push({ labels: { ...hist.labels, le }, value: cumulative, metricName: `${name}_bucket` });
    });
    cumulative += hist.counts[bounds.length]!;
    values.push({ labels: { ...hist.labels, le: '+Inf' }, value: cumulative, metricName: `${name}_bucket` });
    values.push({ labels: hist.labels, value: hist.sum, metricName: `${name}_sum` });
    values.push({ labels: hist.labels, value: cumulative, metricName: `${name}_count` });
  }
  add(name, 'histogram', help, values);
}

function total(hist: HistTotal): number {
  return hist.counts.reduce((a, b) => a + b, 0);
}
