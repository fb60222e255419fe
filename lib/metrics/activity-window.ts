// A child's recent activity as the primary heard it on its heartbeats (./report.ts Activity),
// and the rates `crew status` shows from it: requests and jobs per second over the last
// RATE_SPAN_MS or so. Pure bookkeeping: the caller gives the times. The counters are the
// child's since it started, so a window seeded with zeros at the child's start gives a rate
// from the first heartbeat on.
import type { Activity } from './report.js';

/** Rates are taken over about this long: long enough to smooth a burst, short enough to be "now". */
export const RATE_SPAN_MS = 5000;
/** Samples older than this (behind the newest) are let go. */
const KEEP_MS = 3 * RATE_SPAN_MS;
/** At most this many samples, whatever the heartbeat's interval. */
const MAX_SAMPLES = 256;

export interface Rates {
  requestsPerSecond: number | null;
  jobsPerSecond: number | null;
}

interface Sample {
  at: number;
  activity: Activity;
}

export class ActivityWindow {
  private readonly samples: Sample[] = [];
  private heard: Activity | undefined;

  constructor(startedAt?: number) {
    if (startedAt !== undefined) this.samples.push({ at: startedAt, activity: { requests: 0, jobs: 0, active: 0, next: null } });
  }

  add(at: number, activity: Activity): void {
    const newest = this.samples.at(-1);
    // A beat that arrives out of order (or a clock set back) is not a newer sample.
    if (newest && at < newest.at) return;
    this.samples.push({ at, activity });
    this.heard = activity;
    while (this.samples.length > 2 && (this.samples.length > MAX_SAMPLES || at - this.samples[1]!.at >= KEEP_MS)) this.samples.shift();
  }

  /** What the child said last; undefined before its first heartbeat. */
  latest(): Activity | undefined {
    return this.heard;
  }

  /** Per second between the newest sample and the one about RATE_SPAN_MS before it (or the oldest kept). */
  rates(): Rates {
    const newest = this.samples.at(-1);
    if (!newest || this.samples.length < 2) return { requestsPerSecond: null, jobsPerSecond: null };
    let base = this.samples[0]!;
    for (const sample of this.samples) {
      if (newest.at - sample.at >= RATE_SPAN_MS) base = sample;
      else break;
    }
    const seconds = (newest.at - base.at) / 1000;
    const per = (now: number, then: number) => (seconds > 0 && now >= then ? (now - then) / seconds : null);
    return { requestsPerSecond: per(newest.activity.requests, base.activity.requests), jobsPerSecond: per(newest.activity.jobs, base.activity.jobs) };
  }
}
