// The children's series summed across processes, in the primary. Reports are cumulative per
// process (./report.ts), so the sum for a scrape is what the children that exited left behind
// (their last report, folded in as they exit) plus the latest report of each child alive: a
// counter stays monotonic across restarts and reloads. Pure bookkeeping; it is also where the
// label sets stay bounded whatever a child sends: job and schedule names the app does not
// define are dropped, and past MAX_ROUTES routes the rest are summed under OTHER_ROUTE.
import { MAX_ROUTES, OTHER_ROUTE } from './labels.js';
import type { MetricsReport } from './report.js';

export interface HistTotal {
  labels: Record<string, string>;
  counts: number[];
  /** Seconds. */
  sum: number;
}

export interface CountTotal {
  labels: Record<string, string>;
  value: number;
}

/** The names a label may take besides what the children say. */
export interface KnownNames {
  jobs: ReadonlySet<string>;
  schedules: ReadonlySet<string>;
}

export class Totals {
  readonly http = new Map<string, HistTotal>();
  readonly jobs = new Map<string, HistTotal>();
  readonly ticks = new Map<string, CountTotal>();
  readonly runs = new Map<string, HistTotal>();
  readonly lateness = new Map<string, HistTotal>();
  private readonly routes = new Set<string>();

  constructor(private readonly known: KnownNames) {}

  add(report: MetricsReport): void {
    for (const [method, statusClass, route, counts, sum] of report.http) {
      const name = this.route(route);
      const labels: Record<string, string> = { method, status_class: statusClass };
      if (name !== '') labels.route = name;
      addHist(this.http, `${method} ${statusClass} ${name}`, labels, counts, sum);
    }
    for (const [job, outcome, counts, sum] of report.jobs) {
      if (this.known.jobs.has(job)) addHist(this.jobs, `${job}\0${outcome}`, { job, outcome }, counts, sum);
    }
    for (const [schedule, outcome, value] of report.ticks) {
      if (!this.known.schedules.has(schedule)) continue;
      const key = `${schedule}\0${outcome}`;
      const total = this.ticks.get(key);
      if (total) total.value += value;
      else this.ticks.set(key, { labels: { schedule, outcome }, value });
    }
    for (const [schedule, outcome, counts, sum] of report.runs) {
      if (this.known.schedules.has(schedule)) addHist(this.runs, `${schedule}\0${outcome}`, { schedule, outcome }, counts, sum);
    }
    for (const [schedule, counts, sum] of report.lateness) {
      if (this.known.schedules.has(schedule)) addHist(this.lateness, schedule, { schedule }, counts, sum);
    }
  }

  /** A copy to add live reports to, leaving this one (the retired children's) as it is. */
  clone(): Totals {
    const copy = new Totals(this.known);
    for (const route of this.routes) copy.routes.add(route);
    for (const [from, to] of [
      [this.http, copy.http],
      [this.jobs, copy.jobs],
      [this.runs, copy.runs],
      [this.lateness, copy.lateness],
    ] as const) {
      for (const [key, hist] of from) to.set(key, { labels: hist.labels, counts: [...hist.counts], sum: hist.sum });
    }
    for (const [key, total] of this.ticks) copy.ticks.set(key, { labels: total.labels, value: total.value });
    return copy;
  }

  private route(route: string): string {
    if (route === '' || this.routes.has(route)) return route;
    if (this.routes.size >= MAX_ROUTES) return OTHER_ROUTE;
    this.routes.add(route);
    return route;
  }
}

function addHist(map: Map<string, HistTotal>, key: string, labels: Record<string, string>, counts: readonly number[], sum: number): void {
  const total = map.get(key);
  if (!total) {
    map.set(key, { labels, counts: [...counts], sum });
    return;
  }
  for (let i = 0; i < counts.length; i++) total.counts[i]! += counts[i]!;
  total.sum += sum;
}
