// Turns a child's output chunks into whole lines. A line ends with "\n", "\r\n", or a lone
// "\r": a progress bar that redraws itself with "\r" and never writes "\n" gives one line per
// redraw instead of being held until the child's exit (a "\r" that ends an empty line, as the
// one that starts a redraw after a "\n" does, gives none). A chunk may end anywhere: in the
// middle of a line, between "\r" and "\n" (the "\r" ends the line at once, and a "\n" that
// starts the next chunk completes it), inside a multi-byte UTF-8 character; the splitter keeps
// the partial tail until more data or the end of the stream, so every line comes out whole and
// exactly once. A line longer than the limit is cut into pieces of at most the limit (in
// bytes, never inside a UTF-8 character) that concatenate to the original: nothing is dropped,
// and a child that never ends a line cannot make the primary buffer without bound.
//
// Lines are handed out as byte ranges of the chunk they arrived in, so relaying a line needs
// no decoding. What the splitter keeps past a push (the partial last line) is a copy, so a
// chunk's buffer may be read into again once push() returns. Every line handed out is valid
// UTF-8 (invalid bytes become U+FFFD, as a string decoder would make them), so a formatter may
// copy its bytes as they are.

import { isUtf8 } from 'node:buffer';

/** How a piece of text relates to the line it came from. */
export type Part = 0 | 1 | 2;
/** A whole line, as the child wrote it (it may be a JSON record). */
export const WHOLE: Part = 0;
/** A piece of an over-long line, more of it follows: marked as continued. */
export const CONTINUED: Part = 1;
/** Plain text that is not marked: the last piece of an over-long line, or grouped lines. */
export const PLAIN: Part = 2;

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** Receives the line `buf[start, end)` (without its "\n", "\r\n" or "\r"). */
export type LineSink = (buf: Buffer, start: number, end: number, part: Part) => void;

const LF = 10;
const CR = 13;
const NO_CR = 0;
const EMITTED = 1;
const EMPTY_PENDING = 2;
const NOTHING = Buffer.alloc(0);

