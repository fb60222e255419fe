// Parsers for crew's flag values. Each throws a UsageError naming the flag, the value and what
// it expects, so `crew start --server lots` says exactly what is wrong.
import { LEVELS, type Level } from '../lib/config/types.js';
import { bareNumberAdvice, formatDuration, parseWrittenDuration, suspiciousBareNumber } from '../lib/config/duration.js';
import { MAX_DURATION_MS, MAX_PORT, MIN_PORT, parsePortNumber } from '../lib/config/limits.js';
import { instanceLimit } from '../lib/config/fields.js';
import { UsageError } from '../lib/util/usage-error.js';

/**
 * `--server` / `--server 3` / `--server max`. yargs hands `true` for the bare flag, and a number
 * for anything numeric (`1e3` arrives as 1000). A count above 8 per CPU is refused, naming the limit.
 */
export function parseCount(flag: string, allowMax: boolean, limit = instanceLimit()) {
  return (value: unknown): number | 'max' | true | undefined => {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last === undefined || last === true || last === '') return last === undefined ? undefined : true;
    if (last === false) return undefined;
    if (allowMax && last === 'max') return 'max';
    const n = typeof last === 'number' ? last : /^\d+$/.test(String(last)) ? Number(last) : NaN;
    if (!Number.isInteger(n) || n < 1) {
      throw new UsageError(`--${flag}: expected a number of instances of at least 1${allowMax ? ' or `max`' : ''}, found "${String(last)}"`);
    }
    if (n > limit.max) throw new UsageError(`--${flag}: ${String(last)} instances is more than crew runs on this machine: at most ${limit.why}`);
    return n;
  };
}

/** `--component NAME` / `--component NAME=N`, repeatable. */
export function parseComponents(value: unknown): Array<{ name: string; instances?: number }> {
  const items = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  return items.flatMap((item) => item.split(',')).map((item) => {
    const match = /^([A-Za-z][\w-]*)(?:=(\d+))?$/.exec(item.trim());
    if (!match || !match[1]) throw new UsageError(`--component: expected NAME or NAME=N, found "${item}"`);
    const instances = match[2] === undefined ? undefined : Number(match[2]);
    if (instances !== undefined && instances < 1) throw new UsageError(`--component ${match[1]}: instances must be at least 1, found ${instances}`);
    const limit = instanceLimit();
    if (instances !== undefined && instances > limit.max) throw new UsageError(`--component ${match[1]}: ${match[2]} instances is more than crew runs on this machine: at most ${limit.why}`);
    return instances === undefined ? { name: match[1] } : { name: match[1], instances };
  });
}

export interface LogLevels {
  level?: Level;
  levels: Record<string, Level>;
}

/** `--log-level debug` and `--log-level worker=debug`, repeatable. */
export function parseLogLevels(value: unknown): LogLevels {
  const items = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  const result: LogLevels = { levels: {} };
  for (const item of items) {
    const [left, right] = item.includes('=') ? item.split('=', 2) : [undefined, item];
    const level = right as Level;
    if (!LEVELS.includes(level)) throw new UsageError(`--log-level: expected LEVEL or COMPONENT=LEVEL with LEVEL one of ${LEVELS.join(', ')}, found "${item}"`);
    if (left === undefined) result.level = level;
    else if (left) result.levels[left] = level;
    else throw new UsageError(`--log-level: missing component before "=" in "${item}"`);
  }
  return result;
}

/** `--grace 8s`. A bare number below 100 is refused: `--grace 5` would be 5 ms, and kill every child at once. */
export function parseGrace(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const last = Array.isArray(value) ? value.at(-1) : value;
  const bare = suspiciousBareNumber(last);
  if (bare !== undefined) throw new UsageError(`--grace ${String(last)}: ${bareNumberAdvice(bare)}`);
  const ms = parseWrittenDuration(last);
  if (ms === undefined || ms > MAX_DURATION_MS) {
    throw new UsageError(`--grace: expected a duration such as 500ms, 10s or 2m (at most ${formatDuration(MAX_DURATION_MS)}), found "${String(last)}"`);
  }
  return ms;
}

/**
 * `--port 8080`: 1 to 65535, as config's server.port. Port 0 (any free port) is refused: every
 * server instance, and every replacement a reload starts, must share one known port.
 */
export function parsePort(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const last: unknown = Array.isArray(value) ? value.at(-1) : value;
  const port = parsePortNumber(last);
  if (port === undefined) throw new UsageError(`--port: expected a port number from ${MIN_PORT} to ${MAX_PORT}, found "${String(last)}"`);
  return port;
}

export function parseQueues(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError('--queues: expected a comma-separated list of job names, found nothing');
  return items;
}
