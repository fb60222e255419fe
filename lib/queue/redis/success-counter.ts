// Counts a worker's succeeded jobs per name in memory and adds them to Redis once a second.
// Succeeded jobs are removed from Redis at once (keeping each would grow Redis without bound),
// so this counter is what `crew jobs stats` shows as succeeded. A worker killed outright loses
// at most its last second of counts; the jobs themselves are not affected.
import { COUNT_FLUSH_INTERVAL_MS } from '../defaults.js';
import type { RedisConnection } from './connection.js';
import { succeededKey } from './settings.js';

export interface SuccessCounter {
  add(job: string): void;
  /** Writes what is counted; resolves when Redis took it (or could not: the counts are kept). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function countSuccesses(connection: RedisConnection, prefix: string): SuccessCounter {
  const counts = new Map<string, number>();
  const flush = async (): Promise<void> => {
    if (counts.size === 0 || !connection.usable) return;
    const batch = [...counts];
    counts.clear();
    await Promise.all(
      batch.map(
        ([job, n]) =>
          new Promise<void>((resolve) => {
            connection.client.incrby(succeededKey(prefix, job), n, (error) => {
              // Not lost: added again to the next flush.
              if (error) counts.set(job, (counts.get(job) ?? 0) + n);
              resolve();
            });
          }),
      ),
    );
  };
  const timer = setInterval(() => void flush(), COUNT_FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    add: (job) => counts.set(job, (counts.get(job) ?? 0) + 1),
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
