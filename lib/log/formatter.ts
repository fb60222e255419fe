// Renders records as text, in one of the stream's two formats, and nothing else: it touches no
// stream and no clock of its own (the caller passes the time), so it is fast to test and to
// benchmark.
//
// - json: one JSON object per line: timestamp, level, message, the child's own fields, and the
//   tags component, instance and pid, which crew sets whatever the child wrote.
// - pretty: `HH:MM:SS.mmm <tag> | <text>`, the tag padded to the width the supervisor sets and
//   coloured per component when colour is on. A record of several lines (a stack trace) prints
//   each line with the same prefix, so the output stays one tagged line per terminal line.
//
// A piece of an over-long line (Part CONTINUED) is marked: `"continued":true` in json, a
// trailing ` ⏎` in pretty. The last piece carries no mark.
//
// Relaying is the hot path: a StreamFormat is built once per child stream with its tag text
// encoded in advance and rebuilds the timestamped prefix only when the millisecond changes;
// appendLine() copies a plain line's bytes between that prefix and suffix, escaping only the
// lines that need it. A line that is a JSON object is decoded and parsed (JSON.parse is what
// tells a JSON object from text that looks like one). In json, a complete record of the child's
// own, with its timestamp, level and message and no tag field (what ctx.logger and the worker's
// job records write), then keeps its bytes: the tags go in before its closing brace. Any other
// JSON line is rendered as text.

import type { ByteBuilder } from './byte-builder.js';
import { EscapeScanner } from './json-escape.js';
import { CONTINUED, WHOLE, type Part } from './line-splitter.js';
import { jsonRecord, parseJsonObject, prettyLines, prettyPrefix, prettyText, stringOr, tagsJson, type Fields } from './record-text.js';
import { isoTime } from './time.js';
import type { Tags } from './tags.js';

export type LogFormat = 'json' | 'pretty';
export type StreamName = 'stdout' | 'stderr';

export interface FormatterOptions {
  format: LogFormat;
  /** ANSI colours in pretty; the caller decides (a TTY or FORCE_COLOR, and no NO_COLOR). */
  color: boolean;
  /** Pad tags to this many characters (pretty); see tagWidth() in ./tags.ts. */
  tagWidth?: number;
}

/** One child stream's lines, formatted. */
export interface StreamFormat {
  /** Appends the record of the line `buf[start, end)` in the stream's format, with its "\n". */
  appendLine(out: ByteBuilder, buf: Buffer, start: number, end: number, part: Part, now: number): void;
  /**
   * Appends a record crew's own code in the child wrote (marked: see ./own-record-mark.ts), in
   * json: a complete JSON object without tag fields by construction, so its bytes are kept and
   * the tags go in before its closing brace, nothing decoded or parsed. False, and nothing
   * appended, when the line is not even shaped like an object (crew never writes such a line).
   */
  appendOwn(out: ByteBuilder, buf: Buffer, start: number, end: number): boolean;
  /** The record of a line given as text, in the stream's format, ending in "\n". */
  text(line: string, part: Part, now: number): string;
  /** The record as one JSON line without "\n", whatever the stream's format: for files. */
  json(line: string, part: Part, now: number): string;
  /** The record's level: the stream's (stdout info, stderr error) or the JSON line's own. */
  level(line: string, part: Part): string;
}

export interface Formatter {
  readonly format: LogFormat;
  readonly color: boolean;
  readonly tagWidth: number;
  setTagWidth(width: number): void;
  forStream(tags: Tags, stream: StreamName): StreamFormat;
  /** A record of crew's own (or any record built in-process), in the stream's format, ending in "\n". */
  record(tags: Tags, level: string, message: string, fields: Fields | undefined, now: number): string;
  /** The same record as one JSON line without "\n": for files. */
  jsonRecord(tags: Tags, level: string, message: string, fields: Fields | undefined, now: number): string;
}

export const CONTINUED_MARK = ' ⏎';

const STREAM_LEVEL: Record<StreamName, string> = { stdout: 'info', stderr: 'error' };

