// What a child tells the primary about its work, over IPC (lib/protocol/messages.ts), and the
// checks the primary's side of the road runs on it. Two shapes:
// - Activity: a handful of counters every child keeps whether or not metrics are on (requests
//   served, jobs run, jobs running, the next tick), carried by its heartbeat, for `crew status`;
// - MetricsReport: with metrics on, the child's series since it started (cumulative: a lost
//   report loses nothing but freshness) and its process's figures, sent when the primary asks
//   (on a scrape) and once more as the child stops.
// Compact tuples, not objects: a report crosses a pipe as JSON on every scrape. A child runs user
// code, so what arrives is checked as hostile: the shape, every number finite and not negative,
// every name a bounded string, every outcome from its list, every histogram's counts as many as
// its bounds say, and at most MAX_SERIES series of a kind. What fails is refused whole.
import { HTTP_BUCKETS, JOB_BUCKETS, LATENESS_BUCKETS, RUN_BUCKETS } from './buckets.js';
import { JOB_OUTCOMES, MAX_NAME, MAX_SERIES, METHODS, RUN_OUTCOMES, STATUS_CLASSES, TICK_OUTCOMES } from './labels.js';

/** Per bucket (see ./buckets.ts), then the sum of what was observed, in seconds. */
export type HttpSeries = [method: string, statusClass: string, route: string, counts: number[], sum: number];
export type JobSeries = [job: string, outcome: string, counts: number[], sum: number];
export type TickSeries = [schedule: string, outcome: string, count: number];
export type RunSeries = [schedule: string, outcome: string, counts: number[], sum: number];
export type LatenessSeries = [schedule: string, counts: number[], sum: number];
export type NamedValue = [name: string, value: number];

/** The child's process, as a Node.js process describes itself. Seconds and bytes. */
export interface ProcessStats {
  cpuUser: number;
  cpuSystem: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Event loop delay since the last report: median, 99th percentile, most. */
  loopLagP50: number;
  loopLagP99: number;
  loopLagMax: number;
  /** Share of the time since the last report the event loop was busy, 0 to 1. */
  loopUtilization: number;
  /** Handles and requests keeping the loop alive (sockets, timers…). */
  resources: number;
  /** When the process started, epoch seconds. */
  startTime: number;
}

export interface MetricsReport {
  http: HttpSeries[];
  jobs: JobSeries[];
  /** Attempts running now, by job. */
  active: NamedValue[];
  ticks: TickSeries[];
  runs: RunSeries[];
  lateness: LatenessSeries[];
  /** The next tick of each armed schedule, epoch ms. */
  nextTicks: NamedValue[];
  process: ProcessStats;
}

export interface Activity {
  /** Requests answered since the child started. */
  requests: number;
  /** Job attempts ended since the child started. */
  jobs: number;
  /** Job attempts running now. */
  active: number;
  /** The earliest next tick among the child's schedules: its schedule and when (epoch ms). */
  next: [schedule: string, at: number] | null;
}

export const PROCESS_FIELDS = ['cpuUser', 'cpuSystem', 'rss', 'heapUsed', 'heapTotal', 'external', 'loopLagP50', 'loopLagP99', 'loopLagMax', 'loopUtilization', 'resources', 'startTime'] as const satisfies ReadonlyArray<keyof ProcessStats>;

const amount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const count = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const name = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_NAME;
const oneOf = (list: readonly string[]) => (value: unknown): value is string => typeof value === 'string' && list.includes(value);
const counts = (bounds: readonly number[]) => (value: unknown): value is number[] => Array.isArray(value) && value.length === bounds.length + 1 && value.every(count);

/** A list of tuples, each of exactly these checks, at most MAX_SERIES long. */
function tuples(...checks: Array<(value: unknown) => boolean>) {
  return (value: unknown): boolean =>
    Array.isArray(value) &&
    value.length <= MAX_SERIES &&
    value.every((item) => Array.isArray(item) && item.length === checks.length && checks.every((check, i) => check(item[i])));
}

const isHttp = tuples(oneOf(METHODS), oneOf(STATUS_CLASSES), name, counts(HTTP_BUCKETS), amount);
const isJobs = tuples(name, oneOf(JOB_OUTCOMES), counts(JOB_BUCKETS), amount);
const isTicks = tuples(name, oneOf(TICK_OUTCOMES), count);
const isRuns = tuples(name, oneOf(RUN_OUTCOMES), counts(RUN_BUCKETS), amount);
const isLateness = tuples(name, counts(LATENESS_BUCKETS), amount);
const isNamed = tuples(name, amount);

function isProcess(value: unknown): value is ProcessStats {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return PROCESS_FIELDS.every((field) => amount((value as Record<string, unknown>)[field]));
}

export function isMetricsReport(value: unknown): value is MetricsReport {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const report = value as Record<string, unknown>;
  return (
    isHttp(report.http) &&
    isJobs(report.jobs) &&
    isNamed(report.active) &&
    isTicks(report.ticks) &&
    isRuns(report.runs) &&
    isLateness(report.lateness) &&
    isNamed(report.nextTicks) &&
    isProcess(report.process)
  );
}

export function isActivity(value: unknown): value is Activity {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const activity = value as Record<string, unknown>;
  const next = activity.next;
  return (
    count(activity.requests) &&
    count(activity.jobs) &&
    count(activity.active) &&
    (next === null || (Array.isArray(next) && next.length === 2 && name(next[0]) && amount(next[1])))
  );
}
