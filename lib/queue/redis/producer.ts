// Enqueue on Redis: one bee-queue producer Queue per job name, all on the process's one command
// connection. The job's retries and backoff travel with the job (bee-queue applies them when it
// fails), taken from the app's definition unless the call overrides `retries`. An enqueue
// fails at once when Redis is known to be away, and within ENQUEUE_TIMEOUT_MS otherwise (a
// process that enqueues as it starts waits for its first connection that long).
import type { EnqueueOptions } from '../../app/types.js';
import type { JobSettings } from '../../app/job-settings.js';
import { withTimeout } from '../../util/with-timeout.js';
import { ENQUEUE_TIMEOUT_MS } from '../defaults.js';
import { checkEnqueue, EnqueueError } from '../enqueue-request.js';
import { BeeQueue } from './bee.js';
import type { RedisConnection } from './connection.js';
import { redisErrorText } from './redis-errors.js';
import { producerSettings } from './settings.js';

export type Enqueue = (job: string, data?: unknown, opts?: EnqueueOptions) => Promise<string>;

export function createProducer(connection: RedisConnection, prefix: string, jobs: ReadonlyMap<string, JobSettings>, maxPayload?: number): Enqueue {
  const queues = new Map<string, BeeQueue>();
  const queueOf = (name: string): BeeQueue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new BeeQueue(name, producerSettings(prefix, connection.client));
      // Errors of the shared client are reported by the connection; this listener only keeps
      // an unlistened 'error' from crashing the process.
      queue.on('error', () => undefined);
      queues.set(name, queue);
    }
    return queue;
  };

  return async (job, data, opts) => {
    const request = checkEnqueue(jobs, job, data, opts, maxPayload);
    const settings = jobs.get(request.job)!;
    if (connection.down) throw new EnqueueError(`cannot enqueue "${job}": ${connection.unusableReason()}`);
    if (!connection.usable) {
      // Still connecting for the first time (a process that enqueues as it starts).
      await connection.whenUsable(ENQUEUE_TIMEOUT_MS).catch((error: unknown) => {
        throw new EnqueueError(`cannot enqueue "${job}": ${redisErrorText(error)}`);
      });
    }
    const created = queueOf(request.job).createJob(request.data);
    const retries = request.retries ?? settings.retries;
    if (retries > 0) {
      created.retries(retries);
      if (settings.backoff.delay > 0) created.backoff(settings.backoff.type, settings.backoff.delay);
      else created.backoff('immediate');
    }
    if (request.delay > 0) created.delayUntil(Date.now() + request.delay);
    try {
      const saved = await withTimeout(created.save(), ENQUEUE_TIMEOUT_MS, () => new EnqueueError(`cannot enqueue "${job}": Redis at ${connection.shown} did not answer within ${ENQUEUE_TIMEOUT_MS} ms; the job may or may not have been queued`));
      return String(saved.id);
    } catch (error) {
      if (error instanceof EnqueueError) throw error;
      // bee-queue's rejection is node-redis's error object: only its message goes on.
      throw new EnqueueError(`cannot enqueue "${job}": Redis at ${connection.shown}: ${redisErrorText(error)}`);
    }
  };
}