export function createFormatter(options: FormatterOptions): Formatter {
  if (options.format !== 'json' && options.format !== 'pretty') {
    throw new TypeError(`log format must be "json" or "pretty", got ${JSON.stringify(options.format)}`);
  }
  const state = { width: checkWidth(options.tagWidth ?? 0) };
  const { format, color } = options;
  return {
    format,
    color,
    get tagWidth() {
      return state.width;
    },
    setTagWidth(width: number) {
      state.width = checkWidth(width);
    },
    forStream(tags, stream) {
      return new ChildStreamFormat(tags, stream, format, color, state);
    },
    record(tags, level, message, fields, now) {
      if (format === 'json') return `${jsonRecord(tags, level, message, fields, now)}\n`;
      return prettyLines(prettyPrefix(tags, color, state.width, now), prettyText(level, message, fields, color));
    },
    jsonRecord,
  };
}

function checkWidth(width: number): number {
  if (!Number.isInteger(width) || width < 0 || width > 200) {
    throw new RangeError(`log tag width must be an integer from 0 to 200, got ${width}`);
  }
  return width;
}

const LF = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

class ChildStreamFormat implements StreamFormat {
  private readonly level0: string;
  private readonly tagsJson: string;
  private readonly jsonHead: string;
  private readonly jsonTail: string;
  private readonly jsonTailContinued: string;
  private readonly jsonTailBytes: Buffer;
  private readonly jsonTailContinuedBytes: Buffer;
  private readonly tagsCloseBytes: Buffer;
  private readonly continuedBytes = Buffer.from(`${CONTINUED_MARK}\n`);
  private readonly escapes = new EscapeScanner();
  private jsonMs = Number.NaN;
  private jsonPrefix = '';
  private jsonPrefixBytes = Buffer.alloc(0);
  private jsonPrefixQuoteBytes = Buffer.alloc(0);
  private prettyMs = Number.NaN;
  private prettyWidth = -1;
  private prettyPrefix = '';
  private prettyPrefixBytes = Buffer.alloc(0);
  // text() and then json() or level() are asked about the same line; parse it once.
  private parsedLine: string | undefined;
  private parsedValue: Fields | undefined;

  constructor(
    private readonly tags: Tags,
    stream: StreamName,
    private readonly format: LogFormat,
    private readonly color: boolean,
    private readonly state: { width: number },
  ) {
    this.level0 = STREAM_LEVEL[stream];
    this.tagsJson = tagsJson(tags);
    this.jsonHead = `","level":"${this.level0}","message":`;
    this.jsonTail = `,"stream":"${stream}",${this.tagsJson}}`;
    this.jsonTailContinued = `,"stream":"${stream}","continued":true,${this.tagsJson}}`;
    this.jsonTailBytes = Buffer.from(`"${this.jsonTail}\n`);
    this.jsonTailContinuedBytes = Buffer.from(`"${this.jsonTailContinued}\n`);
    this.tagsCloseBytes = Buffer.from(`,${this.tagsJson}}\n`);
  }

  appendLine(out: ByteBuilder, buf: Buffer, start: number, end: number, part: Part, now: number): void {
    if (part === WHOLE && buf[start] === OPEN_BRACE) {
      const line = buf.toString('utf8', start, end);
      if (this.format === 'json' && this.appendOwnRecord(out, buf, start, end, line)) return;
      out.string(this.text(line, part, now));
      return;
    }
    if (this.format === 'json') {
      this.stampJson(now);
      if (this.escapes.clean(buf, start, end)) {
        out.bytes(this.jsonPrefixQuoteBytes);
        out.bytes(buf, start, end);
      } else {
        out.bytes(this.jsonPrefixBytes);
        out.string(JSON.stringify(buf.toString('utf8', start, end)).slice(0, -1));
      }
      out.bytes(part === CONTINUED ? this.jsonTailContinuedBytes : this.jsonTailBytes);
      return;
    }
    this.stampPretty(now);
    out.bytes(this.prettyPrefixBytes);
    out.bytes(buf, start, end);
    if (part === CONTINUED) out.bytes(this.continuedBytes);
    else out.byte(LF);
  }

  appendOwn(out: ByteBuilder, buf: Buffer, start: number, end: number): boolean {
    let close = end - 1;
    while (close > start && buf[close] !== CLOSE_BRACE) close--;
    if (buf[start] !== OPEN_BRACE || close <= start) return false;
    out.bytes(buf, start, close);
    out.bytes(this.tagsCloseBytes);
    return true;
  }

