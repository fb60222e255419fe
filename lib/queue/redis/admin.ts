// The operator's view of the redis driver (../admin.ts), straight from bee-queue's keys of each
// job and crew's own beside them (./failed-index.ts, ./success-counter.ts). The running
// primary serves it on a connection of its own, opened on first use; a command with no crew
// running opens one for itself. Every change is one Lua script per job, so a worker never sees
// half of it: a retried job leaves the failed set as it enters the waiting list, and a job a
// worker took in the same instant is not removed under it (it is reported as running).
import type { JobSettings } from '../../app/job-settings.js';
import { AdminError, compareInState, JOB_STATES, refText, stateWords, type JobDetail, type JobList, type JobRef, type JobState, type ListedJob, type PurgeQuery, type QueueAdmin, type Refusal } from '../admin.js';
import type { EnqueueRequest } from '../enqueue-request.js';
import { command, script, transaction, whenReady } from './commands.js';
import type { RedisConnection } from './connection.js';
import { failedKeys, reindexFailed } from './failed-index.js';
import { detailFromRecent, detailFromRecord, listedFromRecent, listedFromRecord, parseRecent, parseRecord, retriedRecord, unreadable, unreadableError, type BeeRecord, type Placement } from './job-record.js';
import { createProducer } from './producer.js';
import { recentKey } from './settings.js';
import { readStats } from './stats.js';

export interface RedisAdminOptions {
  connection: RedisConnection;
  prefix: string;
  jobs: ReadonlyMap<string, JobSettings>;
  keepFailed: number;
  keepSucceeded: number;
}

const BATCH = 200;

const RETRY = `
if redis.call('srem', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('zrem', KEYS[2], ARGV[1])
redis.call('hset', KEYS[3], ARGV[1], ARGV[2])
redis.call('lpush', KEYS[4], ARGV[1])
return 1
`;

// A job still waiting, delayed or failed leaves its list or set, its record and the index; one
// a worker took meanwhile is in none of them, and stays.
const REMOVE = `
local gone = redis.call('lrem', KEYS[1], 0, ARGV[1]) + redis.call('zrem', KEYS[2], ARGV[1]) + redis.call('srem', KEYS[3], ARGV[1])
redis.call('zrem', KEYS[4], ARGV[1])
if gone == 0 then return 0 end
redis.call('hdel', KEYS[5], ARGV[1])
return 1
`;

// Failed jobs leave the set, their record and the index; an id the index held that is no
// longer failed (retried meanwhile) only leaves the index.
const PURGE_FAILED = `
local purged = 0
for _, id in ipairs(ARGV) do
  if redis.call('srem', KEYS[1], id) == 1 then
    redis.call('hdel', KEYS[3], id)
    purged = purged + 1
  end
  redis.call('zrem', KEYS[2], id)
end
return purged
`;

// Entries of the newest succeeded jobs that match an id (ARGV[1] ~= '') or finished before a
// time (ARGV[2]); an entry that is not readable goes too.
const DROP_RECENT = `
local kept, removed = {}, 0
for _, entry in ipairs(redis.call('lrange', KEYS[1], 0, -1)) do
  local ok, decoded = pcall(cjson.decode, entry)
  local drop
  if not ok or type(decoded) ~= 'table' then drop = ARGV[1] == ''
  elseif ARGV[1] ~= '' then drop = decoded.id == ARGV[1]
  else drop = (tonumber(decoded.finished) or 0) < tonumber(ARGV[2]) end
  if drop then removed = removed + 1 else kept[#kept + 1] = entry end
end
if removed > 0 then
  redis.call('del', KEYS[1])
  for i = 1, #kept, 1000 do redis.call('rpush', KEYS[1], unpack(kept, i, math.min(i + 999, #kept))) end
end
return removed
`;