export class LineSplitter {
  readonly maxLineBytes: number;
  private tail: Buffer | undefined;
  // Pieces of the current line have been emitted; what ends it is its last piece.
  private splitting = false;
  // The last chunk ended with "\r", which ended a line: a "\n" first in the next completes
  // it. EMPTY_PENDING: the line it ended was empty, and is a line only if that "\n" comes.
  private afterCR: 0 | 1 | 2 = NO_CR;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 4) {
      throw new RangeError(`log line limit must be an integer of at least 4 bytes (one UTF-8 character), got ${maxLineBytes}`);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Feeds a chunk; calls `sink` for every line it completes, in order. */
  push(chunk: Buffer, sink: LineSink): void {
    if (this.afterCR !== NO_CR) {
      if (chunk[0] === LF) {
        if (this.afterCR === EMPTY_PENDING) sink(NOTHING, 0, 0, WHOLE);
        chunk = chunk.subarray(1);
      }
      this.afterCR = NO_CR;
    }
    if (chunk.length === 0) return;
    // Most output has no "\r" at all: one memchr per chunk keeps it on the way of "\n" alone.
    if (chunk.indexOf(CR) !== -1) {
      this.pushWithCR(chunk, sink);
      return;
    }
    let from = 0;
    if (this.tail !== undefined) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.tail = Buffer.concat([this.tail, chunk]);
        this.cutTail(sink);
        return;
      }
      const first = Buffer.concat([this.tail, chunk.subarray(0, nl + 1)]);
      this.tail = undefined;
      this.emitLines(first, 0, first.length, sink);
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= from) {
      this.emitLines(chunk, from, last + 1, sink);
      from = last + 1;
    }
    if (from < chunk.length) {
      this.tail = Buffer.from(chunk.subarray(from));
      if (this.tail.length > this.maxLineBytes) this.cutTail(sink);
    }
  }

  /** The stream ended: a last line without "\n" is still a line. */
  end(sink: LineSink): void {
    const tail = this.tail;
    this.tail = undefined;
    this.afterCR = NO_CR;
    if (tail === undefined) {
      if (this.splitting) this.emitLong(Buffer.alloc(0), 0, 0, sink);
      return;
    }
    const clean = valid(tail, 0, tail.length);
    if (clean.length > 0 || this.splitting) this.emitLong(clean, 0, clean.length, sink);
  }

  // The way of a chunk that holds a "\r": each "\n", "\r\n" or lone "\r" ends a line.
  private pushWithCR(chunk: Buffer, sink: LineSink): void {
    let buf = chunk;
    if (this.tail !== undefined) {
      buf = Buffer.concat([this.tail, chunk]);
      this.tail = undefined;
    }
    // Up to the last line end: whole lines; after it, the tail.
    let end = Math.max(buf.lastIndexOf(LF), buf.lastIndexOf(CR)) + 1;
    if (!isUtf8(buf.subarray(0, end))) {
      // Decoding replaces bad bytes with U+FFFD (never a "\r" or "\n"): the line ends stay.
      const head = Buffer.from(buf.toString('utf8', 0, end));
      buf = Buffer.concat([head, buf.subarray(end)]);
      end = head.length;
    }
    let at = 0;
    let nextLF = -1;
    let nextCR = -1;
    while (at < end) {
      if (nextLF < at) nextLF = indexOr(buf, LF, at, end);
      if (nextCR < at) nextCR = indexOr(buf, CR, at, end);
      if (nextLF === end && nextCR === end) break; // cannot be: buf[end - 1] ends a line
      if (nextLF < nextCR) {
        this.emitLine(buf, at, nextLF, sink);
        at = nextLF + 1;
        continue;
      }
      const cr = nextCR;
      if (buf[cr + 1] === LF) {
        this.emitLine(buf, at, cr, sink);
        at = cr + 2;
        continue;
      }
      // A lone "\r" (one that is the last byte there is may yet be half of a "\r\n").
      if (cr > at || this.splitting) {
        this.emitLine(buf, at, cr, sink);
        if (cr + 1 === buf.length) this.afterCR = EMITTED;
      } else if (cr + 1 === buf.length) {
        this.afterCR = EMPTY_PENDING;
      }
      at = cr + 1;
    }
    if (end < buf.length) {
      this.tail = Buffer.from(buf.subarray(end));
      if (this.tail.length > this.maxLineBytes) this.cutTail(sink);
    }
  }

  private emitLine(buf: Buffer, start: number, end: number, sink: LineSink): void {
    if (end - start > this.maxLineBytes || this.splitting) this.emitLong(buf, start, end, sink);
    else sink(buf, start, end, WHOLE);
  }

  // `buf[start, end)` is one or more complete lines, the last ending in "\n".
  private emitLines(buf: Buffer, start: number, end: number, sink: LineSink): void {
    if (!isUtf8(buf.subarray(start, end))) {
      buf = Buffer.from(buf.toString('utf8', start, end));
      start = 0;
      end = buf.length;
    }
    const max = this.maxLineBytes;
    let at = start;
    while (at < end) {
      const nl = buf.indexOf(LF, at);
      const stop = nl > at && buf[nl - 1] === CR ? nl - 1 : nl;
      if (stop - at > max || this.splitting) this.emitLong(buf, at, stop, sink);
      else sink(buf, at, stop, WHOLE);
      at = nl + 1;
    }
  }

  private emitLong(buf: Buffer, start: number, end: number, sink: LineSink): void {
    let from = start;
    while (end - from > this.maxLineBytes) {
      const cut = charBoundary(buf, from, from + this.maxLineBytes);
      sink(buf, from, cut, CONTINUED);
      this.splitting = true;
      from = cut;
    }
    sink(buf, from, end, this.splitting ? PLAIN : WHOLE);
    this.splitting = false;
  }

  // The tail is a line still being written; once it exceeds the limit its front is emitted as
  // continued pieces. At least one byte stays behind, so the line's last piece is never empty.
  // (A tail holds no "\r": that would have ended the line.)
  private cutTail(sink: LineSink): void {
    const tail = this.tail;
    if (tail === undefined) return;
    let from = 0;
    while (tail.length - from > this.maxLineBytes) {
      const cut = charBoundary(tail, from, from + this.maxLineBytes);
      const piece = valid(tail, from, cut);
      sink(piece, 0, piece.length, CONTINUED);
      this.splitting = true;
      from = cut;
    }
    if (from > 0) this.tail = Buffer.from(tail.subarray(from));
  }
}

// The last UTF-8 character boundary at or before `at` (and after `from`): a cut there leaves
// no character in halves.
function charBoundary(buf: Buffer, from: number, at: number): number {
  let cut = at;
  while (cut > from && ((buf[cut] ?? 0) & 0xc0) === 0x80) cut--;
  // Only invalid input has no boundary within the last bytes; cut it where it is.
  return cut === from || at - cut > 3 ? at : cut;
}

// The first `byte` in `buf[from, end)`, or `end` when there is none.
function indexOr(buf: Buffer, byte: number, from: number, end: number): number {
  const at = buf.indexOf(byte, from);
  return at === -1 || at >= end ? end : at;
}

function valid(buf: Buffer, start: number, end: number): Buffer {
  const piece = buf.subarray(start, end);
  return isUtf8(piece) ? piece : Buffer.from(piece.toString('utf8'));
}
