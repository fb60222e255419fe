// A job as the embedded queue holds it, and the jobs of one name it keeps once they have ended,
// for the operator (`crew jobs list`, `show`, `retry`): the newest `keepFailed` failed ones —
// past the bound the oldest are dropped, and counted — and the newest `keepSucceeded`
// succeeded ones. A failed attempt keeps its error and stack (cut past MAX_STACK) and its
// timing; a job keeps its newest MAX_ERRORS_KEPT of them.
import type { Backoff } from '../../app/job-settings.js';
import { Ring } from '../ring.js';
import type { DoneItem } from './protocol.js';

export interface FailedAttempt {
  attempt: number;
  message: string;
  stack: string | undefined;
  started: number;
  ms: number;
}

export interface QueuedJob {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
  attempts: number;
  backoff: Backoff;
  runAt: number;
  created: number;
  /** When its last run started; 0 before the first. */
  started: number;
  /** When it succeeded, or failed for good; 0 until then. */
  finished: number;
  /** Its failed attempts, oldest first. */
  errors: FailedAttempt[] | undefined;
  /** Times an operator retried it. */
  retried: number;
}

const MAX_ERRORS_KEPT = 50;
const MAX_STACK = 16 * 1024;

export class KeptJobs {
  /** By id, oldest first. */
  readonly failed = new Map<string, QueuedJob>();
  readonly succeeded: Ring<QueuedJob>;
  /** Failed jobs dropped past keepFailed since the crew started. */
  dropped = 0;

  constructor(
    private readonly keepFailed: number,
    keepSucceeded: number,
  ) {
    this.succeeded = new Ring(keepSucceeded);
  }

  succeed(job: QueuedJob, now: number): void {
    job.finished = now;
    this.succeeded.push(job);
  }

  fail(job: QueuedJob, now: number): void {
    job.finished = now;
    this.failed.set(job.id, job);
    for (const oldest of this.failed.keys()) {
      if (this.failed.size <= this.keepFailed) break;
      this.failed.delete(oldest);
      this.dropped += 1;
    }
  }

  find(id: string): { state: 'failed' | 'succeeded'; job: QueuedJob } | undefined {
    const failed = this.failed.get(id);
    if (failed) return { state: 'failed', job: failed };
    for (const job of this.succeeded) if (job.id === id) return { state: 'succeeded', job };
    return undefined;
  }

  /** Forgets a kept job; returns whether it was kept. */
  remove(job: QueuedJob): boolean {
    return this.failed.delete(job.id) || this.succeeded.removeWhere((kept) => kept === job) > 0;
  }
}

/** Notes a failed attempt on the job. */
export function noteFailure(job: QueuedJob, result: Extract<DoneItem, { ok: false }>, now: number): void {
  const stack = result.stack === undefined ? undefined : result.stack.length > MAX_STACK ? `${result.stack.slice(0, MAX_STACK)}\n…` : result.stack;
  const errors = (job.errors ??= []);
  errors.push({ attempt: job.attempt, message: result.error, stack, started: job.started, ms: job.started > 0 ? now - job.started : 0 });
  if (errors.length > MAX_ERRORS_KEPT) errors.splice(0, errors.length - MAX_ERRORS_KEPT);
}