export function redisAdmin(options: RedisAdminOptions): QueueAdmin {
  const { connection, prefix, jobs } = options;
  const key = (job: string, name: string) => `${prefix}:${job}:${name}`;
  const enqueue = createProducer(connection, prefix, jobs);
  const names = (job?: string) => (job === undefined ? [...jobs.keys()] : [job]);
  const ready = () => whenReady(connection);

  /** Each id's record: null when the job is gone, undefined when its record is unreadable. */
  const records = async (job: string, ids: string[]): Promise<Array<BeeRecord | null | undefined>> => {
    if (ids.length === 0) return [];
    const texts = await command<unknown[]>(connection, 'hmget', key(job, 'jobs'), ...ids);
    return texts.map((text) => (text === null || text === undefined ? null : parseRecord(text)));
  };

  /** The ids of one state, in listing order, with the score that places them; and how many there are. */
  const idsIn = async (job: string, state: Exclude<JobState, 'succeeded'>, limit: number): Promise<{ total: number; ids: Array<[string, number?]> }> => {
    switch (state) {
      case 'waiting': {
        // Workers take from the tail: next to run first.
        const [total, ids] = await transaction(connection, [['llen', key(job, 'waiting')], ['lrange', key(job, 'waiting'), -limit, -1]]);
        return { total: Number(total), ids: (ids as string[]).reverse().map((id) => [id]) };
      }
      case 'active': {
        const [total, ids] = await transaction(connection, [['llen', key(job, 'active')], ['lrange', key(job, 'active'), 0, limit - 1]]);
        return { total: Number(total), ids: (ids as string[]).map((id) => [id]) };
      }
      case 'delayed': {
        const [total, flat] = await transaction(connection, [['zcard', key(job, 'delayed')], ['zrange', key(job, 'delayed'), 0, limit - 1, 'WITHSCORES']]);
        return { total: Number(total), ids: pairs(flat as string[]) };
      }
      case 'failed': {
        await reindexFailed(connection, prefix, job);
        const keys = failedKeys(prefix, job);
        const [total, flat] = await transaction(connection, [['zcard', keys.failedAt], ['zrevrange', keys.failedAt, 0, limit - 1, 'WITHSCORES']]);
        return { total: Number(total), ids: pairs(flat as string[]) };
      }
    }
  };

  /** The newest succeeded jobs, `limit` at most (0: all the list holds). */
  const recent = async (job: string, limit: number) => {
    const [total, entries] = await transaction(connection, [['llen', recentKey(prefix, job)], ['lrange', recentKey(prefix, job), 0, limit - 1]]);
    return { total: Number(total), entries: (entries as unknown[]).map(parseRecent).filter((e) => e !== undefined) };
  };

  /** Where job `id` of `job` is, with its record; undefined when it is in none of the job's states. */
  const place = async (job: string, id: string): Promise<{ where: Placement; record: BeeRecord | undefined; detail?: JobDetail } | undefined> => {
    const keys = failedKeys(prefix, job);
    const [text, failed, failedAt, delayed, active] = await transaction(connection, [
      ['hget', key(job, 'jobs'), id],
      ['sismember', keys.failed, id],
      ['zscore', keys.failedAt, id],
      ['zscore', key(job, 'delayed'), id],
      ['lrange', key(job, 'active'), 0, -1],
    ]);
    if (text === null || text === undefined) {
      // The whole list: it is bounded by the workers' queue.keepSucceeded, whatever this one's says.
      const { entries } = await recent(job, 0);
      const entry = entries.find((e) => e.id === id);
      return entry ? { where: { job, id, state: 'succeeded' }, record: undefined, detail: detailFromRecent(job, entry) } : undefined;
    }
    const record = parseRecord(text);
    if (Number(failed) === 1) return { where: { job, id, state: 'failed', ...(failedAt != null ? { score: Number(failedAt) } : {}) }, record };
    if (delayed !== null && delayed !== undefined) return { where: { job, id, state: 'delayed', score: Number(delayed) }, record };
    if ((active as string[]).includes(id)) return { where: { job, id, state: 'active' }, record };
    return { where: { job, id, state: 'waiting' }, record };
  };

  const find = async (ref: JobRef) => {
    const found = [];
    for (const job of ref.job === undefined ? names() : [ref.job]) {
      const placed = await place(job, ref.id);
      if (placed) found.push(placed);
    }
    const shown = ref.job === undefined ? ref.id : refText(ref.job, ref.id);
    if (found.length === 0) {
      throw new AdminError(
        `no job ${shown} on Redis at ${connection.shown} (crew keeps the newest ${options.keepFailed} failed and ${options.keepSucceeded} succeeded jobs per job: queue.keepFailed, queue.keepSucceeded)`,
      );
    }
    if (found.length > 1) throw new AdminError(`job id ${shown} is ambiguous: ${found.map((f) => refText(f.where.job, f.where.id)).join(', ')} all exist; name one of them`);
    return found[0]!;
  };

  const retryOne = async (where: Placement, record: BeeRecord): Promise<boolean> => {
    const keys = failedKeys(prefix, where.job);
    const done = await script<number>(connection, RETRY, [keys.failed, keys.failedAt, keys.jobs, key(where.job, 'waiting')], [where.id, retriedRecord(record)]);
    return Number(done) === 1;
  };

  /** Acts on each job in turn: what `act` returns is done, what it throws (an AdminError) is refused. */
  const each = async (refs: JobRef[], act: (placed: Awaited<ReturnType<typeof find>>) => Promise<string>): Promise<{ done: string[]; refused: Refusal[] }> => {
    await ready();
    const done: string[] = [];
    const refused: Refusal[] = [];
    for (const ref of refs) {
      try {
        done.push(await act(await find(ref)));
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        refused.push({ id: ref.job === undefined ? ref.id : refText(ref.job, ref.id), why: error.message });
      }
    }
    return { done, refused };
  };

  return {
    driver: 'redis',
    jobs,

    async enqueue(request: EnqueueRequest) {
      return enqueue(request.job, request.data, { delay: request.delay, ...(request.retries !== undefined ? { retries: request.retries } : {}) });
    },

    async stats() {
      await ready();
      return readStats(connection, prefix, names());
    },

    async list(query): Promise<JobList> {
      await ready();
      const listed: ListedJob[] = [];
      let total = 0;
      const dropped: Record<string, number> = {};
      for (const state of query.state ? [query.state] : JOB_STATES) {
        const inState: ListedJob[] = [];
        for (const job of names(query.job)) {
          if (state === 'succeeded') {
            const found = await recent(job, query.limit);
            total += found.total;
            inState.push(...found.entries.map((entry) => listedFromRecent(job, entry)));
            continue;
          }
          const found = await idsIn(job, state, query.limit);
          total += found.total;
          const read = await records(job, found.ids.map(([id]) => id));
          found.ids.forEach(([id, score], i) => {
            const where: Placement = { job, id, state, ...(score !== undefined ? { score } : {}) };
            const record = read[i];
            // null: gone between the two reads (it finished, say), and not listed.
            if (record === undefined) inState.push(unreadable(where));
            else if (record !== null) inState.push(listedFromRecord(where, record));
          });
          if (state === 'failed') {
            const lost = Number(await command(connection, 'get', failedKeys(prefix, job).dropped));
            if (lost > 0) dropped[job] = lost;
          }
        }
        listed.push(...inState.sort((a, b) => compareInState(state, a, b)));
      }
      return { driver: 'redis', jobs: listed.slice(0, query.limit), total, limit: query.limit, keep: { failed: options.keepFailed, succeeded: options.keepSucceeded }, dropped };
    },

    async show(ref) {
      await ready();
      const placed = await find(ref);
      if (placed.detail) return placed.detail;
      if (!placed.record) throw unreadableError(placed.where.job, placed.where.id);
      return detailFromRecord(placed.where, placed.record);
    },

    async retry(refs) {
      const { done, refused } = await each(refs, async ({ where, record }) => {
        const id = refText(where.job, where.id);
        if (where.state !== 'failed') throw new AdminError(`${id} ${stateWords(where.state)}, not failed: only failed jobs are retried`);
        if (!record) throw unreadableError(where.job, where.id);
        if (!(await retryOne(where, record))) throw new AdminError(`${id} is no longer failed (retried or removed meanwhile)`);
        return id;
      });
      return { retried: done, refused };
    },

    async retryFailed(job) {
      await ready();
      const result = { retried: [] as string[], refused: [] as Refusal[] };
      for (const name of names(job)) {
        await reindexFailed(connection, prefix, name);
        const keys = failedKeys(prefix, name);
        // What failed until now, oldest first. What is retried leaves the index, so the window
        // moves by what stays; a retried job that fails again meanwhile comes back later than
        // `until` (and is skipped if the clocks of two hosts disagree): it is not retried twice.
        const until = Date.now();
        const seen = new Set<string>();
        let start = 0;
        for (;;) {
          const ids = await command<string[]>(connection, 'zrangebyscore', keys.failedAt, '-inf', until, 'LIMIT', start, BATCH);
          if (ids.length === 0) break;
          const read = await records(name, ids);
          for (const [i, id] of ids.entries()) {
            const record = read[i];
            const where: Placement = { job: name, id, state: 'failed' };
            if (!seen.has(id) && record && (await retryOne(where, record))) {
              seen.add(id);
              result.retried.push(refText(name, id));
            } else {
              start += 1;
              if (record === undefined) result.refused.push({ id: refText(name, id), why: unreadableError(name, id).message });
            }
          }
        }
      }
      return result;
    },

    async remove(refs) {
      const { done, refused } = await each(refs, async ({ where }) => {
        const id = refText(where.job, where.id);
        if (where.state === 'active') throw new AdminError(`${id} is running: remove it once it has finished or failed`);
        const keys = failedKeys(prefix, where.job);
        const removed =
          where.state === 'succeeded'
            ? await script<number>(connection, DROP_RECENT, [recentKey(prefix, where.job)], [where.id, 0])
            : await script<number>(connection, REMOVE, [key(where.job, 'waiting'), key(where.job, 'delayed'), keys.failed, keys.failedAt, keys.jobs], [where.id]);
        if (Number(removed) === 0) throw new AdminError(`${id} was taken by a worker meanwhile: it is running`);
        return id;
      });
      return { removed: done, refused };
    },

    async purge(query: PurgeQuery) {
      await ready();
      const before = query.olderThan === undefined ? '+inf' : Date.now() - query.olderThan;
      let purged = 0;
      for (const job of names(query.job)) {
        if (query.state === 'succeeded') {
          purged += Number(await script<number>(connection, DROP_RECENT, [recentKey(prefix, job)], ['', before === '+inf' ? Number.MAX_SAFE_INTEGER : before]));
          continue;
        }
        await reindexFailed(connection, prefix, job);
        const keys = failedKeys(prefix, job);
        for (;;) {
          const ids = await command<string[]>(connection, 'zrangebyscore', keys.failedAt, '-inf', before === '+inf' ? '+inf' : `(${before}`, 'LIMIT', 0, BATCH);
          if (ids.length === 0) break;
          purged += Number(await script<number>(connection, PURGE_FAILED, [keys.failed, keys.failedAt, keys.jobs], ids));
        }
      }
      return { purged };
    },

    close: () => connection.close(),
  };
}

function pairs(flat: string[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
}
