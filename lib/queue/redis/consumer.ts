// A worker's side of the redis driver: one bee-queue worker Queue per job it takes, each with
// the job's concurrency, on connections duplicated from the process's command client. It
// settles bee-queue's sharp edges:
// - delayed jobs and retries with backoff only move when some Queue activates delayed jobs:
//   every worker Queue does, and kicks that again after a reconnection;
// - a job whose worker died stays "active" until a stalled-job check puts it back: every
//   worker runs the check every half `queue.stallInterval` (bee-queue's own lock lets one
//   check per interval through, fleet-wide), so a dead worker's job runs again after one to
//   two intervals (at least once);
// - timeouts are not bee-queue's: the worker enforces them (see components/worker), because
//   bee-queue would fail the job and leave the handler running unseen;
// - what the operator sees of a job (../admin.ts): bee-queue records a failed attempt's stack
//   only, so a failed attempt also notes when it started and how long it ran in the job's
//   options (`options.crew.runs`, saved with the failure by bee-queue itself); a job that fails
//   for good is indexed and the failed jobs are bounded (./failed-index.ts); a success costs a
//   slot in the counter's ring (./success-counter.ts) and nothing more.
// On stop, each Queue stops taking jobs at once and the active runs get until the deadline;
// the clients' goodbyes (QUIT) then get a moment only: bee-queue's close never returns while
// Redis is frozen, and a process that exits closes its sockets anyway.
import type { EventEmitter } from 'node:events';
import type { ConsumedJob, Consumption, JobRun, RunJob } from '../types.js';
import { BeeQueue, type BeeJob } from './bee.js';
import type { QueueLog, RedisConnection } from './connection.js';
import { redisErrorText, redisFailure } from './redis-errors.js';
import { workerSettings } from './settings.js';
import { REPEAT_SILENCE_MS } from '../defaults.js';
import type { SuccessCounter } from './success-counter.js';
import { noteFailed } from './failed-index.js';
import { settlesWithin } from '../../util/with-timeout.js';

/** How long the clients may take to say goodbye once the runs are over. */
const GOODBYE_MS = 200;

export interface ConsumeOptions {
  connection: RedisConnection;
  prefix: string;
  stallInterval: number;
  counter: SuccessCounter;
  /** queue.keepFailed: failed jobs kept per job. */
  keepFailed: number;
  log: QueueLog;
}

/** The newest failed attempts whose timings a job's options keep. */
const RUNS_KEPT = 50;

export async function consumeFromRedis(options: ConsumeOptions, jobs: ConsumedJob[], run: RunJob): Promise<Consumption> {
  const { connection, prefix, stallInterval, counter, keepFailed, log } = options;
  const reportError = errorReporter(connection, log);
  const active = new Set<Promise<void>>();
  const runOne = async (name: string, job: BeeJob): Promise<void> => {
    const started = Date.now();
    const jobRun = toRun(name, job);
    try {
      await run(jobRun);
    } catch (error) {
      noteRun(job, started);
      throw error;
    }
    counter.add(jobRun, started, (job.options as { timestamp?: number }).timestamp ?? 0);
  };
  const queues = jobs.map(({ name, concurrency }) => {
    const queue = new BeeQueue(name, workerSettings(prefix, connection.client, stallInterval));
    queue.on('error', (error: Error) => reportError(name, error));
    queue.process(concurrency, (job: BeeJob) => {
      const running = runOne(name, job);
      active.add(running);
      void running.catch(() => undefined).finally(() => active.delete(running));
      return running;
    });
    // After bee-queue has moved the job to its failed set.
    (queue as unknown as EventEmitter).on('failed:fatal', (job: BeeJob) => {
      noteFailed(connection, prefix, name, String(job.id), keepFailed).catch((error: Error) => reportError(name, new Error(`indexing failed job ${name}:${job.id}: ${error.message}`)));
    });
    return queue;
  });
  // bee-queue rejects with node-redis's error object (a refused AUTH, say): crew's own goes on.
  await Promise.all(queues.map((queue) => queue.ready())).catch((error: unknown) => {
    // Let go of the Queues that did connect; a failure to close one that never worked adds
    // nothing to the error below, which is what the worker reports.
    for (const queue of queues) void queue.close(0).catch(() => undefined);
    throw redisFailure(`Redis at ${connection.shown}`, error);
  });
  for (const queue of queues) {
    queue.checkStalledJobs(Math.max(1, Math.floor(stallInterval / 2))).catch((error: Error) => reportError(queue.name, error));
  }
  connection.onReconnect(() => {
    // bee-queue stops raising delayed jobs after a failed attempt; start it again.
    for (const queue of queues) (queue as unknown as { _activateDelayed(): void })._activateDelayed();
  });

  let stopping: Promise<void> | undefined;
  return {
    stop(deadline) {
      stopping ??= (async () => {
        const wait = Math.max(1, deadline - Date.now());
        // close() takes no new job from now on. One that times out leaves its unfinished jobs
        // active in Redis: the stalled-job check of another worker runs them again. The worker
        // reports them by name.
        const closed = Promise.allSettled(queues.map((queue) => queue.close(wait)));
        await settlesWithin(Promise.allSettled([...active]), wait);
        await settlesWithin(closed, GOODBYE_MS);
        await settlesWithin(counter.flush(), GOODBYE_MS);
      })();
      return stopping;
    },
  };
}

/** Notes a failed attempt's timing in the job's options, which bee-queue saves with the failure. */
function noteRun(job: BeeJob, started: number): void {
  const options = job.options as { crew?: { runs?: unknown } };
  const crew = (options.crew ??= {});
  const runs = Array.isArray(crew.runs) ? (crew.runs as Array<[number, number]>) : (crew.runs = []);
  runs.push([started, Date.now() - started]);
  if (runs.length > RUNS_KEPT) runs.splice(0, runs.length - RUNS_KEPT);
}

function toRun(name: string, job: BeeJob): JobRun {
  const options = job.options as { stacktraces?: unknown[]; retries?: number };
  // bee-queue records one stack trace per failed attempt and counts retries down.
  const attempt = (options.stacktraces?.length ?? 0) + 1;
  return { id: String(job.id), name, data: job.data, attempt, attempts: attempt + (options.retries ?? 0) };
}

/**
 * One record per distinct error and half minute: when Redis goes away every Queue of the
 * process reports the same loss at once.
 */
function errorReporter(connection: RedisConnection, log: QueueLog): (job: string, error: Error) => void {
  const lastSaid = new Map<string, number>();
  return (job, error) => {
    const text = redisErrorText(error);
    const now = Date.now();
    if (now - (lastSaid.get(text) ?? -Infinity) < REPEAT_SILENCE_MS) return;
    lastSaid.set(text, now);
    log.warn(`queue "${job}" on Redis at ${connection.shown}: ${text}`, { job, redis: connection.shown });
  };
}
