// bee-queue's record of a job (the JSON in `<prefix>:<job>:jobs`), read as the operator sees
// it, and written back when the operator retries it. Redis is another program's store: a
// record may be malformed, of another version, or written by hand, so every field is checked
// and nothing here throws on what it reads — an unreadable record is reported as such.
//
// bee-queue keeps `options.stacktraces` (one per failed attempt, newest first) and counts
// `options.retries` down at each retry; crew adds `options.crew.runs` ([started, ms] of each
// failed attempt, oldest first) and `options.crew.retried`.
import { AdminError, firstLine, isoTime, refText, type AttemptError, type JobDetail, type JobState, type ListedJob } from '../admin.js';
import type { RecentSuccess } from './success-counter.js';

export interface BeeRecord {
  data: unknown;
  created: number | null;
  /** Oldest first. */
  stacks: string[];
  /** Retries left. */
  retries: number;
  /** [started, ms] of failed attempts, oldest first. */
  runs: Array<[number, number]>;
  retried: number;
  /** The parsed JSON as it was, for writing it back. */
  raw: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const count = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0);
const time = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);

/** undefined when the text is not a bee-queue job record. */
export function parseRecord(text: unknown): BeeRecord | undefined {
  if (typeof text !== 'string') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not JSON: reported by the caller as an unreadable record.
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  const options = isObject(raw.options) ? raw.options : {};
  const crew = isObject(options.crew) ? options.crew : {};
  const stacks = Array.isArray(options.stacktraces) ? options.stacktraces.map((s) => (typeof s === 'string' ? s : JSON.stringify(s) ?? String(s))).reverse() : [];
  const runs = Array.isArray(crew.runs) ? crew.runs.filter((r): r is [number, number] => Array.isArray(r) && r.length === 2 && time(r[0]) !== null && count(r[1]) === r[1]) : [];
  return { data: raw.data ?? {}, created: time(options.timestamp), stacks, retries: count(options.retries), runs, retried: count(crew.retried), raw };
}

export interface Placement {
  job: string;
  id: string;
  state: JobState;
  /** failed: when it failed for good; delayed: when it is due. */
  score?: number;
}

export function listedFromRecord(where: Placement, record: BeeRecord): ListedJob {
  const made = where.state === 'failed' ? Math.max(1, record.stacks.length) : record.stacks.length;
  const lastRun = record.runs.at(-1);
  const finished = where.state === 'failed' ? (where.score ?? (lastRun ? lastRun[0] + lastRun[1] : null)) : null;
  return {
    id: refText(where.job, where.id),
    job: where.job,
    jobId: where.id,
    state: where.state,
    attempts: made,
    maxAttempts: record.stacks.length + record.retries + (where.state === 'failed' ? 0 : 1),
    error: firstLine(record.stacks.at(-1)),
    created: isoTime(record.created),
    finished: isoTime(finished),
    runAt: where.state === 'delayed' ? isoTime(where.score) : null,
  };
}

export function detailFromRecord(where: Placement, record: BeeRecord): JobDetail {
  const listed = listedFromRecord(where, record);
  // Crew's timings pair with the newest stacks: both are added once per failed attempt.
  const offset = record.stacks.length - record.runs.length;
  const errors: AttemptError[] = record.stacks.map((stack, i) => {
    const run = i - offset >= 0 ? record.runs[i - offset] : undefined;
    return { attempt: i + 1, message: firstLine(stack, 2000) ?? '', stack, started: isoTime(run?.[0]), ms: run ? run[1] : null };
  });
  const lastRun = record.runs.at(-1);
  return { ...listed, data: record.data, errors, started: isoTime(lastRun?.[0]), retried: record.retried };
}

/** A listing's line for a record that is not one: the job is there, its record unreadable. */
export function unreadable(where: Placement): ListedJob {
  return { id: refText(where.job, where.id), job: where.job, jobId: where.id, state: where.state, attempts: 0, maxAttempts: null, error: 'unreadable job record in Redis', created: null, finished: null, runAt: null };
}

/** The record a retried job gets: same data and settings, no attempts yet. */
export function retriedRecord(record: BeeRecord): string {
  const options = isObject(record.raw.options) ? { ...record.raw.options } : {};
  const attempts = Math.max(1, record.stacks.length + record.retries);
  delete options.delay;
  options.stacktraces = [];
  options.retries = attempts - 1;
  options.crew = { retried: record.retried + 1 };
  return JSON.stringify({ ...record.raw, options, status: 'created' });
}

/** One entry of the newest succeeded jobs, or undefined when unreadable. */
export function parseRecent(text: unknown): RecentSuccess | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value) || typeof value.id !== 'string' || !/^[1-9][0-9]{0,15}$/.test(value.id)) return undefined;
    return { id: value.id, data: value.data, attempt: count(value.attempt), attempts: count(value.attempts), created: time(value.created) ?? 0, started: time(value.started) ?? 0, finished: time(value.finished) ?? 0 };
  } catch {
    // Not JSON: skipped by the listing.
    return undefined;
  }
}

export function listedFromRecent(job: string, entry: RecentSuccess): ListedJob {
  return {
    id: refText(job, entry.id),
    job,
    jobId: entry.id,
    state: 'succeeded',
    attempts: entry.attempt,
    maxAttempts: entry.attempts || null,
    error: null,
    created: isoTime(entry.created),
    finished: isoTime(entry.finished),
    runAt: null,
  };
}

export function detailFromRecent(job: string, entry: RecentSuccess): JobDetail {
  return { ...listedFromRecent(job, entry), data: entry.data, errors: [], started: isoTime(entry.started), retried: 0 };
}

export function unreadableError(job: string, id: string): AdminError {
  return new AdminError(`the record of job ${refText(job, id)} in Redis is not a bee-queue job record: it cannot be shown or retried (remove it with \`crew jobs remove ${refText(job, id)}\`)`);
}
