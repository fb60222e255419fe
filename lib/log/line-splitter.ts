// Turns a child's output chunks into whole lines. A chunk may end anywhere: in the middle of a
// line, between `\r` and `\n`, inside a multi-byte UTF-8 character; the splitter keeps the
// partial tail until more data or the end of the stream, so every line comes out whole and
// exactly once. A line longer than the limit is cut into pieces of at most the limit (in
// bytes, never inside a UTF-8 character) that concatenate to the original: nothing is dropped,
// and a child that never writes "\n" cannot make the primary buffer without bound.
//
// Lines are handed out as byte ranges of the chunk they arrived in, so relaying a line needs
// no decoding; every line handed out is valid UTF-8 (invalid bytes become U+FFFD, as a string
// decoder would make them), so a formatter may copy its bytes as they are.

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

/** Receives the line `buf[start, end)` (without its "\n" or "\r\n"). */
export type LineSink = (buf: Buffer, start: number, end: number, part: Part) => void;

const LF = 10;
const CR = 13;

export class LineSplitter {
  readonly maxLineBytes: number;
  private tail: Buffer | undefined;
  // Pieces of the current line have been emitted; what ends it is its last piece.
  private splitting = false;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 4) {
      throw new RangeError(`log line limit must be an integer of at least 4 bytes (one UTF-8 character), got ${maxLineBytes}`);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Feeds a chunk; calls `sink` for every line it completes, in order. */
  push(chunk: Buffer, sink: LineSink): void {
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
      this.tail = chunk.subarray(from);
      if (this.tail.length > this.maxLineBytes) this.cutTail(sink);
    }
  }

  /** The stream ended: a last line without "\n" is still a line. */
  end(sink: LineSink): void {
    const tail = this.tail;
    this.tail = undefined;
    if (tail === undefined) {
      if (this.splitting) this.emitLong(Buffer.alloc(0), 0, 0, sink);
      return;
    }
    const clean = valid(tail, 0, tail.length);
    const end = clean[clean.length - 1] === CR ? clean.length - 1 : clean.length;
    if (end > 0 || this.splitting) this.emitLong(clean, 0, end, sink);
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
  // continued pieces. A trailing "\r" stays behind, since a "\n" may be about to pair with it,
  // and so does at least one byte more, so the line's last piece is never empty.
  private cutTail(sink: LineSink): void {
    const tail = this.tail;
    if (tail === undefined) return;
    const body = tail[tail.length - 1] === CR ? tail.length - 1 : tail.length;
    let from = 0;
    while (body - from > this.maxLineBytes) {
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

function valid(buf: Buffer, start: number, end: number): Buffer {
  const piece = buf.subarray(start, end);
  return isUtf8(piece) ? piece : Buffer.from(piece.toString('utf8'));
}
