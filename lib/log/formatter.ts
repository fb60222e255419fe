// Renders records as text, in one of the stream's two formats, and nothing else: it touches no
// stream and no clock of its own (the caller passes the time), so it is fast to test and to
// benchmark. It never throws on what a child wrote.
//
// - json: one JSON object per line: timestamp, level, message, the child's own fields, and the
//   tags component, instance and pid, which crew sets whatever the child wrote. A child's JSON
//   line keeps the contract of every record (./child-record.ts).
// - pretty: `HH:MM:SS.mmm <tag> | <text>`, the tag padded to the width the supervisor sets and
//   coloured per component when colour is on. A record of several lines (a stack trace) prints
//   each line with the same prefix, so the output stays one tagged line per terminal line.
//   Control characters a child wrote are shown escaped (./visible.ts): nothing a child writes
//   can move the cursor, clear the screen or overwrite the prefix.
//
// A piece of an over-long line (Part CONTINUED) is marked: `"continued":true` in json, a
// trailing ` ⏎` in pretty. The last piece carries no mark.
//
// Relaying is the hot path: a StreamFormat is built once per child stream with its tag text
// encoded in advance and rebuilds the timestamped prefix only when the millisecond changes;
// appendLine() copies a plain line's bytes between that prefix and suffix, and only a line that
// holds a byte the format must rewrite (./byte-scan.ts) is decoded and escaped. A line that is
// a JSON object is decoded and parsed (JSON.parse is what tells a JSON object from text that
// looks like one). A trusted line — one with the child's mark, written by crew's own code — is
// a record that keeps its own timestamp; in json, one that needs nothing but its tags keeps its
// bytes, the tags going in before its closing brace.

import type { ByteBuilder } from './byte-builder.js';
import { ByteScan } from './byte-scan.js';
import { childRecordJson, readChildRecord, type ChildRecord, type TagTexts } from './child-record.js';
import { Palette } from './colors.js';
import type { Level } from '../config/types.js';
import { CONTINUED, WHOLE, type Part } from './line-splitter.js';
import { jsonRecord, prettyChildText, prettyLines, prettyPrefix, prettyText, tagsJson, type Fields } from './record-text.js';
import { isoTime } from './time.js';
import type { Tags } from './tags.js';
import { visible } from './visible.js';

export type LogFormat = 'json' | 'pretty';
export type StreamName = 'stdout' | 'stderr';

export interface FormatterOptions {
  format: LogFormat;
  /** ANSI colours in pretty; the caller decides (a TTY or FORCE_COLOR, and no NO_COLOR). */
  color: boolean;
  /** Pad tags to this many characters (pretty); see tagWidth() in ./tags.ts. */
  tagWidth?: number;
}

/**
 * One child stream's lines, formatted. `trusted`: the line came with the child's mark (crew's
 * own code wrote it, ./own-record-mark.ts), so a record keeps its own timestamp.
 */
