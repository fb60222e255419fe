// The failed jobs crew keeps on Redis, and their bound. bee-queue keeps a job that failed for
// good in its `failed` set, unordered and forever; crew indexes each one by the time it failed
// (`<prefix>:<job>:failedAt`, a sorted set) and keeps the newest `queue.keepFailed` per job:
// past that, the oldest leave the set and the jobs hash, and `<prefix>:<job>:failedDropped`
// counts them. A worker does this once per final failure, never on the path of a success.
// A failure the index missed (the worker died in between, or Redis blinked) is picked up by
// `reindexFailed` before the operator's commands read the index.
import type { RedisConnection } from './connection.js';
import { command, script } from './commands.js';
import { droppedKey, failedAtKey } from './settings.js';

const NOTE = `
redis.call('zadd', KEYS[1], ARGV[2], ARGV[1])
local excess = redis.call('zcard', KEYS[1]) - tonumber(ARGV[3])
if excess <= 0 then return 0 end
local oldest = redis.call('zrange', KEYS[1], 0, excess - 1)
local dropped = 0
for _, id in ipairs(oldest) do
  if redis.call('srem', KEYS[2], id) == 1 then
    redis.call('hdel', KEYS[3], id)
    dropped = dropped + 1
  end
end
redis.call('zremrangebyrank', KEYS[1], 0, excess - 1)
if dropped > 0 then redis.call('incrby', KEYS[4], dropped) end
return dropped
`;

export interface FailedIndexKeys {
  failedAt: string;
  failed: string;
  jobs: string;
  dropped: string;
}

export function failedKeys(prefix: string, job: string): FailedIndexKeys {
  return { failedAt: failedAtKey(prefix, job), failed: `${prefix}:${job}:failed`, jobs: `${prefix}:${job}:jobs`, dropped: droppedKey(prefix, job) };
}

/** Indexes one job that failed for good and drops the oldest past `keep`; resolves to how many were dropped. */
export function noteFailed(connection: RedisConnection, prefix: string, job: string, id: string, keep: number, at = Date.now()): Promise<number> {
  const keys = failedKeys(prefix, job);
  return script<number>(connection, NOTE, [keys.failedAt, keys.failed, keys.jobs, keys.dropped], [id, at, keep]);
}

const REINDEX_BATCH = 500;

/**
 * Indexes the failed jobs the index lacks, at the time each was created (their failure time
 * is not recorded anywhere else), and drops what the index holds that is no longer failed.
 * Cheap when nothing is missing: two counts.
 */
export async function reindexFailed(connection: RedisConnection, prefix: string, job: string): Promise<void> {
  const keys = failedKeys(prefix, job);
  const [failed, indexed] = await Promise.all([command<number>(connection, 'scard', keys.failed), command<number>(connection, 'zcard', keys.failedAt)]);
  if (Number(failed) === Number(indexed)) return;
  let cursor = '0';
  do {
    const [next, ids] = await command<[string, string[]]>(connection, 'sscan', keys.failed, cursor, 'COUNT', REINDEX_BATCH);
    cursor = String(next);
    if (ids.length > 0) await script(connection, REINDEX, [keys.failedAt, keys.jobs], ids);
  } while (cursor !== '0');
  // Ids indexed but no longer failed: retried or removed by an older crew, say.
  let start = 0;
  for (;;) {
    const ids = await command<string[]>(connection, 'zrange', keys.failedAt, start, start + REINDEX_BATCH - 1);
    if (ids.length === 0) break;
    const removed = await script<number>(connection, UNINDEX, [keys.failedAt, keys.failed], ids);
    start += ids.length - Number(removed);
  }
}

// The job's creation time from its record; 1 (the oldest possible) when it is unreadable.
const REINDEX = `
for _, id in ipairs(ARGV) do
  if not redis.call('zscore', KEYS[1], id) then
    local at = 1
    local record = redis.call('hget', KEYS[2], id)
    if record then
      local ok, decoded = pcall(cjson.decode, record)
      if ok and type(decoded) == 'table' and type(decoded.options) == 'table' and tonumber(decoded.options.timestamp) then
        at = tonumber(decoded.options.timestamp)
      end
    end
    redis.call('zadd', KEYS[1], at, id)
  end
end
return 0
`;

const UNINDEX = `
local removed = 0
for _, id in ipairs(ARGV) do
  if redis.call('sismember', KEYS[2], id) == 0 then
    redis.call('zrem', KEYS[1], id)
    removed = removed + 1
  end
end
return removed
`;
