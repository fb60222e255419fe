// Writes the record of one job attempt: one JSON line on the child's stdout, the very form of
// ctx.logger's lines (the primary's relay tags and renders it like any other), at ctx.logger's
// level (npm levels: error 0 … silly 6). It does not go through winston: a worker writes one
// record per job, and winston's stream-and-format pipeline per call would cost the worker a
// third of its throughput on trivial jobs. The records of one turn of the event loop (up to
// FLUSH_BYTES) leave in one write: a busy worker costs itself and the primary's relay one
// syscall per burst of jobs, not one per job. The price: a worker killed outright (SIGKILL)
// may lose the records of its last turn; its jobs are not lost (see the drivers).
import type { Logger } from 'winston';

export interface RunRecord {
  (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void;
  /** Writes what is gathered now: before the process exits. */
  flush(): void;
}

const FLUSH_BYTES = 32 * 1024;

export function createRunRecorder(logger: Pick<Logger, 'level' | 'levels'>, out: NodeJS.WritableStream = process.stdout): RunRecord {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    out.write(text);
  };
  const record = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => {
    // The logger's own threshold, read each time so a change of level is followed.
    const rank = logger.levels[level];
    const threshold = logger.levels[logger.level];
    if (rank === undefined || threshold === undefined || rank > threshold) return;
    // Built by hand: the keys are crew's own, and a generic JSON.stringify of a fresh object
    // costs several times more per record.
    let line = `{"level":"${level}","message":${JSON.stringify(message)}`;
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined) continue;
      line += `,"${key}":${typeof value === 'number' && Number.isFinite(value) ? value : JSON.stringify(value)}`;
    }
    pending += `${line},"timestamp":"${isoNow()}"}\n`;
    if (pending.length >= FLUSH_BYTES) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
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
