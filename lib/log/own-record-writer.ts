// Writes the records crew's own code in a child makes many of — a worker's record of each job
// run, a server's record of each request — as JSON lines on the child's stdout, in the very
// form of ctx.logger's lines (the primary's relay tags and renders them like any other), at
// ctx.logger's level (npm levels: error 0 … silly 6), with the child's mark
// (./own-record-mark.ts) so the relay copies them instead of parsing them.
//
// Why not winston: its stream-and-format pipeline costs several microseconds per call, and it
// formats a record before any transport looks at its level, so even a record switched off by
// the level costs the full price. A server at tens of thousands of requests a second, or a
// worker on trivial jobs, would spend a third of its time there.
//
// Records leave in batches: at the end of the turn of the event loop that made them, but no
// sooner than FLUSH_GAP_MS after the previous write (or at once when FLUSH_BYTES are
// gathered). An idle child's record is written at once; a busy child costs itself and the
// primary's relay one pipe write per 20 ms or 32 KiB, not one per record or per turn (each
// write also wakes the primary, on cores the child and its clients share).
//
// Promises:
// - Each record is one whole line, written once, and records leave in the order they were
//   made. The price of batching: a record can follow lines the app wrote through its own
//   logger in the same few milliseconds; its timestamp, taken when it was made, says when it
//   happened.
// - A record made is written before the process exits by any way that runs JavaScript: the
//   event loop running dry, process.exit(), an uncaught exception or unhandled rejection (Node
//   emits 'exit' for all of these; every writer flushes there, and stdout on a pipe or a file
//   is written synchronously). Only a kill that runs no code at all (SIGKILL, an abort) can
//   lose the records of the last batch window; flush() at once where that matters (a server
//   that is draining toward its deadline does).
import type { Logger } from 'winston';
import { markPrefix } from './own-record-mark.js';

export type OwnRecordLevel = 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';

/** Values of a record's fields: numbers and strings are what crew's records hold. */
export type OwnRecordFields = Record<string, unknown>;

export interface OwnRecordWriter {
  /** Whether a record at `level` passes the logger's level now (read each time, so a change of level is followed). */
  enabled(level: OwnRecordLevel): boolean;
  /** Makes the record, timestamped now, and gathers it for the next write; nothing when its level is off. */
  write(level: OwnRecordLevel, message: string, fields: OwnRecordFields): void;
  /**
   * The same for a record whose JSON members after `level` the caller built itself, from
   * `,"message":` on: for a hot path with fixed keys. Nothing checks them: they must be valid
   * JSON members, as JSON.stringify makes them, with no key of crew's tags.
   */
  writeJson(level: OwnRecordLevel, members: string): void;
  /** Writes what is gathered now. */
  flush(): void;
}

export const FLUSH_BYTES = 32 * 1024;
export const FLUSH_GAP_MS = 20;

/** The writers that may hold records, flushed when the process exits. */
const live = new Set<() => void>();
let exitHooked = false;

/**
 * `logger`: whose level decides (ctx.logger). `out`: the child's stdout. `recordMark`: the
 * child's mark, for a relay that knows it; without one the lines are plain JSON records.
 */
export function createOwnRecordWriter(logger: Pick<Logger, 'level' | 'levels'>, out: NodeJS.WritableStream = process.stdout, recordMark?: string): OwnRecordWriter {
  const lineStart = `${recordMark === undefined ? '' : markPrefix(recordMark)}{"level":"`;
  let pending = '';
  /** Cancels the flush that is scheduled, when one is. */
  let cancel: (() => void) | undefined;
  let lastWrite = 0;

  const flush = () => {
    cancel?.();
    cancel = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    lastWrite = performance.now();
    out.write(text);
  };
  const schedule = () => {
    const wait = lastWrite + FLUSH_GAP_MS - performance.now();
    if (wait > 0) {
      const timer = setTimeout(flush, wait);
      cancel = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(flush);
      cancel = () => clearImmediate(immediate);
    }
  };
  const enabled = (level: OwnRecordLevel) => {
    const rank = logger.levels[level];
    const threshold = logger.levels[logger.level];
    return rank !== undefined && threshold !== undefined && rank <= threshold;
  };
  const write = (level: OwnRecordLevel, message: string, fields: OwnRecordFields) => {
    if (!enabled(level)) return;
    // Built by hand: the keys are crew's own, and a generic JSON.stringify of a fresh object
    // costs several times more per record.
    let line = `${lineStart}${level}","message":${JSON.stringify(message)}`;
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined) continue;
      line += `,"${key}":${typeof value === 'number' && Number.isFinite(value) ? value : JSON.stringify(value)}`;
    }
    gather(`${line},"timestamp":"${isoNow()}"}\n`);
  };
  const writeJson = (level: OwnRecordLevel, members: string) => {
    if (enabled(level)) gather(`${lineStart}${level}"${members},"timestamp":"${isoNow()}"}\n`);
  };
  const gather = (line: string) => {
    pending += line;
    if (pending.length >= FLUSH_BYTES) flush();
    else if (!cancel) schedule();
  };

  live.add(flush);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flushAll);
  }
  return { enabled, write, writeJson, flush };
}

function flushAll(): void {
  for (const flush of live) {
    try {
      flush();
    } catch (error) {
      // The process is on its way out and stdout is what failed: stderr is all that is left.
      process.stderr.write(`crew: could not write the last records on exit: ${(error as Error).message}\n`);
    }
  }
}

// A burst of records falls within a millisecond or two: format each millisecond once.
let isoMs = 0;
let isoText = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}
