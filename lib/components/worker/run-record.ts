// Writes the record of one job attempt: one JSON line on the child's stdout, the very form of
// ctx.logger's lines (the primary's relay tags and renders it like any other), at ctx.logger's
// level (npm levels: error 0 … silly 6). It does not go through winston: a worker writes one
// record per job, and winston's stream-and-format pipeline per call would cost the worker a
// third of its throughput on trivial jobs. Records leave in batches: at the end of the turn of
// the event loop that made them, but no sooner than FLUSH_GAP_MS after the previous write
// (or at FLUSH_BYTES). An idle worker's record is written at once; a busy worker costs itself
// and the primary's relay one pipe write per 20 ms or 32 KiB, not one per job or per turn
// (each write also wakes the primary, on cores the queue's Redis shares). The prices: a record
// can follow lines its handler, or a later job's handler, logged in those milliseconds (its
// timestamp says when it happened); a worker killed outright (SIGKILL) may lose its last
// batch; its jobs are not lost (see the drivers).
import type { Logger } from 'winston';
import { markPrefix } from '../../log/own-record-mark.js';

export interface RunRecord {
  (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void;
  /** Writes what is gathered now: before the process exits. */
  flush(): void;
}

const FLUSH_BYTES = 32 * 1024;
const FLUSH_GAP_MS = 20;

/** `recordMark`: the child's mark (log/own-record-mark.ts), for a relay that knows it. */
export function createRunRecorder(logger: Pick<Logger, 'level' | 'levels'>, out: NodeJS.WritableStream = process.stdout, recordMark?: string): RunRecord {
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
  const record = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => {
    // The logger's own threshold, read each time so a change of level is followed.
    const rank = logger.levels[level];
    const threshold = logger.levels[logger.level];
    if (rank === undefined || threshold === undefined || rank > threshold) return;
    // Built by hand: the keys are crew's own, and a generic JSON.stringify of a fresh object
    // costs several times more per record.
    let line = `${lineStart}${level}","message":${JSON.stringify(message)}`;
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined) continue;
      line += `,"${key}":${typeof value === 'number' && Number.isFinite(value) ? value : JSON.stringify(value)}`;
    }
    pending += `${line},"timestamp":"${isoNow()}"}\n`;
    if (pending.length >= FLUSH_BYTES) flush();
    else if (!cancel) schedule();
  };
  return Object.assign(record, { flush });
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
