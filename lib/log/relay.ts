// Relays one child process's stdout and stderr into the Output, one relay per child process
// (a restarted child is a new process with a new pid, and gets a new relay). It promises:
//
// - Every line arrives whole, once, in order per stream; a last line without "\n" is flushed
//   when the stream ends, and the returned promise resolves only after both streams ended and
//   all their lines went to the Output, so a child's last words precede the record of its exit.
// - One Output.write per chunk read, not per line: a flood costs a few syscalls per 64 KiB.
//   A child's pipe is read into a buffer of the relay's own (./own-read-buffer.ts): no buffer
//   is made per read, and what outlives a read (a partial line, a held stderr line) is copied.
// - Backpressure: when the Output says it is behind, the stream is paused (the child then
//   blocks on its full pipe) and resumed on 'drain'; nothing is buffered without bound.
// - A stack trace on stderr stays one record: a stderr line is held back briefly, and the
//   lines that follow it and look like its continuation (indented, empty, or a closing
//   bracket) join it. It is released by the next line that does not continue it, by the end
//   of the stream, or after `groupIdleMs` without more stderr, so nothing waits for long.
// - Nothing a child writes stops it: the formatter is built never to throw on any line, and
//   should a line still fail to render (a bug), the line is relayed as escaped plain text,
//   the failure reported once on stderr, and the stream goes on.

import type { Readable } from 'node:stream';
import { ByteBuilder } from './byte-builder.js';
import { CONTINUED, DEFAULT_MAX_LINE_BYTES, LineSplitter, PLAIN, WHOLE, type Part } from './line-splitter.js';
import type { Formatter, StreamFormat, StreamName } from './formatter.js';
import type { Output } from './output.js';
import { tagText, type Tags } from './tags.js';
import { markPrefix, RECORD_SEPARATOR } from './own-record-mark.js';
import { clockTime, isoTime } from './time.js';
import { visible } from './visible.js';
import { readIntoOwnBuffer } from './own-read-buffer.js';

export interface RelayOptions {
  stdout: Readable | null;
  stderr: Readable | null;
  tags: Tags;
  formatter: Formatter;
  output: Output;
  /** Lines longer than this many bytes are split into marked pieces; 64 KiB by default. */
  maxLineLength?: number;
  /** How long a held-back stderr line waits for continuation lines; 10 ms by default. */
  groupIdleMs?: number;
  /** The child's mark on crew's own records on its stdout (./own-record-mark.ts). */
  recordMark?: string;
  /** Counts the lines read from both streams (crew_log_lines_total): one increment a line, nothing more. */
  lineCount?: LineCount;
}

/** A count of lines relayed, shared by a child's two streams. */
export interface LineCount {
  lines: number;
}

export const DEFAULT_GROUP_IDLE_MS = 10;

export function relayChild(options: RelayOptions): Promise<void> {
  const streams: Array<[Readable, StreamName]> = [];
  if (options.stdout) streams.push([options.stdout, 'stdout']);
  if (options.stderr) streams.push([options.stderr, 'stderr']);
  return Promise.all(streams.map(([stream, name]) => new StreamRelay(stream, name, options).done)).then(() => undefined);
}

const EMPTY = Buffer.alloc(0);

class StreamRelay {
  readonly done: Promise<void>;
  private readonly format: StreamFormat;
  private readonly output: Output;
  private readonly splitter: LineSplitter;
  private readonly out = new ByteBuilder();
  private readonly group: boolean;
  private readonly groupIdleMs: number;
  private readonly maxGroup: number;
  private readonly jsonText: boolean;
  private readonly name: StreamName;
  private readonly tags: Tags;
  private readonly count: LineCount;
  private failureReported = false;
  /** `RS token`, on stdout when the child has a mark; empty otherwise. */
  private readonly mark: Buffer;
  private now = 0;
  // Records for log files, as JSON lines, when the Output has any.
  private fileText = '';
  private levels: string[] = [];
  // The held-back stderr line, `heldBuf[heldStart, heldEnd)`, and the lines that joined it.
  private heldBuf: Buffer = EMPTY;
  private heldStart = -1;
  private heldEnd = -1;
  private heldMore: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private ended = false;
  private finish!: () => void;
  private readonly stream: Readable;

