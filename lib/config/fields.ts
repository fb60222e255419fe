// The leaf values of crew's config schema. Each one accepts the forms a YAML file, a
// `${VAR}` (always a string) or a command-line flag can produce, yields the resolved type,
// and on failure records what it expected, so the loader can print
// "expected <that>, found <the value>". An empty YAML value (null) means "not set".

import os from 'node:os';
import * as z from 'zod';
import { MAX_DURATION_MS, MAX_PORT, MIN_PORT, parsePortNumber } from './limits.js';
import { bareNumberAdvice, formatDuration, formatSize, parseSize, parseWrittenDuration, suspiciousBareNumber } from './duration.js';
import { redactUrl } from './redact.js';
import { parseRedisUrl } from './redis-url.js';

/** Params carried by every issue this module raises; the loader's explainer reads them. */
export interface FieldIssueParams {
  expected: string;
  /** How the found value reads, when the field says it itself (one that may hold a password). */
  found?: string;
}

type Parse<T> = (value: unknown) => T | undefined;

export interface Field<T> {
  /** Missing or empty means `fallback()`; a function so that arrays and objects are never shared. */
  withDefault(fallback: () => T): z.ZodType<T, unknown>;
  optional(): z.ZodOptional<z.ZodType<T | undefined, unknown>>;
  required(): z.ZodType<T, unknown>;
}

/** `expected` may depend on the value, to say what is wrong with an almost-right one. */
export function field<T>(expected: string | ((value: unknown) => string), parse: Parse<T>, describe?: (value: unknown) => string | undefined): Field<T> {
  const check = (value: unknown, ctx: z.RefinementCtx): T => {
    const parsed = value === undefined || value === null ? undefined : parse(value);
    if (parsed === undefined) {
      const params: FieldIssueParams = { expected: typeof expected === 'string' ? expected : expected(value) };
      const found = describe?.(value);
      if (found !== undefined) params.found = found;
      ctx.addIssue({ code: 'custom', message: `expected ${params.expected}`, params });
      return z.NEVER;
    }
    return parsed;
  };
  return {
    withDefault: (fallback) =>
      z
        .unknown()
        .transform((value, ctx) => (value === undefined || value === null ? fallback() : check(value, ctx)))
        .default(fallback as () => never),
    optional: () =>
      z
        .unknown()
        .transform((value, ctx) => (value === undefined || value === null ? undefined : check(value, ctx)))
        .optional(),
    required: () => z.unknown().transform((value, ctx) => check(value, ctx)),
  };
}

// YAML gives numbers, `${VAR}` gives strings of digits: both are accepted.
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function range(min: number, max: number | undefined): string {
  return max === undefined ? `${min} or more` : `from ${min} to ${max}`;
}

export function integer(min: number, max?: number): Field<number> {
  return field(`an integer ${range(min, max)}`, (value) => {
    const n = toNumber(value);
    return n !== undefined && Number.isInteger(n) && n >= min && (max === undefined || n <= max) ? n : undefined;
  });
}

export function decimal(min: number): Field<number> {
  return field(`a number of ${min} or more`, (value) => {
    const n = toNumber(value);
    return n !== undefined && n >= min ? n : undefined;
  });
}

/** A port, read as the `--port` flag reads it. */
export function port(): Field<number> {
  return field(`an integer ${range(MIN_PORT, MAX_PORT)}`, parsePortNumber);
}

export { MAX_DURATION_MS };

export function duration(options: { positive?: boolean } = {}): Field<number> {
  const forms = 'like 500ms, 10s or 2m, or a number of milliseconds';
  return field(
    (value) => {
      const bare = suspiciousBareNumber(value);
      if (bare !== undefined) return `a duration with a unit (${bareNumberAdvice(bare)})`;
      const ms = parseWrittenDuration(value);
      if (ms !== undefined && ms > MAX_DURATION_MS) return `a duration of at most ${formatDuration(MAX_DURATION_MS)} (the longest timer Node.js allows)`;
      return options.positive ? `a duration greater than 0, ${forms}` : `a duration ${forms}`;
    },
    (value) => {
      const ms = parseWrittenDuration(value);
      if (ms === undefined || ms > MAX_DURATION_MS || (options.positive && ms === 0)) return undefined;
      return ms;
    },
  );
}

