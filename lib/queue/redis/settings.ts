// How crew sets up bee-queue, in one place, so the benchmark's bare bee-queue worker can use the
// very same settings. Producers own no connection of their own and keep no job objects (a
// long-running server would otherwise hold every job it ever enqueued). Workers raise delayed
// jobs (retries with backoff and `delay` hang without it), drop succeeded jobs from Redis (crew
// counts them instead: see ./success-counter.ts) and keep failed ones for inspection.
import type BeeQueue from 'bee-queue';
import type { RedisV3Client } from './bee.js';

export function producerSettings(prefix: string, client: RedisV3Client): BeeQueue.QueueSettings {
  return {
    prefix,
    redis: client as never,
    isWorker: false,
    getEvents: false,
    sendEvents: false,
    storeJobs: false,
    activateDelayedJobs: false,
    // ./connection.ts loads the scripts at every (re)connection.
    ensureScripts: false,
  };
}

export function workerSettings(prefix: string, client: RedisV3Client, stallInterval: number): BeeQueue.QueueSettings {
  return {
    prefix,
    redis: client as never,
    isWorker: true,
    getEvents: false,
    sendEvents: false,
    storeJobs: false,
    activateDelayedJobs: true,
    removeOnSuccess: true,
    removeOnFailure: false,
    stallInterval,
    // bee-queue raises delayed jobs in groups due within this window of each other, so a job
    // may run up to this late; its default of 1 s would make short backoffs and delays sloppy.
    delayedDebounce: 100,
  };
}

/** A key of crew's own beside bee-queue's keys of the job (`<prefix>:<job>:…`). */
export const succeededKey = (prefix: string, job: string): string => `${prefix}:${job}:succeededCount`;

/** crew's index of a job's failed jobs: a sorted set of ids by when each failed for good. */
export const failedAtKey = (prefix: string, job: string): string => `${prefix}:${job}:failedAt`;

/** How many failed jobs of a job were dropped past queue.keepFailed. */
export const droppedKey = (prefix: string, job: string): string => `${prefix}:${job}:failedDropped`;

/** The newest queue.keepSucceeded succeeded jobs of a job, newest first, as JSON (see ./success-counter.ts). */
export const recentKey = (prefix: string, job: string): string => `${prefix}:${job}:succeededRecent`;