  constructor(stream: Readable, name: StreamName, options: RelayOptions) {
    this.name = name;
    this.tags = options.tags;
    this.count = options.lineCount ?? { lines: 0 };
    this.format = options.formatter.forStream(options.tags, name);
    this.jsonText = options.formatter.format === 'json';
    this.mark = name === 'stdout' && options.recordMark !== undefined ? Buffer.from(markPrefix(options.recordMark)) : EMPTY;
    this.output = options.output;
    this.splitter = new LineSplitter(options.maxLineLength ?? DEFAULT_MAX_LINE_BYTES);
    this.maxGroup = this.splitter.maxLineBytes;
    this.group = name === 'stderr';
    this.groupIdleMs = options.groupIdleMs ?? DEFAULT_GROUP_IDLE_MS;
    this.done = new Promise((resolve) => (this.finish = resolve));
    const own = readIntoOwnBuffer(stream, this.onOwnRead);
    this.stream = own?.socket ?? stream;
    if (own === undefined) this.stream.on('data', this.onData);
    this.stream.once('end', this.onEnd);
    // A destroyed stream may close without 'end'; what it delivered is still relayed.
    this.stream.once('close', this.onEnd);
    this.stream.on('error', this.onError);
    for (const chunk of own?.early ?? []) this.onData(chunk);
  }

  // A read into the own buffer: relayed before the buffer is read into again.
  private readonly onOwnRead = (bytes: Buffer): boolean => {
    this.onData(bytes);
    return !this.paused;
  };

