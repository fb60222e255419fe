// Level arithmetic for the log stream: winston's npm levels, most severe first. Every record
// crew writes carries one of them: a child's own level that is not one is read as the closest
// of crew's (`toLevel`), or replaced by the stream's, and kept under another name (see
// ./child-record.ts). levelRank still ranks a name it does not know as `error`, so that no
// level filter ever drops a record it cannot place.

import { LEVELS, type Level } from '../config/types.js';

const RANK = new Map<string, number>(LEVELS.map((level, index) => [level, index]));

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && RANK.has(value);
}

/** 0 for `error` up to 6 for `silly`; unknown levels rank 0. */
export function levelRank(level: unknown): number {
  return typeof level === 'string' ? (RANK.get(level) ?? 0) : 0;
}

/** Whether a record of `level` passes a filter set to `threshold`. */
export function passes(level: unknown, threshold: Level): boolean {
  return levelRank(level) <= levelRank(threshold);
}

// Other loggers' names for crew's levels (syslog, log4j, pino, Python's logging, Go's slog),
// matched without regard to case.
const ALIASES = new Map<string, Level>([
  ...LEVELS.map((level): [string, Level] => [level, level]),
  ['fatal', 'error'],
  ['panic', 'error'],
  ['emerg', 'error'],
  ['emergency', 'error'],
  ['alert', 'error'],
  ['crit', 'error'],
  ['critical', 'error'],
  ['err', 'error'],
  ['warning', 'warn'],
  ['notice', 'info'],
  ['information', 'info'],
  ['informational', 'info'],
  ['trace', 'silly'],
]);

/**
 * The crew level a child's `level` value means, or undefined when it means none: a level name
 * in any case or an alias (`fatal`, `warning`, `trace`…), or a pino/bunyan number (10 trace,
 * 20 debug, 30 info, 40 warn, 50 error, 60 fatal; numbers between read as the level below).
 */
export function toLevel(value: unknown): Level | undefined {
  if (typeof value === 'string') {
    if (RANK.has(value)) return value as Level;
    return value.length <= 16 ? ALIASES.get(value.toLowerCase()) : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 10) {
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    if (value >= 20) return 'debug';
    return 'silly';
  }
  return undefined;
}
