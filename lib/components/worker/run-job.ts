// Runs one attempt of one job, whichever driver handed it over: the handler gets the worker's
// ctx plus `ctx.job`, the attempt is bounded by the job's `timeout`, and every attempt ends in
// one record (job name, id, attempt, duration, outcome; the error when it failed).
//
// Timeouts: JavaScript cannot stop a running function. At the timeout the attempt fails (and
// is retried per the job's settings), `ctx.job.signal` is aborted so a handler that listens
// can stop, and the run no longer counts against the job's concurrency. A handler that
// ignores the signal runs on in the background; when it ends, one record says so and its
// outcome is discarded. A handler that stops because of the abort — it was listening to the
// signal when it fired, or it ends by throwing the abort's reason or an AbortError — did
// what was asked, and gets no such record.
//
// A handler may throw anything; the record tells what (./thrown.ts).
import { getEventListeners } from 'node:events';
import type { CrewContext } from '../../app/types.js';
import type { JobSettings } from '../../app/job-settings.js';
import type { JobRun, RunJob } from '../../queue/types.js';
import type { RunRecord } from './run-record.js';
import { withTimeout } from '../../util/with-timeout.js';
import { describeThrown } from './thrown.js';

export interface ActiveRun {
  run: JobRun;
  startedAt: number;
  /** Settles when the attempt is over: the handler ended, or its timeout passed. */
  settled: Promise<unknown>;
}

export interface JobRunner {
  run: RunJob;
  /** Attempts running now (timed-out ones excluded: they are over as far as the queue knows). */
  active(): ActiveRun[];
  /** Writes the records still waiting for the end of this turn of the event loop. */
  flush(): void;
}

export function createJobRunner(jobs: ReadonlyMap<string, JobSettings>, ctx: CrewContext, record: RunRecord): JobRunner {
  const active = new Map<string, ActiveRun>();

  const run: RunJob = async (job) => {
    const settings = jobs.get(job.name);
    if (!settings) throw new Error(`this worker has no handler for "${job.name}"`);
    // A job without a timeout is never aborted: it shares one signal that never fires.
    const controller = settings.timeout > 0 ? new AbortController() : undefined;
    const jobCtx = { ...ctx, job: { id: job.id, name: job.name, attempt: job.attempt, attempts: job.attempts, signal: controller?.signal ?? NEVER } };
    const key = `${job.name}#${job.id}`;
    const started = performance.now();
    let timedOut = false;
    /** The handler listened to its signal when it was aborted. */
    let listening = false;
    let handler: Promise<unknown> | undefined;
    try {
      const result: unknown = settings.run(job.data, jobCtx);
      if (isThenable(result)) handler = Promise.resolve(result);
    } catch (thrown) {
      handler = Promise.reject(thrown as Error);
    }
    if (handler) {
      const bounded =
        controller !== undefined
          ? withTimeout(handler, settings.timeout, () => {
              timedOut = true;
              listening = getEventListeners(controller.signal, 'abort').length > 0;
              const error = new Error(`timed out after ${settings.timeout} ms`);
              error.name = 'TimeoutError';
              controller.abort(error);
              return error;
            })
          : handler;
      active.set(key, { run: job, startedAt: Date.now(), settled: bounded });
    }
    try {
      if (handler) await active.get(key)!.settled;
      const ms = elapsed(started);
      record('info', `${job.name} ${job.id} succeeded in ${ms} ms`, { job: job.name, jobId: job.id, attempt: job.attempt, ms, outcome: 'succeeded' });
    } catch (thrown) {
      const { error, fields } = describeThrown(thrown);
      const ms = elapsed(started);
      const retrying = job.attempt < job.attempts;
      const what = fields.thrown ? `threw ${fields.thrown === 'a string' ? JSON.stringify(fields.error) : fields.error} (${fields.thrown}, not an Error)` : fields.error;
      record(retrying ? 'warn' : 'error', `${job.name} ${job.id} failed in ${ms} ms (attempt ${job.attempt} of ${job.attempts}): ${what}; ${retrying ? 'retrying' : 'giving up'}`, {
        job: job.name,
        jobId: job.id,
        attempt: job.attempt,
        attempts: job.attempts,
        ms,
        outcome: retrying ? 'retrying' : 'failed',
        error: fields.error,
        ...(fields.thrown ? { thrown: fields.thrown } : {}),
        ...(timedOut || !fields.stack ? {} : { stack: fields.stack }),
      });
      if (timedOut && !listening) reportOverrun(handler!, controller!.signal, job, started, record);
      throw error;
    } finally {
      active.delete(key);
    }
  };

  return { run, active: () => [...active.values()], flush: () => record.flush() };
}

const NEVER = new AbortController().signal;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function reportOverrun(handler: Promise<unknown>, signal: AbortSignal, job: JobRun, started: number, record: RunRecord): void {
  const report = (how: string) => {
    const ms = elapsed(started);
    record('warn', `${job.name} ${job.id} (attempt ${job.attempt}) ${how} ${ms} ms after it started, past its timeout: its outcome is discarded`, {
      job: job.name,
      jobId: job.id,
      attempt: job.attempt,
      ms,
      outcome: 'overran',
    });
  };
  handler.then(
    () => report('returned'),
    (thrown: unknown) => {
      // Stopped by the abort (`signal.throwIfAborted()`, a fetch or timer given the signal).
      if (thrown === signal.reason || (thrown instanceof Error && (thrown.name === 'AbortError' || thrown.cause === signal.reason))) return;
      report('threw');
    },
  );
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
