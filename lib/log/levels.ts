// Level arithmetic for the log stream: winston's npm levels, most severe first. Records from
// children may carry levels crew does not know ("fatal", "trace"); they rank as `error` so that
// no level filter ever drops a record it cannot place.

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
