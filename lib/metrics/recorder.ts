// What a child counts about its own work, for `crew status` and, with metrics on, for the
// primary's /metrics. One per process (module state), written by the components through the
// observe* functions below and read by the child's runtime (lib/child/main.ts): its activity
// rides on each heartbeat, its report answers the primary's `collect` request.
//
// The server calls observeRequest once per request, so it must cost next to nothing: with
// metrics off it is one increment; with metrics on, a Map lookup by route, an array index and a
// walk over a dozen bucket bounds. No prom-client in a child either way: the primary owns it,
// and a child sends plain counts (./report.ts).
import { countInto, HTTP_BUCKETS, JOB_BUCKETS, LATENESS_BUCKETS, RUN_BUCKETS, toMs } from './buckets.js';
import { JOB_OUTCOMES, MAX_NAME, MAX_ROUTES, METHODS, methodIndex, OTHER_ROUTE, routeName, RUN_OUTCOMES, STATUS_CLASSES, statusClassIndex, TICK_OUTCOMES, type JobOutcome, type RunOutcome, type TickOutcome } from './labels.js';
import { ProcessSampler } from './process-stats.js';
import type { Activity, MetricsReport } from './report.js';

interface Hist {
  counts: number[];
  /** Milliseconds. */
  sum: number;
}

const HTTP_MS = toMs(HTTP_BUCKETS);
const JOB_MS = toMs(JOB_BUCKETS);
const LATENESS_MS = toMs(LATENESS_BUCKETS);
const RUN_MS = toMs(RUN_BUCKETS);
/** Jobs and schedules are the app's, so few; this only keeps a report within what the primary accepts. */
const MAX_NAMES = 500;
const SLOTS = METHODS.length * STATUS_CLASSES.length;

const newHist = (bounds: Float64Array): Hist => ({ counts: new Array<number>(bounds.length + 1).fill(0), sum: 0 });
const bounded = (name: string): string => (name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name);

/** The detailed series, kept only with metrics on. */
class Series {
  readonly process = new ProcessSampler();
  /** route -> one histogram per (method, status class), made on first use. */
  private readonly http = new Map<string, Array<Hist | undefined>>();
  private readonly jobs = new Map<string, Hist[]>();
  private readonly ticks = new Map<string, number[]>();
  private readonly runs = new Map<string, Hist[]>();
  private readonly lateness = new Map<string, Hist>();

  request(method: string, status: number, route: unknown, ms: number): void {
    let name = routeName(route);
    let slots = this.http.get(name);
    if (slots === undefined) {
      if (this.http.size >= MAX_ROUTES) {
        name = OTHER_ROUTE;
        slots = this.http.get(name);
      }
      if (slots === undefined) {
        slots = new Array<Hist | undefined>(SLOTS).fill(undefined);
        this.http.set(name, slots);
      }
    }
    const at = methodIndex(method) * STATUS_CLASSES.length + statusClassIndex(status);
    observe((slots[at] ??= newHist(HTTP_MS)), HTTP_MS, ms);
  }

  job(name: string, outcome: JobOutcome, ms: number): void {
    observeOutcome(this.jobs, name, JOB_OUTCOMES, outcome, JOB_MS, ms);
  }

  tick(schedule: string, outcome: TickOutcome, times: number, lateMs: number | undefined): void {
    const counts = named(this.ticks, schedule, () => TICK_OUTCOMES.map(() => 0));
    if (counts) counts[TICK_OUTCOMES.indexOf(outcome)]! += times;
    if (lateMs === undefined) return;
    const hist = named(this.lateness, schedule, () => newHist(LATENESS_MS));
    if (hist) observe(hist, LATENESS_MS, Math.max(0, lateMs));
  }

  run(schedule: string, outcome: RunOutcome, ms: number): void {
    observeOutcome(this.runs, schedule, RUN_OUTCOMES, outcome, RUN_MS, Math.max(0, ms));
  }

  report(): MetricsReport {
    const report: MetricsReport = { http: [], jobs: [], active: [], ticks: [], runs: [], lateness: [], nextTicks: [], process: this.process.sample() };
    for (const [route, slots] of this.http) {
      slots.forEach((hist, at) => {
        if (hist) report.http.push([METHODS[Math.floor(at / STATUS_CLASSES.length)]!, STATUS_CLASSES[at % STATUS_CLASSES.length]!, route, [...hist.counts], hist.sum / 1000]);
      });
    }
    for (const [job, hists] of this.jobs) {
      hists.forEach((hist, i) => {
        if (hist.counts.some((n) => n > 0)) report.jobs.push([job, JOB_OUTCOMES[i]!, [...hist.counts], hist.sum / 1000]);
      });
    }
    for (const [schedule, counts] of this.ticks) {
      counts.forEach((n, i) => {
        if (n > 0) report.ticks.push([schedule, TICK_OUTCOMES[i]!, n]);
      });
    }
    for (const [schedule, hists] of this.runs) {
      hists.forEach((hist, i) => {
        if (hist.counts.some((n) => n > 0)) report.runs.push([schedule, RUN_OUTCOMES[i]!, [...hist.counts], hist.sum / 1000]);
      });
    }
    for (const [schedule, hist] of this.lateness) report.lateness.push([schedule, [...hist.counts], hist.sum / 1000]);
    return report;
  }
}

