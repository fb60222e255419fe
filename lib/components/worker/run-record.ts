// Writes the record of one job attempt: one JSON line on the child's stdout at ctx.logger's
// level, through crew's own-record writer (log/own-record-writer.ts): not through winston, in
// batches of at most one pipe write per 20 ms or 32 KiB, with the child's mark, so the
// primary copies it instead of parsing it. The prices, as for every record of that writer: a
// record can follow lines its handler, or a later job's handler, logged in those milliseconds
// (its timestamp says when it happened); a worker killed outright (SIGKILL) may lose its last
// batch; its jobs are not lost (see the drivers).
import type { Logger } from 'winston';
import { createOwnRecordWriter } from '../../log/own-record-writer.js';

export interface RunRecord {
  (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void;
  /** Writes what is gathered now: before the process exits. */
  flush(): void;
}

/** `recordMark`: the child's mark (log/own-record-mark.ts), for a relay that knows it. */
export function createRunRecorder(logger: Pick<Logger, 'level' | 'levels'>, out: NodeJS.WritableStream = process.stdout, recordMark?: string): RunRecord {
  const writer = createOwnRecordWriter(logger, out, recordMark);
  const record = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => writer.write(level, message, fields);
  return Object.assign(record, { flush: writer.flush });
}
