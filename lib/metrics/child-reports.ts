// What the primary knows of one child's work, from what the child said over IPC: the activity
// on its heartbeats (for `crew status`) and its latest metrics report (for /metrics). Held by
// the primary's Child, one per process. It asks for a fresh report on a scrape and waits for
// the answer a bounded time: a child too busy to answer in time is shown with what it said
// last. Reports are cumulative, so a late or lost answer costs freshness, never counts.
import { settlesWithin } from '../util/with-timeout.js';
import { ActivityWindow } from './activity-window.js';
import type { Activity, MetricsReport } from './report.js';

export class ChildReports {
  readonly activity: ActivityWindow;
  private report: MetricsReport | undefined;
  /** 0 is the child's own final report as it stops; asks count from 1. */
  private seq = 0;
  private readonly waiting = new Map<number, () => void>();

  /** `ask(seq)` sends the child the request for its report numbered `seq`. */
  constructor(
    startedAt: number,
    private readonly ask: (seq: number) => void,
  ) {
    this.activity = new ActivityWindow(startedAt);
  }

  /** The last report the child sent; undefined before its first. */
  get last(): MetricsReport | undefined {
    return this.report;
  }

  heard(at: number, activity: Activity): void {
    this.activity.add(at, activity);
  }

  /** A report arrived: an answer to an ask, the child's final one, or (from a child that misbehaves) unasked: each is its latest. */
  received(seq: number, report: MetricsReport): void {
    this.report = report;
    const wake = this.waiting.get(seq);
    if (wake) {
      this.waiting.delete(seq);
      wake();
    }
  }

  /** Asks for a fresh report; resolves with the newest known once it came or `timeoutMs` passed. */
  async fresh(timeoutMs: number): Promise<MetricsReport | undefined> {
    const seq = ++this.seq;
    const answered = new Promise<void>((resolve) => this.waiting.set(seq, resolve));
    this.ask(seq);
    await settlesWithin(answered, timeoutMs);
    this.waiting.delete(seq);
    return this.report;
  }

  /** The child is gone: nobody waits for an answer from it. */
  closed(): void {
    for (const wake of this.waiting.values()) wake();
    this.waiting.clear();
  }
}
