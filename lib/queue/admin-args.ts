// Reads the arguments of the operator's job commands — ids, states, limits, ages, job names —
// the same way for the command line (a refusal is a usage error, exit 2) and for the control
// verbs (a refusal is the verb's error answer). Anything else than the forms below is refused
// with a sentence naming the value, quoted and shortened, and what was expected; nothing here
// trusts its input's type.
import { didYouMean } from '../config/did-you-mean.js';
import { parseDuration } from '../config/duration.js';
import { JOB_STATES, PURGEABLE_STATES, type JobRef, type JobState, type PurgeableState } from './admin.js';

export class AdminArgumentError extends Error {
  override name = 'AdminArgumentError';
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 10_000;
/** Ids in one retry or remove: enough for any hand-written list, small enough for one request. */
export const MAX_IDS = 10_000;

type Jobs = ReadonlySet<string> | ReadonlyMap<string, unknown>;

/** Both drivers number a job's ids from 1; 16 digits stay exact as a JavaScript number. */
const ID = /^[1-9][0-9]{0,15}$/;

/** A value as a refusal quotes it: JSON, at most 60 characters, control characters escaped. */
export function shown(value: unknown): string {
  let text: string;
  try {
    // JSON escapes control characters; what JSON cannot say (undefined, a function) is quoted as text.
    text = JSON.stringify(value) ?? JSON.stringify(String(value));
  } catch {
    // A value JSON cannot hold (a BigInt, a cycle): its type is enough to name it.
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function knownJob(name: string, jobs: Jobs, what: string): string {
  if (jobs.has(name)) return name;
  const names = [...jobs.keys()] as string[];
  const suggestion = didYouMean(name, names);
  const known = names.length === 0 ? 'the app defines no jobs' : suggestion ? `did you mean "${suggestion}"?` : `it defines: ${names.join(', ')}`;
  throw new AdminArgumentError(`${what}: the app defines no job ${shown(name)} (${known})`);
}

/** `email:42` (the job name may itself hold colons: the id is after the last one) or `42`. */
export function parseJobRef(value: unknown, jobs: Jobs): JobRef {
  const expected = 'expected a job id such as email:42, or 42 when one job name holds it';
  if (typeof value !== 'string' && typeof value !== 'number') throw new AdminArgumentError(`${expected}, found ${shown(value)}`);
  const text = String(value);
  const colon = text.lastIndexOf(':');
  const id = colon < 0 ? text : text.slice(colon + 1);
  if (!ID.test(id)) throw new AdminArgumentError(`${expected}, found ${shown(value)}`);
  if (colon < 0) return { job: undefined, id };
  const job = text.slice(0, colon);
  if (job === '') throw new AdminArgumentError(`${expected}, found ${shown(value)}`);
  return { job: knownJob(job, jobs, `job id ${shown(value)}`), id };
}

export function parseJobRefs(value: unknown, jobs: Jobs): JobRef[] {
  if (!Array.isArray(value) || value.length === 0) throw new AdminArgumentError(`expected one or more job ids such as email:42, found ${shown(value)}`);
  if (value.length > MAX_IDS) throw new AdminArgumentError(`at most ${MAX_IDS} job ids at once, found ${value.length}; use --failed to retry every failed job`);
  return value.map((item) => parseJobRef(item, jobs));
}

export function parseState(value: unknown): JobState {
  if (typeof value === 'string' && (JOB_STATES as readonly string[]).includes(value)) return value as JobState;
  throw new AdminArgumentError(`--state: expected one of ${JOB_STATES.join(', ')}, found ${shown(value)}`);
}

export function parsePurgeState(value: unknown): PurgeableState {
  if (typeof value === 'string' && (PURGEABLE_STATES as readonly string[]).includes(value)) return value as PurgeableState;
  const running = typeof value === 'string' && (JOB_STATES as readonly string[]).includes(value);
  throw new AdminArgumentError(
    `--state: purge takes ${PURGEABLE_STATES.join(' or ')}, found ${shown(value)}${running ? ` (jobs still to run are removed one by one: \`crew jobs remove <id...>\`)` : ''}`,
  );
}

export function parseLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LIMIT) throw new AdminArgumentError(`--limit: expected a whole number from 1 to ${MAX_LIMIT}, found ${shown(value)}`);
  return n;
}

const DAYS = /^\s*(\d+(?:\.\d+)?)\s*d\s*$/i;

/** A duration as config takes it (`90s`, `2h`, `1h30m`, ms), or days (`7d`); at most 100 years. */
export function parseAge(value: unknown, flag = '--older-than'): number {
  const days = typeof value === 'string' ? DAYS.exec(value) : null;
  const ms = days ? Math.round(Number(days[1]) * 86_400_000) : parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms > 100 * 365 * 86_400_000) {
    throw new AdminArgumentError(`${flag}: expected a duration such as 30m, 12h or 7d, found ${shown(value)}`);
  }
  return ms;
}

export function parseJobName(value: unknown, jobs: Jobs, flag = '--job'): string {
  if (typeof value !== 'string' || value === '') throw new AdminArgumentError(`${flag}: expected the name of a job the app defines, found ${shown(value)}`);
  return knownJob(value, jobs, flag);
}