/** The entry for `name`, made on first use; undefined once MAX_NAMES names are known (nothing counted). */
/** One observation of `ms` into a histogram with these bucket bounds. */
function observe(hist: Hist, bounds: Float64Array, ms: number): void {
  countInto(hist.counts, bounds, ms);
  hist.sum += ms;
}

/** One observation into `name`'s histogram for `outcome`: one histogram per outcome, made on first use. */
function observeOutcome<O extends string>(map: Map<string, Hist[]>, name: string, outcomes: readonly O[], outcome: O, bounds: Float64Array, ms: number): void {
  const hists = named(map, name, () => outcomes.map(() => newHist(bounds)));
  if (hists) observe(hists[outcomes.indexOf(outcome)]!, bounds, ms);
}

function named<T>(map: Map<string, T>, name: string, make: () => T): T | undefined {
  const key = bounded(name);
  let value = map.get(key);
  if (value === undefined && map.size < MAX_NAMES) {
    value = make();
    map.set(key, value);
  }
  return value;
}

// --- the process's one recorder ---------------------------------------------------------------

const counters = { requests: 0, jobs: 0, active: 0 };
const activeByJob = new Map<string, number>();
const nextTicks = new Map<string, number>();
let series: Series | undefined;

/** Metrics are on for this process: from now on the detailed series are kept too. Safe to call twice. */
export function enableMetrics(): void {
  series ??= new Series();
}

export function metricsEnabled(): boolean {
  return series !== undefined;
}

/** A request arrived: counted for `crew status`, whether metrics are on or not. */
export function countRequest(): void {
  counters.requests += 1;
}

/** One request answered, for the metrics: its method, status, the route the app's router named (if any) and its duration. */
export function observeRequest(method: string, status: number, route: unknown, ms: number): void {
  if (series !== undefined) series.request(method, status, route, ms);
}

/** A job attempt begins. */
export function jobStarted(job: string): void {
  counters.active += 1;
  if (series === undefined) return;
  const key = bounded(job);
  const active = activeByJob.get(key);
  if (active !== undefined) activeByJob.set(key, active + 1);
  else if (activeByJob.size < MAX_NAMES) activeByJob.set(key, 1);
}

/** A job attempt ended (a timed-out one ends at its timeout, as far as the queue knows). */
export function jobEnded(job: string, outcome: JobOutcome, ms: number): void {
  counters.jobs += 1;
  counters.active = Math.max(0, counters.active - 1);
  if (series === undefined) return;
  const key = bounded(job);
  const active = activeByJob.get(key);
  if (active !== undefined) activeByJob.set(key, Math.max(0, active - 1));
  series.job(job, outcome, ms);
}

/** A tick of `schedule` fired (with how late its run started) or did not (`times`: ticks missed at once). */
export function observeTick(schedule: string, outcome: TickOutcome, lateMs?: number, times = 1): void {
  if (series !== undefined) series.tick(schedule, outcome, times, lateMs);
}

export function observeRun(schedule: string, outcome: RunOutcome, ms: number): void {
  if (series !== undefined) series.run(schedule, outcome, ms);
}

/** When `schedule` fires next (epoch ms); undefined: not any more (quieted, or no further fire time). */
export function observeNextTick(schedule: string, at: number | undefined): void {
  const key = bounded(schedule);
  if (at === undefined) nextTicks.delete(key);
  else if (nextTicks.has(key) || nextTicks.size < MAX_NAMES) nextTicks.set(key, at);
}

/** The counters `crew status` shows, for the heartbeat. */
export function activity(): Activity {
  let next: Activity['next'] = null;
  for (const [schedule, at] of nextTicks) if (next === null || at < next[1]) next = [schedule, at];
  return { requests: counters.requests, jobs: counters.jobs, active: counters.active, next };
}

/** Everything counted so far, for the primary's scrape; undefined with metrics off. */
export function metricsReport(): MetricsReport | undefined {
  if (series === undefined) return undefined;
  const report = series.report();
  for (const [job, n] of activeByJob) report.active.push([job, n]);
  for (const [schedule, at] of nextTicks) report.nextTicks.push([schedule, at]);
  return report;
}
