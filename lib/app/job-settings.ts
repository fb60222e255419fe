// Reads an app's `jobs` into one resolved form that every part of crew agrees on: the worker
// (concurrency, timeout), whoever enqueues (retries, backoff travel with the job) and the
// embedded queue's broker in the primary. A bad setting is an AppError naming the job, the key,
// what was expected and what was found, raised once by the primary before anything is forked.
import { parseDuration } from '../config/duration.js';
import type { JobDefinition, JobHandler } from './types.js';

export type BackoffType = 'fixed' | 'exponential';

export interface Backoff {
  type: BackoffType;
  /** ms before the first retry; `exponential` doubles it for each further retry. */
  delay: number;
}

export interface JobSettings {
  name: string;
  run: JobHandler;
  /** Runs of this job at a time in one worker process. */
  concurrency: number;
  /** Further attempts after a failure; 0 = fail at once. */
  retries: number;
  backoff: Backoff;
  /** ms an attempt may take before it counts as failed; 0 = no limit. */
  timeout: number;
}

/** Used when a job sets `retries` but no `backoff`. */
export const DEFAULT_BACKOFF: Readonly<Backoff> = { type: 'exponential', delay: 1000 };

/** Node's timers cannot wait longer (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const KEYS = new Set(['run', 'concurrency', 'retries', 'backoff', 'timeout']);
const BACKOFF_KEYS = new Set(['type', 'delay']);

export class JobSettingsError extends Error {
  override name = 'JobSettingsError';
}

/** Every job of the app, resolved; throws JobSettingsError on the first bad setting. */
export function jobSettings(jobs: Record<string, JobHandler | JobDefinition> | undefined): Map<string, JobSettings> {
  const out = new Map<string, JobSettings>();
  for (const [name, definition] of Object.entries(jobs ?? {})) out.set(name, resolveJob(name, definition));
  return out;
}

export function resolveJob(name: string, definition: JobHandler | JobDefinition): JobSettings {
  const where = `jobs.${name}`;
  if (typeof definition === 'function') {
    return { name, run: definition, concurrency: 1, retries: 0, backoff: { ...DEFAULT_BACKOFF }, timeout: 0 };
  }
  if (typeof definition !== 'object' || definition === null || typeof definition.run !== 'function') {
    throw new JobSettingsError(`${where} must be a function (data, ctx) => result or { run, concurrency?, retries?, backoff?, timeout? }`);
  }
  for (const key of Object.keys(definition)) {
    if (!KEYS.has(key)) throw new JobSettingsError(`${where}.${key} is not a job setting (known: ${[...KEYS].join(', ')})`);
  }
  return {
    name,
    run: definition.run,
    concurrency: wholeNumber(`${where}.concurrency`, definition.concurrency, 1, 1),
    retries: wholeNumber(`${where}.retries`, definition.retries, 0, 0),
    backoff: resolveBackoff(`${where}.backoff`, definition.backoff),
    timeout: durationOf(`${where}.timeout`, definition.timeout, 0),
  };
}

function resolveBackoff(where: string, value: unknown): Backoff {
  if (value === undefined) return { ...DEFAULT_BACKOFF };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JobSettingsError(`${where}: expected { type: fixed | exponential, delay }, found ${show(value)}`);
  }
  const backoff = value as Record<string, unknown>;
  for (const key of Object.keys(backoff)) {
    if (!BACKOFF_KEYS.has(key)) throw new JobSettingsError(`${where}.${key} is not a backoff setting (known: type, delay)`);
  }
  const type = backoff.type ?? DEFAULT_BACKOFF.type;
  if (type !== 'fixed' && type !== 'exponential') throw new JobSettingsError(`${where}.type: expected fixed or exponential, found ${show(type)}`);
  return { type, delay: durationOf(`${where}.delay`, backoff.delay, DEFAULT_BACKOFF.delay) };
}

function wholeNumber(where: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new JobSettingsError(`${where}: expected a whole number of at least ${min}, found ${show(value)}`);
  }
  return value;
}

function durationOf(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined || ms > MAX_TIMER_MS) {
    throw new JobSettingsError(`${where}: expected a duration such as 500ms, 10s or 2m, or a number of milliseconds (at most 24 days), found ${show(value)}`);
  }
  return ms;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value) ?? String(value);
}
