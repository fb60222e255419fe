// The single writer of the log stream. Everything that reaches crew's stdout passes through
// one Output, as complete "\n"-terminated lines, so records from different children can never
// interleave inside a line. It promises:
//
// - Backpressure, not buffering: write() returns false while stdout (or a log file) is behind,
//   and 'drain' is emitted when all of them caught up; callers pause their sources meanwhile.
// - A failed stdout (EPIPE when the reader went away) neither crashes crew nor loops: the
//   failure is reported once on stderr, later stdout text is discarded, write() keeps returning
//   true so the children's pipes keep draining, and log files go on receiving their lines.
// - Extra outputs from config (`log.transports`) are log files (./file-sink.ts), fed one batch
//   of JSON lines per write, not one call per line; a failing file is given up, not waited for.
// - flush() resolves when all text written so far has been handed to the OS, close() when the
//   log files are complete as well.

import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type { FileTransportConfig } from '../config/types.js';
import { FileSink } from './file-sink.js';

/** The records of one write as JSON lines, each ending in "\n", and their levels: for log files. */
export interface FileBatch {
  readonly text: string;
  readonly levels: readonly string[];
}

export interface OutputOptions {
  /** Where a failure of the stream or of a log file is reported; process.stderr by default. */
  stderr?: Writable;
  /** Log files that receive every record as a JSON line, whatever the stream's format. */
  transports?: readonly FileTransportConfig[];
  /** A log file that takes no lines for this long is given up; 10 s by default. */
  fileStallMs?: number;
}

export class Output extends EventEmitter {
  private readonly stream: Writable;
  private readonly stderr: Writable;
  private readonly files: FileSink[];
  private broken = false;
  private waitingDrain = false;
  private owesDrain = false;
  private pendingWrites = 0;
  private flushWaiters: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  /** `stream` is where the log stream goes: crew's stdout. */
  constructor(stream: Writable = process.stdout, options: OutputOptions = {}) {
    super();
    // Every paused child stream waits for 'drain'; there is one listener per stream relayed.
    this.setMaxListeners(0);
    this.stream = stream;
    this.stderr = options.stderr ?? process.stderr;
    this.stream.on('error', this.onStreamError);
    this.files = (options.transports ?? []).map(
      (config) => new FileSink(config, { onSettled: () => this.settle(), onFailed: (notice) => this.report(notice), stallMs: options.fileStallMs }),
    );
  }

  /** Whether writes should carry a FileBatch: there are log files to feed. */
  get hasTransports(): boolean {
    return this.files.length > 0;
  }

  /** Whether a write was refused and 'drain' has not come yet: the relays are holding children back. */
  get behind(): boolean {
    return this.owesDrain;
  }

  /** Whether the stream has failed and its text is being discarded. */
  get discarding(): boolean {
    return this.broken;
  }

  /**
   * Writes complete lines (`text` ends in "\n") and hands `batch` to the log files. Returns
   * false when the caller should stop producing until 'drain'. `written` is called once
   * `text` is no longer needed: handed to the OS, or discarded.
   */
  write(text: string | Uint8Array, batch?: FileBatch, written?: () => void): boolean {
    let ok = true;
    if (!this.broken && text.length > 0) {
      this.pendingWrites++;
      const callback = written === undefined ? this.onWritten : (err?: Error | null) => {
        this.onWritten(err);
        written();
      };
      try {
        if (!this.stream.write(text, callback)) ok = this.awaitDrain();
      } catch (err) {
        this.pendingWrites--;
        this.onStreamError(err as Error);
        written?.();
      }
    } else {
      written?.();
    }
    if (batch !== undefined && batch.levels.length > 0) {
      for (const file of this.files) {
        if (!file.add(batch.text, batch.levels)) ok = false;
      }
    }
    if (!ok) this.owesDrain = true;
    return ok;
  }

  /** Resolves when everything written so far has been handed to the OS (or discarded). */
  flush(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Flushes, then ends the log files; the stream itself is left open (it is not ours). */
  close(): Promise<void> {
    this.closing ??= this.flush().then(() => Promise.all(this.files.map((file) => file.end())).then(() => undefined));
    return this.closing;
  }

  /** Reports `text` (a line ending in "\n") on stderr: a notice about the stream itself. */
  notice(text: string): void {
    this.report(text);
  }

  private awaitDrain(): boolean {
    if (!this.waitingDrain) {
      this.waitingDrain = true;
      this.stream.once('drain', this.onDrain);
    }
    return false;
  }

  // A destroyed stream (a child's stdin whose process exited, say) fails writes through their
  // callback only, without an 'error' event: both roads lead to onStreamError.
  private readonly onWritten = (err?: Error | null): void => {
    if (err) {
      this.onStreamError(err);
      return;
    }
    if (this.broken) return;
    this.pendingWrites--;
    this.settle();
  };

  private readonly onDrain = (): void => {
    this.waitingDrain = false;
    this.settle();
  };

  private readonly onStreamError = (err: Error): void => {
    if (this.broken) return; // reported once already; the stream stays discarded
    this.broken = true;
    this.pendingWrites = 0;
    if (this.waitingDrain) {
      this.waitingDrain = false;
      this.stream.removeListener('drain', this.onDrain);
    }
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    this.report(`crew: stdout is closed (${code}); log output is discarded from now on\n`);
    this.settle();
  };

  // Emits 'drain' once nothing holds writers back, and resolves flushes once nothing is pending.
  private settle(): void {
    if (this.owesDrain && !this.waitingDrain && this.files.every((file) => file.idle)) {
      this.owesDrain = false;
      this.emit('drain');
    }
    if (this.flushWaiters.length > 0 && this.idle()) {
      const waiters = this.flushWaiters;
      this.flushWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private idle(): boolean {
    return (this.broken || this.pendingWrites === 0) && this.files.every((file) => file.idle);
  }

  private report(text: string): void {
    if (this.stderr.listenerCount('error') === 0) {
      // With stdout and stderr both gone there is nowhere left to report to; an unhandled
      // stderr error would crash crew, which is worse than the lost notice.
      this.stderr.on('error', () => undefined);
    }
    this.stderr.write(text);
  }
}
