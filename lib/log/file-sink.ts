// One log file from config (`log.transports: [{ type: file, filename, level? }]`), written by
// a winston File transport but fed one batch of JSON lines per call, never one call per line.
// It promises:
//
// - At most one call outstanding in the transport: batches that arrive meanwhile are joined
//   and sent together when it returns, so a busy file costs neither listeners nor calls.
// - Records above the file's level are left out of the batch.
// - A file that fails (winston reports an error) or stops taking lines for `stallMs` (winston
//   never reports a failed write to a directory, say, and would hold everything back) is
//   reported once and given up, so a broken log file never stops the log stream.

import type TransportStream from 'winston-transport';
import { createRequire } from 'node:module';

// winston is loaded only when config asks for a log file: the primary otherwise never needs it.
const require = createRequire(import.meta.url);
import type { FileTransportConfig } from '../config/types.js';
import { levelRank } from './levels.js';

const MESSAGE = Symbol.for('message');
const LEVEL = Symbol.for('level');

export const DEFAULT_STALL_MS = 10_000;

export interface FileSinkOptions {
  /** Called when the file has caught up (or failed): writers held back may go on. */
  onSettled: () => void;
  /** Called once, with the text of the failure, when the file is given up. */
  onFailed: (notice: string) => void;
  stallMs?: number;
}

export class FileSink {
  readonly filename: string;
  private readonly transport: TransportStream;
  private readonly rank: number;
  private readonly stallMs: number;
  private busy = false;
  private queued = '';
  private stallTimer: NodeJS.Timeout | undefined;
  private failedFlag = false;

  constructor(
    config: FileTransportConfig,
    private readonly options: FileSinkOptions,
  ) {
    this.filename = config.filename;
    this.rank = levelRank(config.level ?? 'silly');
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    try {
      const winston = require('winston') as typeof import('winston');
      this.transport = new winston.transports.File({ filename: config.filename, level: config.level, eol: '\n' });
    } catch (err) {
      throw new Error(`log file ${config.filename} (log.transports) cannot be opened: ${(err as Error).message}; fix the path or its permissions`, { cause: err });
    }
    this.transport.on('error', (err: Error) => this.fail(`failed (${(err as NodeJS.ErrnoException).code ?? err.message})`));
  }

  get failed(): boolean {
    return this.failedFlag;
  }

  /** Nothing is waiting to be handed to the transport. */
  get idle(): boolean {
    return this.failedFlag || (!this.busy && this.queued.length === 0);
  }

  /**
   * Adds the lines of `text` (JSON lines, each ending in "\n", one level per line) that pass
   * the file's level. Returns false while the file is behind.
   */
  add(text: string, levels: readonly string[]): boolean {
    if (this.failedFlag) return true;
    if (levels.some((level) => levelRank(level) > this.rank)) text = this.filter(text, levels);
    if (text.length === 0) return this.idle;
    if (this.busy) {
      this.queued += text;
      return false;
    }
    this.send(text);
    return !this.busy;
  }

  /** Ends the file; resolves when its last line is on disk (or the file has failed). */
  end(): Promise<void> {
    if (this.failedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.transport.once('finish', () => resolve());
      this.transport.once('error', () => resolve());
      this.transport.end();
    });
  }

  private filter(text: string, levels: readonly string[]): string {
    const lines = text.split('\n');
    let kept = '';
    for (let i = 0; i < levels.length; i++) {
      if (levelRank(levels[i]) <= this.rank) kept += `${lines[i]}\n`;
    }
    return kept;
  }

  private send(text: string): void {
    this.busy = true;
    // Not unref'd: close() promises to settle, and it may be all that is left to wait for.
    this.stallTimer ??= setTimeout(() => this.fail(`stopped taking lines for ${this.stallMs} ms (is the path a directory, or the disk full?)`), this.stallMs);
    // The transport appends its own end of line to the message.
    const info = { level: 'info', message: '', [LEVEL]: 'info', [MESSAGE]: text.slice(0, -1) };
    this.transport.log?.(info, () => {
      if (this.failedFlag) return;
      this.busy = false;
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
      if (this.queued.length > 0) {
        const next = this.queued;
        this.queued = '';
        this.send(next);
      }
      if (!this.busy) this.options.onSettled();
    });
  }

  private fail(what: string): void {
    if (this.failedFlag) return; // reported once already; the file gets nothing more
    this.failedFlag = true;
    this.queued = '';
    clearTimeout(this.stallTimer);
    this.options.onFailed(`crew: log file ${this.filename} ${what}; it receives no more log lines\n`);
    this.options.onSettled();
  }
}
