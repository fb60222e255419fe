// The primary's side of metrics: what a scrape of /metrics collects and from where. It is
// responsible for:
// - asking every live child for its report on each scrape (over IPC, `collect`), all at once,
//   and waiting ANSWER_MS at most: a child too busy to answer is shown with its last report;
// - folding each child's last report, and the lines it wrote, into the totals as it exits, so
//   the counters of an instance or of the crew never go back when a child is replaced;
// - the queue's depth and oldest waiting job, read from the queue this crew uses (bounded by
//   QUEUE_WAIT_MS: a frozen Redis makes crew_queue_up 0, not a hung scrape);
// - the supervisor's own view of each instance (up, restarts, the monitor's cpu and memory);
// - one collection at a time: scrapes that arrive during one share it.
// prom-client is loaded at the first scrape (./render.ts), never in a child.
import type { LineCount } from '../log/index.js';
import type { ChildReports } from './child-reports.js';
import { ProcessSampler } from './process-stats.js';
import { Totals, type KnownNames } from './totals.js';
import type { InstanceFigures, QueueFigures, Snapshot } from './render.js';
import { withTimeout } from '../util/with-timeout.js';

/**
 * What a scrape reads of the queue (the primary's QueueAdmin, either driver, has this shape):
 * counts by job and state, and when the oldest waiting job of each job began to wait. Stated
 * here so that metrics ask only this of the queue and import nothing of it.
 */
export interface QueueDepths {
  stats(): Promise<{ jobs: Record<string, { waiting: number; active: number; delayed: number; failed: number }> }>;
  oldestWaiting(): Promise<Record<string, number | null>>;
}

/** How long a scrape waits for the children's answers. */
export const ANSWER_MS = 1000;
/** How long a scrape waits for the queue's depth. */
export const QUEUE_WAIT_MS = 2000;

/** A child process as metrics sees it (the primary's Child fits). */
export interface ChildView {
  readonly tag: string;
  readonly state: 'starting' | 'ready' | 'stopping' | 'exited';
  readonly reports: ChildReports;
  readonly lines: LineCount;
}

/** An instance (`server.2`) as metrics sees it (from the primary's ChildSlot). */
export interface InstanceView {
  component: string;
  instance: number;
  up: boolean;
  restarts: number;
  sample: { rss: number; cpu: number } | undefined;
  /** The child serving the instance now. */
  current: ChildView | undefined;
  /** Every live child of the instance: current, on trial, draining. */
  children: ChildView[];
}

export interface CollectorOptions {
  instances(): InstanceView[];
  /** The queue, when the app has jobs. */
  queue: QueueDepths | undefined;
  known: KnownNames;
  /** crew's own records. */
  crewLines: LineCount;
  log: { warn(message: string): void; info(message: string): void };
}

export class MetricsCollector {
  private readonly retired: Totals;
  private readonly retiredLines = new Map<string, number>();
  private readonly sampler = new ProcessSampler();
  private collecting: Promise<string> | undefined;
  /** The renderer (and prom-client with it), loaded at the first scrape and kept: a dynamic import per scrape goes through the module loader each time. */
  private renderer: Promise<typeof import('./render.js')> | undefined;
  private lastScrape = 0;
  private queueWasUp = true;

  constructor(private readonly options: CollectorOptions) {
    this.retired = new Totals(options.known);
  }

  /** A child exited: what it counted stays in the totals. */
  retire(child: ChildView): void {
    const report = child.reports.last;
    if (report) this.retired.add(report);
    this.retiredLines.set(child.tag, (this.retiredLines.get(child.tag) ?? 0) + child.lines.lines);
  }

  /** The Prometheus text of now. */
  scrape(): Promise<string> {
    this.collecting ??= this.collect().finally(() => (this.collecting = undefined));
    return this.collecting;
  }

  stop(): void {
    this.sampler.stop();
  }

  private async collect(): Promise<string> {
    const began = performance.now();
    const instances = this.options.instances();
    const live = (child: ChildView) => child.state !== 'exited';
    const asked = instances.flatMap((i) => i.children.filter((c) => c.state === 'ready' || c.state === 'stopping'));
    const before = new Map(asked.map((c) => [c, c.reports.last]));
    const [queue, { render }] = await Promise.all([this.queueFigures(), (this.renderer ??= import('./render.js')), Promise.all(asked.map((c) => c.reports.fresh(ANSWER_MS)))]);
    const unanswered = asked.filter((c) => live(c) && c.reports.last === before.get(c)).length;

    const totals = this.retired.clone();
    const active = new Map<string, number>();
    const nextTicks = new Map<string, number>();
    const figures: InstanceFigures[] = instances.map((i) => {
      let lines = this.retiredLines.get(`${i.component}.${i.instance}`) ?? 0;
      for (const child of i.children) {
        if (!live(child)) continue;
        lines += child.lines.lines;
        const report = child.reports.last;
        if (!report) continue;
        totals.add(report);
        for (const [job, n] of report.active) if (this.options.known.jobs.has(job)) active.set(job, (active.get(job) ?? 0) + n);
        for (const [schedule, at] of report.nextTicks) {
          if (this.options.known.schedules.has(schedule)) nextTicks.set(schedule, Math.min(at, nextTicks.get(schedule) ?? Infinity));
        }
      }
      const current = i.current && live(i.current) ? i.current.reports.last?.process : undefined;
      return { component: i.component, instance: i.instance, up: i.up, restarts: i.restarts, sample: i.sample, process: current, lines };
    });
    const snapshot: Snapshot = {
      instances: figures,
      crew: { process: this.sampler.sample(), lines: this.options.crewLines.lines },
      totals,
      active,
      nextTicks,
      queue,
      unanswered,
      lastScrape: this.lastScrape,
    };
    const text = await render(snapshot);
    this.lastScrape = (performance.now() - began) / 1000;
    return text;
  }

  private async queueFigures(): Promise<QueueFigures | undefined> {
    const queue = this.options.queue;
    if (!queue || this.options.known.jobs.size === 0) return undefined;
    try {
      const [stats, oldest] = await withTimeout(Promise.all([queue.stats(), queue.oldestWaiting()]), QUEUE_WAIT_MS, () => new Error(`the queue did not answer within ${QUEUE_WAIT_MS} ms`));
      const now = Date.now();
      const figures: QueueFigures = { up: true, counts: {}, oldest: {} };
      for (const [job, c] of Object.entries(stats.jobs)) figures.counts[job] = { waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed };
      for (const [job, since] of Object.entries(oldest)) figures.oldest[job] = since === null ? 0 : Math.max(0, (now - since) / 1000);
      if (!this.queueWasUp) this.options.log.info('metrics: the queue can be read again');
      this.queueWasUp = true;
      return figures;
    } catch (error) {
      // Once per outage, not once per scrape: crew_queue_up says the rest.
      if (this.queueWasUp) this.options.log.warn(`metrics: the queue's depth cannot be read (${(error as Error).message}); crew_queue_up is 0 until it can`);
      this.queueWasUp = false;
      return { up: false, counts: {}, oldest: {} };
    }
  }
}
