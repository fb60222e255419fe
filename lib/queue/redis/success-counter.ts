// Counts a worker's succeeded jobs per name in memory and adds them to Redis once a second,
// with the newest of them for the operator. Succeeded jobs are removed from Redis at once
// (keeping each would grow Redis without bound), so this counter is what `crew jobs stats`
// shows as succeeded, and the short list of the newest (`queue.keepSucceeded` per job, a list
// under `<prefix>:<job>:succeededRecent`) is what `crew jobs list --state succeeded` shows.
// On the path of every job this costs a counter and a slot in a ring of references; the JSON
// is made once a second, for at most `keepSucceeded` jobs. A worker killed outright loses at
// most its last second of counts and of that list; the jobs themselves are not affected.
import { COUNT_FLUSH_INTERVAL_MS } from '../defaults.js';
import { Ring } from '../ring.js';
import type { JobRun } from '../types.js';
import type { Command } from './commands.js';
import type { RedisConnection } from './connection.js';
import { recentKey, succeededKey } from './settings.js';

export interface SuccessCounter {
  /** `started` and `created` are epoch ms. */
  add(run: JobRun, started: number, created: number): void;
  /** Writes what is counted; resolves when Redis took it (or could not: the counts are kept). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** One succeeded job as the list keeps it. */
export interface RecentSuccess {
  id: string;
  data: unknown;
  attempt: number;
  attempts: number;
  created: number;
  started: number;
  finished: number;
}

interface Pending {
  count: number;
  recent: Ring<RecentSuccess> | undefined;
}

export function countSuccesses(connection: RedisConnection, prefix: string, keepSucceeded = 0): SuccessCounter {
  const pending = new Map<string, Pending>();
  const flush = async (): Promise<void> => {
    if (pending.size === 0 || !connection.usable) return;
    const batch = [...pending];
    pending.clear();
    await Promise.all(batch.map(([job, { count, recent }]) => write(job, count, recent)));
  };
  const write = (job: string, count: number, recent: Ring<RecentSuccess> | undefined) =>
    new Promise<void>((resolve) => {
      const commands: Command[] = [['incrby', succeededKey(prefix, job), count]];
      if (recent && recent.length > 0) {
        // Oldest first, so the newest ends at the head of the list.
        const entries = [...recent].reverse().map(encode);
        commands.push(['lpush', recentKey(prefix, job), ...entries], ['ltrim', recentKey(prefix, job), 0, keepSucceeded - 1]);
      }
      connection.client.multi(commands).exec((error) => {
        if (error) {
          // Not lost: added again to the next flush (the list keeps its newest either way).
          const again = entry(job);
          again.count += count;
          if (recent && again.recent) for (const item of [...recent].reverse()) again.recent.push(item);
        }
        resolve();
      });
    });
  const entry = (job: string): Pending => {
    let found = pending.get(job);
    if (!found) {
      found = { count: 0, recent: keepSucceeded > 0 ? new Ring(keepSucceeded) : undefined };
      pending.set(job, found);
    }
    return found;
  };
  const timer = setInterval(() => void flush(), COUNT_FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    add(run, started, created) {
      const found = entry(run.name);
      found.count += 1;
      found.recent?.push({ id: run.id, data: run.data, attempt: run.attempt, attempts: run.attempts, created, started, finished: Date.now() });
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

function encode(item: RecentSuccess): string {
  try {
    return JSON.stringify(item);
  } catch (error) {
    // Data that JSON cannot hold (a handler changed it after the run): keep the rest.
    return JSON.stringify({ ...item, data: `(not JSON: ${(error as Error).message})` });
  }
}
