// The queue as an operator sees it, whichever driver is behind it: list the jobs in a state,
// show one with every attempt's error, retry failed ones, remove or purge what is kept, count.
// Both drivers implement it (./embedded/admin.ts, ./redis/admin.ts); the running primary
// serves it as the `jobs.*` control verbs (./admin-verbs.ts), and a command with no crew
// running uses the redis one directly (cli/command-queue.ts). Results are plain JSON, so they
// cross the control socket as they are; times are ISO 8601 strings (UTC).
import type { JobSettings } from '../app/job-settings.js';
import type { EnqueueRequest } from './enqueue-request.js';
import type { DriverName, QueueStats } from './types.js';

export const JOB_STATES = ['active', 'waiting', 'delayed', 'failed', 'succeeded'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What `purge` takes: the kept outcomes, never work still to do. */
export const PURGEABLE_STATES = ['failed', 'succeeded'] as const;
export type PurgeableState = (typeof PURGEABLE_STATES)[number];

/** A job as a command names it: `email:42`, or `42` when one job name holds that id. */
export interface JobRef {
  job: string | undefined;
  id: string;
}

export interface ListQuery {
  /** Undefined: every state, in JOB_STATES order. */
  state?: JobState;
  job?: string;
  limit: number;
}

export interface ListedJob {
  /** `<job>:<jobId>`: what the other commands take, unambiguous with either driver. */
  id: string;
  job: string;
  /** The id as `ctx.job.id` and the run records (`jobId`) give it. */
  jobId: string;
  state: JobState;
  /** Runs that ended so far (a waiting retry has run once, say). */
  attempts: number;
  /** The most runs it gets (1 + retries); null when the record does not say. */
  maxAttempts: number | null;
  /** The first line of the last error, or null. */
  error: string | null;
  created: string | null;
  finished: string | null;
  /** When a delayed job becomes due. */
  runAt: string | null;
}

export interface JobList {
  driver: DriverName;
  jobs: ListedJob[];
  /** How many jobs match in all; more than `jobs.length` when `limit` cut the list. */
  total: number;
  limit: number;
  /** queue.keepFailed and queue.keepSucceeded: how many of each outcome are kept per job. */
  keep: { failed: number; succeeded: number };
  /** Failed jobs dropped past queue.keepFailed, per job name, where any were. */
  dropped: Record<string, number>;
}

export interface AttemptError {
  attempt: number;
  message: string;
  stack: string | null;
  started: string | null;
  /** How long the attempt ran, in ms; null when not recorded. */
  ms: number | null;
}

export interface JobDetail extends ListedJob {
  data: unknown;
  /** Every failed attempt, oldest first. */
  errors: AttemptError[];
  /** When its current (or last) run started. */
  started: string | null;
  /** Times an operator retried it. */
  retried: number;
}

export interface Refusal {
  id: string;
  why: string;
}

export interface RetryResult {
  retried: string[];
  refused: Refusal[];
}

export interface RemoveResult {
  removed: string[];
  refused: Refusal[];
}

export interface PurgeQuery {
  state: PurgeableState;
  job?: string;
  /** Only what finished longer ago than this many ms. */
  olderThan?: number;
}

export interface QueueAdmin {
  readonly driver: DriverName;
  readonly jobs: ReadonlyMap<string, JobSettings>;
  /** Takes one checked request; resolves to the job's id. */
  enqueue(request: EnqueueRequest): Promise<string>;
  stats(): Promise<QueueStats>;
  list(query: ListQuery): Promise<JobList>;
  /** Rejects with an AdminError when no job or several match. */
  show(ref: JobRef): Promise<JobDetail>;
  /** Failed jobs run again: same data, attempts counted afresh, same id. */
  retry(refs: JobRef[]): Promise<RetryResult>;
  /** Every failed job (of one job name) runs again. */
  retryFailed(job?: string): Promise<RetryResult>;
  /** Waiting, delayed, failed or succeeded jobs leave the queue; running ones are refused. */
  remove(refs: JobRef[]): Promise<RemoveResult>;
  /** Removes kept failed or succeeded jobs; resolves to how many. */
  purge(query: PurgeQuery): Promise<{ purged: number }>;
  close(): Promise<void>;
}

/** A request the queue cannot satisfy (no such job, one that is running…): a sentence, exit 1. */
export class AdminError extends Error {
  override name = 'AdminError';
}

/** A job's state in a refusal's words: `email:42 is running`, `… has succeeded`. */
export function stateWords(state: JobState): string {
  return state === 'active' ? 'is running' : state === 'succeeded' ? 'has succeeded' : `is ${state}`;
}

/** `<job>:<id>`, the form every listing prints. */
export const refText = (job: string, id: string): string => `${job}:${id}`;

/** The first line of an error message, bounded, for listings. */
export function firstLine(text: string | null | undefined, longest = 300): string | null {
  if (text === null || text === undefined) return null;
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > longest ? `${line.slice(0, longest - 1)}…` : line;
}

/** ms since the epoch as ISO 8601, or null for anything that is not a plausible time. */
export function isoTime(ms: unknown): string | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > 8.64e15) return null;
  return new Date(ms).toISOString();
}

/** Where the order of a state's listing comes from: next to run first, latest outcome first. */
export function compareInState(state: JobState, a: ListedJob, b: ListedJob): number {
  const time = (value: string | null) => (value === null ? 0 : Date.parse(value));
  switch (state) {
    case 'active':
    case 'waiting':
      return time(a.created) - time(b.created);
    case 'delayed':
      return time(a.runAt) - time(b.runAt);
    case 'failed':
    case 'succeeded':
      return time(b.finished) - time(a.finished);
  }
}
