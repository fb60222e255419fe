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
//   bee-queue would fail the job and leave the handler running unseen.
// On stop, each Queue stops taking jobs at once and the active runs get until the deadline;
// the clients' goodbyes (QUIT) then get a moment only: bee-queue's close never returns while
// Redis is frozen, and a process that exits closes its sockets anyway.
import { redactText } from '../../config/redact.js';
import type { ConsumedJob, Consumption, JobRun, RunJob } from '../types.js';
import { BeeQueue, type BeeJob } from './bee.js';
import type { QueueLog, RedisConnection } from './connection.js';
import { workerSettings } from './settings.js';
import { REPEAT_SILENCE_MS } from '../defaults.js';
import type { SuccessCounter } from './success-counter.js';
import { settlesWithin } from '../../util/with-timeout.js';

/** How long the clients may take to say goodbye once the runs are over. */
const GOODBYE_MS = 200;

export interface ConsumeOptions {
  connection: RedisConnection;
  prefix: string;
  stallInterval: number;
  counter: SuccessCounter;
  log: QueueLog;
}

export async function consumeFromRedis(options: ConsumeOptions, jobs: ConsumedJob[], run: RunJob): Promise<Consumption> {
  const { connection, prefix, stallInterval, counter, log } = options;
  const reportError = errorReporter(connection, log);
  const active = new Set<Promise<void>>();
  const queues = jobs.map(({ name, concurrency }) => {
    const queue = new BeeQueue(name, workerSettings(prefix, connection.client, stallInterval));
    queue.on('error', (error: Error) => reportError(name, error));
    queue.process(concurrency, (job: BeeJob) => {
      const running = run(toRun(name, job)).then(() => counter.add(name));
      active.add(running);
      void running.catch(() => undefined).finally(() => active.delete(running));
      return running;
    });
    return queue;
  });
  await Promise.all(queues.map((queue) => queue.ready()));
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
    const text = redactText(error.message);
    const now = Date.now();
    if (now - (lastSaid.get(text) ?? -Infinity) < REPEAT_SILENCE_MS) return;
    lastSaid.set(text, now);
    log.warn(`queue "${job}" on Redis at ${connection.shown}: ${text}`, { job, redis: connection.shown });
  };
}