  // The bytes of a complete record are copied, the tags spliced in before its closing brace:
  // the same record retag() makes of its text, without building and encoding a string. Bytes
  // that are not UTF-8 were decoded to U+FFFD, and are left to retag() so that what goes out is
  // UTF-8 (a line that really holds U+FFFD takes that way too, to the same result).
  private appendOwnRecord(out: ByteBuilder, buf: Buffer, start: number, end: number, line: string): boolean {
    const record = this.parse(line);
    if (record === undefined || !isOwnRecord(record) || line.indexOf('\uFFFD') !== -1) return false;
    // parse() accepted the line, so its last byte but trailing spaces, tabs and CRs is the brace.
    let close = end - 1;
    while (close > start && buf[close] !== CLOSE_BRACE) close--;
    out.bytes(buf, start, close);
    out.bytes(this.tagsCloseBytes);
    return true;
  }

  text(line: string, part: Part, now: number): string {
    if (this.format === 'json') return `${this.json(line, part, now)}\n`;
    this.stampPretty(now);
    const record = part === WHOLE ? this.parse(line) : undefined;
    if (record !== undefined) {
      return prettyLines(this.prettyPrefix, prettyText(stringOr(record.level, this.level0), record.message, record, this.color));
    }
    if (part === CONTINUED) return `${this.prettyPrefix}${line}${CONTINUED_MARK}\n`;
    if (line.indexOf('\n') !== -1) return prettyLines(this.prettyPrefix, line);
    return `${this.prettyPrefix}${line}\n`;
  }

  json(line: string, part: Part, now: number): string {
    this.stampJson(now);
    const record = part === WHOLE ? this.parse(line) : undefined;
    if (record !== undefined) return this.retag(line, record, now);
    return `${this.jsonPrefix}${JSON.stringify(line)}${part === CONTINUED ? this.jsonTailContinued : this.jsonTail}`;
  }

  private stampJson(now: number): void {
    if (now === this.jsonMs) return;
    this.jsonMs = now;
    this.jsonPrefix = `{"timestamp":"${isoTime(now)}${this.jsonHead}`;
    this.jsonPrefixBytes = Buffer.from(this.jsonPrefix);
    this.jsonPrefixQuoteBytes = Buffer.from(`${this.jsonPrefix}"`);
  }

  private stampPretty(now: number): void {
    if (now === this.prettyMs && this.state.width === this.prettyWidth) return;
    this.prettyMs = now;
    this.prettyWidth = this.state.width;
    this.prettyPrefix = prettyPrefix(this.tags, this.color, this.prettyWidth, now);
    this.prettyPrefixBytes = Buffer.from(this.prettyPrefix);
  }

  level(line: string, part: Part): string {
    const record = part === WHOLE ? this.parse(line) : undefined;
    return record === undefined ? this.level0 : stringOr(record.level, this.level0);
  }

  private parse(line: string): Fields | undefined {
    if (line.charCodeAt(0) !== 123 /* { */) return undefined;
    if (line !== this.parsedLine) {
      this.parsedLine = line;
      this.parsedValue = parseJsonObject(line);
    }
    return this.parsedValue;
  }

  // A JSON line keeps its own text: a complete record gets the tags before its closing brace,
  // one missing a field gets what is missing and the tags in front; it is re-serialised only
  // when the child wrote tag fields of its own, which crew overrides.
  private retag(line: string, record: Fields, now: number): string {
    if (isOwnRecord(record)) return `${line.slice(0, line.lastIndexOf('}'))},${this.tagsJson}}`;
    if (Object.hasOwn(record, 'component') || Object.hasOwn(record, 'instance') || Object.hasOwn(record, 'pid')) {
      const { component, instance, pid } = this.tags;
      return JSON.stringify({ timestamp: isoTime(now), level: this.level0, message: '', ...record, component, instance, pid });
    }
    let head = '{';
    if (!Object.hasOwn(record, 'timestamp')) head += `"timestamp":"${isoTime(now)}",`;
    if (!Object.hasOwn(record, 'level')) head += `"level":"${this.level0}",`;
    if (!Object.hasOwn(record, 'message')) head += '"message":"",';
    head += this.tagsJson;
    if (Object.keys(record).length === 0) return `${head}}`;
    const close = line.lastIndexOf('}');
    return `${head},${line.slice(1, close + 1)}`;
  }
}

// A record that needs nothing from crew but its tags: it has the fields every record has, of
// the types they have, and none of the fields crew sets (which would be overridden).
function isOwnRecord(record: Fields): boolean {
  return (
    typeof record.timestamp === 'string' &&
    typeof record.level === 'string' &&
    typeof record.message === 'string' &&
    !Object.hasOwn(record, 'component') &&
    !Object.hasOwn(record, 'instance') &&
    !Object.hasOwn(record, 'pid')
  );
}
