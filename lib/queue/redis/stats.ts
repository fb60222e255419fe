// The counts behind `crew jobs stats` on Redis, read straight from bee-queue's keys of each job
// (waiting and active lists, delayed and failed sets) plus crew's succeeded counter.
import type { JobCounts, QueueStats } from '../types.js';
import type { RedisConnection } from './connection.js';
import { redisErrorText } from './redis-errors.js';
import { succeededKey } from './settings.js';

export async function readStats(connection: RedisConnection, prefix: string, jobs: string[]): Promise<QueueStats> {
  if (!connection.usable) throw new Error(connection.unusableReason());
  const entries = await Promise.all(
    jobs.map(
      (job) =>
        new Promise<[string, JobCounts]>((resolve, reject) => {
          const key = (name: string) => `${prefix}:${job}:${name}`;
          connection.client
            .multi()
            .llen(key('waiting'))
            .llen(key('active'))
            .get(succeededKey(prefix, job))
            .scard(key('failed'))
            .zcard(key('delayed'))
            .exec((error, replies) => {
              if (error) return reject(new Error(`reading the counts of "${job}" from Redis at ${connection.shown} failed: ${redisErrorText(error)}`));
              const [waiting, active, succeeded, failed, delayed] = replies.map((reply) => Number(reply ?? 0));
              resolve([job, { waiting: waiting!, active: active!, succeeded: succeeded!, failed: failed!, delayed: delayed! }]);
            });
        }),
    ),
  );
  return { driver: 'redis', jobs: Object.fromEntries(entries) };
}