  private readonly onData = (chunk: Buffer | string): void => {
    this.now = Date.now();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, this.sink);
    if (this.heldStart !== -1) this.timer = setTimeout(this.onIdle, this.groupIdleMs);
    this.commit();
  };

  private readonly onEnd = (): void => {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.stream.removeListener('data', this.onData);
    this.now = Date.now();
    this.splitter.end(this.sink);
    this.release();
    this.commit();
    this.finish();
  };

  // A child's pipe failing (rare: the fd was closed under it) ends what can be read of it;
  // that is all there is to relay, so the relay finishes with what it has.
  private readonly onError = (): void => {
    this.onEnd();
  };

  private readonly onIdle = (): void => {
    this.timer = undefined;
    this.now = Date.now();
    this.release();
    this.commit();
  };

  private readonly sink = (buf: Buffer, start: number, end: number, part: Part): void => {
    if (part !== CONTINUED) this.count.lines++;
    const mark = this.out.length;
    const files = this.fileText.length;
    const levels = this.levels.length;
    try {
      this.route(buf, start, end, part);
    } catch (err) {
      // Only a bug can get here: what was appended of this line is taken back, and the line
      // goes out as the plainest record there is.
      this.out.rewind(mark);
      this.fileText = this.fileText.slice(0, files);
      this.levels.length = levels;
      this.fallback(buf.toString('utf8', start, end), err);
    }
  };

  private route(buf: Buffer, start: number, end: number, part: Part): void {
    if (!this.group) {
      if (this.mark.length > 0 && buf[start] === RECORD_SEPARATOR && this.marked(buf, start, end)) {
        start += this.mark.length;
        // A whole one is a record crew wrote: copied, never parsed. The first piece of an
        // over-long one is only rid of its mark.
        if (part === WHOLE && this.jsonText && !this.output.hasTransports && this.format.appendOwn(this.out, buf, start, end)) return;
        this.add(buf, start, end, part, part === WHOLE);
        return;
      }
      this.add(buf, start, end, part);
      return;
    }
    if (part === WHOLE && this.heldStart !== -1 && continues(buf, start, end)) {
      const more = this.heldMore ?? '';
      if (this.heldEnd - this.heldStart + more.length + 1 + end - start <= this.maxGroup) {
        this.heldMore = `${more}\n${buf.toString('utf8', start, end)}`;
        return;
      }
    }
    this.release();
    // A JSON record stands alone; any other whole line may be the head of a stack trace.
    if (part === WHOLE && buf[start] !== 0x7b /* { */) {
      // Held past this read: a copy, as the read's buffer is read into again.
      this.heldBuf = Buffer.from(buf.subarray(start, end));
      this.heldStart = 0;
      this.heldEnd = end - start;
    } else {
      this.add(buf, start, end, part);
    }
  }

  private fallback(line: string, err: unknown): void {
    const { component, instance, pid } = this.tags;
    const level = this.name === 'stderr' ? 'error' : 'info';
    const json = JSON.stringify({ timestamp: isoTime(this.now), level, message: line, stream: this.name, component, instance, pid });
    this.out.string(this.jsonText ? `${json}\n` : `${clockTime(this.now)} ${tagText(this.tags)} | ${visible(line)}\n`);
    if (this.output.hasTransports) {
      this.fileText += `${json}\n`;
      this.levels.push(level);
    }
    if (!this.failureReported) {
      this.failureReported = true;
      const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.output.notice(`crew: a line of ${tagText(this.tags)} could not be formatted (${what}); it was relayed as plain text. This is a bug in crew: please report it with the line.\n`);
    }
  }

  // Compared in JavaScript: the mark is 9 bytes, and a call of Buffer.compare per record (into
  // C++, with its argument checks) cost more than the loop.
  private marked(buf: Buffer, start: number, end: number): boolean {
    const mark = this.mark;
    if (end - start < mark.length) return false;
    for (let i = 0; i < mark.length; i++) if (buf[start + i] !== mark[i]) return false;
    return true;
  }

  private release(): void {
    if (this.heldStart === -1) return;
    const { heldBuf, heldStart, heldEnd, heldMore } = this;
    this.heldBuf = EMPTY;
    this.heldStart = this.heldEnd = -1;
    this.heldMore = undefined;
    if (heldMore === undefined) this.add(heldBuf, heldStart, heldEnd, PLAIN);
    else this.addText(heldBuf.toString('utf8', heldStart, heldEnd) + heldMore, PLAIN);
  }

  // `trusted`: a whole line that came with the child's mark.
  private add(buf: Buffer, start: number, end: number, part: Part, trusted = false): void {
    if (this.output.hasTransports) this.addText(buf.toString('utf8', start, end), part, trusted);
    else this.format.appendLine(this.out, buf, start, end, part, this.now, trusted);
  }

  private addText(line: string, part: Part, trusted = false): void {
    if (!this.output.hasTransports) {
      this.out.string(this.format.text(line, part, this.now, trusted));
      return;
    }
    const json = this.format.json(line, part, this.now, trusted);
    const text = this.jsonText ? `${json}\n` : this.format.text(line, part, this.now, trusted);
    const level = this.format.level(line, part, trusted);
    this.out.string(text);
    this.fileText += `${json}\n`;
    this.levels.push(level);
  }

  private commit(): void {
    if (this.out.length === 0 && this.levels.length === 0) return;
    const batch = this.levels.length > 0 ? { text: this.fileText, levels: this.levels } : undefined;
    if (batch !== undefined) {
      this.fileText = '';
      this.levels = [];
    }
    const bytes = this.out.take();
    if (!this.output.write(bytes, batch, () => this.out.release(bytes)) && !this.paused && !this.ended) {
      this.paused = true;
      this.stream.pause();
      this.output.once('drain', this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.paused = false;
    if (!this.ended) this.stream.resume();
  };
}

// Indented lines (`    at f (file.js:1:2)`), empty lines and closing brackets of an
// inspected object continue the stderr record before them.
function continues(buf: Buffer, start: number, end: number): boolean {
  if (start === end) return true;
  const first = buf[start];
  return first === 32 || first === 9 || first === 125 /* } */ || first === 93; /* ] */
}