export interface StreamFormat {
  /** Appends the record of the line `buf[start, end)` in the stream's format, with its "\n". */
  appendLine(out: ByteBuilder, buf: Buffer, start: number, end: number, part: Part, now: number, trusted?: boolean): void;
  /**
   * Appends a record crew's own code in the child wrote (marked: see ./own-record-mark.ts), in
   * json: a complete record of the contract without tag fields by construction, so its bytes are
   * kept and the tags go in before its closing brace, nothing decoded or parsed. False, and
   * nothing appended, when the line is not even shaped like an object (crew never writes such a
   * line).
   */
  appendOwn(out: ByteBuilder, buf: Buffer, start: number, end: number): boolean;
  /** The record of a line given as text, in the stream's format, ending in "\n". */
  text(line: string, part: Part, now: number, trusted?: boolean): string;
  /** The record as one JSON line without "\n", whatever the stream's format: for files. */
  json(line: string, part: Part, now: number, trusted?: boolean): string;
  /** The record's level: the stream's (stdout info, stderr error) or the JSON record's own. */
  level(line: string, part: Part, trusted?: boolean): string;
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

const STREAM_LEVEL: Record<StreamName, Level> = { stdout: 'info', stderr: 'error' };

interface Shared {
  width: number;
  readonly palette: Palette | undefined;
}

export function createFormatter(options: FormatterOptions): Formatter {
  if (options.format !== 'json' && options.format !== 'pretty') {
    throw new TypeError(`log format must be "json" or "pretty", got ${JSON.stringify(options.format)}`);
  }
  const { format, color } = options;
  const shared: Shared = { width: checkWidth(options.tagWidth ?? 0), palette: color ? new Palette() : undefined };
  return {
    format,
    color,
    get tagWidth() {
      return shared.width;
    },
    setTagWidth(width: number) {
      shared.width = checkWidth(width);
    },
    forStream(tags, stream) {
      return new ChildStreamFormat(tags, stream, format, color, shared);
    },
    record(tags, level, message, fields, now) {
      if (format === 'json') return `${jsonRecord(tags, level, message, fields, now)}\n`;
      return prettyLines(prettyPrefix(tags, shared.palette, shared.width, now), prettyText(level, message, fields, color));
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
  private readonly level0: Level;
  private readonly tagsJson: string;
  private readonly tagTexts: TagTexts;
  private readonly jsonHead: string;
  private readonly jsonTail: string;
  private readonly jsonTailContinued: string;
  private readonly jsonTailBytes: Buffer;
  private readonly jsonTailContinuedBytes: Buffer;
  private readonly tagsCloseBytes: Buffer;
  private readonly continuedBytes = Buffer.from(`${CONTINUED_MARK}\n`);
  private readonly scan: ByteScan;
  private jsonMs = Number.NaN;
  private jsonPrefix = '';
  private jsonPrefixBytes = Buffer.alloc(0);
  private jsonPrefixQuoteBytes = Buffer.alloc(0);
  private prettyMs = Number.NaN;
  private prettyWidth = -1;
  private prettyPrefix = '';
  private prettyPrefixBytes = Buffer.alloc(0);
  // text() and then json() or level() are asked about the same line; read it once.
  private readLine: string | undefined;
  private readTrusted = false;
  private readValue: ChildRecord | undefined;

  constructor(
    private readonly tags: Tags,
    stream: StreamName,
    private readonly format: LogFormat,
    private readonly color: boolean,
    private readonly shared: Shared,
  ) {
    this.level0 = STREAM_LEVEL[stream];
    this.tagsJson = tagsJson(tags);
    this.tagTexts = { component: JSON.stringify(tags.component), instance: String(tags.instance), pid: String(tags.pid) };
    this.jsonHead = `","level":"${this.level0}","message":`;
    this.jsonTail = `,"stream":"${stream}",${this.tagsJson}}`;
    this.jsonTailContinued = `,"stream":"${stream}","continued":true,${this.tagsJson}}`;
    this.jsonTailBytes = Buffer.from(`"${this.jsonTail}\n`);
    this.jsonTailContinuedBytes = Buffer.from(`"${this.jsonTailContinued}\n`);
    this.tagsCloseBytes = Buffer.from(`,${this.tagsJson}}\n`);
    this.scan = new ByteScan(format);
  }

  appendLine(out: ByteBuilder, buf: Buffer, start: number, end: number, part: Part, now: number, trusted = false): void {
    if (part === WHOLE && buf[start] === OPEN_BRACE) {
      out.string(this.text(buf.toString('utf8', start, end), part, now, trusted));
      return;
    }
    const clean = this.scan.clean(buf, start, end);
    if (this.format === 'json') {
      this.stampJson(now);
      if (clean) {
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
    if (!clean) {
      out.string(this.plainPretty(buf.toString('utf8', start, end), part));
      return;
    }
    out.bytes(this.prettyPrefixBytes);
    if (part === CONTINUED) {
      out.bytes(buf, start, end);
      out.bytes(this.continuedBytes);
    } else if (buf[end] === LF) {
      // The line's own "\n" follows it: one copy for both.
      out.bytes(buf, start, end + 1);
    } else {
      out.bytes(buf, start, end);
      out.byte(LF);
    }
  }

  appendOwn(out: ByteBuilder, buf: Buffer, start: number, end: number): boolean {
    let close = end - 1;
    while (close > start && buf[close] !== CLOSE_BRACE) close--;
    if (buf[start] !== OPEN_BRACE || close <= start) return false;
    out.bytes(buf, start, close);
    out.bytes(this.tagsCloseBytes);
    return true;
  }

  text(line: string, part: Part, now: number, trusted = false): string {
    if (this.format === 'json') return `${this.json(line, part, now, trusted)}\n`;
    const record = part === WHOLE ? this.read(line, trusted) : undefined;
    if (record !== undefined) {
      this.stampPretty(record.ownTimestamp === undefined ? now : ownTime(record.ownTimestamp, now));
      return prettyLines(this.prettyPrefix, prettyChildText(record, this.color));
    }
    this.stampPretty(now);
    return this.plainPretty(line, part);
  }

  json(line: string, part: Part, now: number, trusted = false): string {
    const record = part === WHOLE ? this.read(line, trusted) : undefined;
    if (record !== undefined) {
      // A trusted record that needs nothing but its tags keeps its text, as appendOwn() does.
      if (record.ownTimestamp !== undefined && record.intact) return `${line.slice(0, line.lastIndexOf('}'))},${this.tagsJson}}`;
      return childRecordJson(record, isoTime(now), this.tagsJson);
    }
    this.stampJson(now);
    return `${this.jsonPrefix}${JSON.stringify(line)}${part === CONTINUED ? this.jsonTailContinued : this.jsonTail}`;
  }

  level(line: string, part: Part, trusted = false): string {
    const record = part === WHOLE ? this.read(line, trusted) : undefined;
    return record === undefined ? this.level0 : record.level;
  }

  // A plain line (or the lines of a stderr group) in pretty, the prefix stamped already.
  private plainPretty(line: string, part: Part): string {
    const text = visible(line);
    if (part === CONTINUED) return `${this.prettyPrefix}${text}${CONTINUED_MARK}\n`;
    if (text.indexOf('\n') !== -1) return prettyLines(this.prettyPrefix, text);
    return `${this.prettyPrefix}${text}\n`;
  }

  private stampJson(now: number): void {
    if (now === this.jsonMs) return;
    this.jsonMs = now;
    this.jsonPrefix = `{"timestamp":"${isoTime(now)}${this.jsonHead}`;
    this.jsonPrefixBytes = Buffer.from(this.jsonPrefix);
    this.jsonPrefixQuoteBytes = Buffer.from(`${this.jsonPrefix}"`);
  }

  private stampPretty(now: number): void {
    if (now === this.prettyMs && this.shared.width === this.prettyWidth) return;
    this.prettyMs = now;
    this.prettyWidth = this.shared.width;
    this.prettyPrefix = prettyPrefix(this.tags, this.shared.palette, this.prettyWidth, now);
    this.prettyPrefixBytes = Buffer.from(this.prettyPrefix);
  }

  private read(line: string, trusted: boolean): ChildRecord | undefined {
    if (line.charCodeAt(0) !== OPEN_BRACE) return undefined;
    if (line !== this.readLine || trusted !== this.readTrusted) {
      this.readLine = line;
      this.readTrusted = trusted;
      this.readValue = readChildRecord(line, this.level0, this.tagTexts, trusted);
    }
    return this.readValue;
  }
}

// A trusted record's own time, for its pretty prefix; crew's time when it does not read as one.
function ownTime(timestampJson: string, now: number): number {
  const ms = Date.parse(timestampJson.slice(1, -1));
  return Number.isNaN(ms) ? now : ms;
}