export function size(options: { min?: number } = {}): Field<number> {
  const min = options.min ?? 0;
  return field(`a size like 512MB or 1GB, or a number of bytes${min > 0 ? `, at least ${formatSize(min)}` : ''}`, (value) => {
    const bytes = parseSize(value);
    return bytes !== undefined && Number.isSafeInteger(bytes) && bytes >= min ? bytes : undefined;
  });
}

export function oneOf<const T extends string>(values: readonly T[]): Field<T> {
  const expected = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return field(expected, (value) => (values as readonly unknown[]).includes(value) ? (value as T) : undefined);
}

export function text(options: { nonEmpty?: boolean; what?: string } = {}): Field<string> {
  const what = options.what ?? (options.nonEmpty ? 'a non-empty string' : 'a string');
  return field(what, (value) => (typeof value === 'string' && (!options.nonEmpty || value.trim() !== '') ? value : undefined));
}

/** A YAML list of names, or one comma-separated string (what `${QUEUES:-a,b}` gives). */
export function nameList(options: { nonEmpty?: boolean } = {}): Field<string[]> {
  const what = options.nonEmpty ? 'a non-empty list of names' : 'a list of names';
  return field(`${what} (a YAML list, or a comma-separated string)`, (value) => {
    let items: unknown[];
    if (typeof value === 'string') items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    else if (Array.isArray(value)) items = value;
    else return undefined;
    if (!items.every((item): item is string => typeof item === 'string' && item.trim() !== '')) return undefined;
    if (options.nonEmpty && items.length === 0) return undefined;
    return items.map((item) => item.trim());
  });
}

/**
 * The most instances of one component crew runs: 8 per CPU. Each is a Node process of its own;
 * past this a machine spends its time switching between them (a count typed one digit too long
 * once took a 2-core machine to a load of 1900), so a larger count is refused, naming the limit.
 */
export const INSTANCES_PER_CPU = 8;

export function instanceLimit(cpus: number = os.availableParallelism()): { max: number; why: string } {
  const max = INSTANCES_PER_CPU * cpus;
  return { max, why: `${max}, ${INSTANCES_PER_CPU} × this machine's ${cpus} CPU${cpus === 1 ? '' : 's'}` };
}

export function instances(): Field<number> {
  const limit = instanceLimit();
  return field(`an integer from 1 to ${limit.why}`, (value) => {
    const n = toNumber(value);
    return n !== undefined && Number.isInteger(n) && n >= 1 && n <= limit.max ? n : undefined;
  });
}

/** The server's count may also be "max": one instance per CPU. */
export function serverInstances(): Field<number | 'max'> {
  const limit = instanceLimit();
  return field(`an integer from 1 to ${limit.why}, or "max" (one per CPU)`, (value) => {
    if (value === 'max') return 'max';
    const n = toNumber(value);
    return n !== undefined && Number.isInteger(n) && n >= 1 && n <= limit.max ? n : undefined;
  });
}

/**
 * Empty (no Redis), or a Redis URL both of crew's Redis clients read alike (./redis-url.ts).
 * A refused value is shown with everything that may be a password masked.
 */
export function redisUrl(): Field<string> {
  const example = '"" or a Redis URL such as redis://:password@host:6379/0';
  return field(
    (value) => {
      const parsed = typeof value === 'string' ? parseRedisUrl(value) : undefined;
      return parsed && !parsed.ok ? `${example}, but ${parsed.problem}` : example;
    },
    (value) => {
      if (typeof value !== 'string') return undefined;
      const trimmed = value.trim();
      if (trimmed === '') return '';
      return parseRedisUrl(trimmed).ok ? trimmed : undefined;
    },
    (value) => (typeof value === 'string' ? JSON.stringify(redactUrl(value.trim())) : undefined),
  );
}
