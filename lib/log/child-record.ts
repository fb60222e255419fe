// How crew reads a line a child wrote that is a JSON object, and what it makes of it. The
// line's members stay the text the child wrote (./json-members.ts): nothing parsed is turned
// back into text, so no shape, depth or size of a value can make this throw. Every record
// keeps the log stream's contract whatever the child wrote:
//
// - `timestamp` is crew's time of receipt. Only a trusted record (one crew's own code wrote,
//   with the child's mark: the worker's job records, ctx.logger's lines) keeps its own, since
//   it may have waited in a batch for a few milliseconds.
// - `level` is one of crew's levels: the child's own when it is one; else what it means
//   (`WARNING`, `fatal`, pino's 30); else the stream's (stdout info, stderr error).
// - `message` is a string: the child's own when it is one; a JSON text of any other value; a
//   string `msg` (pino, bunyan) when there is no message; else empty.
// - `component`, `instance` and `pid` are crew's tags.
//
// A child's value of one of these fields that does not fit is kept under another name, never
// dropped: `childTimestamp`, `childLevel`, `childMessage`, `childComponent`, `childInstance`,
// `childPid` (a name the line already uses gets another `child` in front). A tag value equal
// to crew's (pino's `pid`) is the same fact, and is not repeated; a `msg` that became the
// message is not repeated either. Other members keep their text and their order, duplicates
// included.

import type { Level } from '../config/types.js';
import { toLevel } from './levels.js';
import { members, memberKey, type Member } from './json-members.js';

/** crew's tags as the JSON text of their values, for comparison with a child's. */
export interface TagTexts {
  component: string;
  instance: string;
  pid: string;
}

/** One member of the record after crew's contract fields, as it goes out. */
export interface Extra {
  /** The key, decoded. */
  key: string;
  /** The key as JSON text: the child's own text, or the new name's. */
  keyJson: string;
  /** The value's JSON text, as the child wrote it. */
  value: string;
  /** Shown by pretty: false for what pretty shows in its own way (time, level, message). */
  shown: boolean;
}

export interface ChildRecord {
  readonly level: Level;
  /** The message as a JSON string (with its quotes). */
  readonly messageJson: string;
  /** The message as pretty shows it: the string, or the JSON text of another value. */
  readonly messageText: string;
  /** A trusted record's own timestamp, as the JSON string it wrote; undefined: crew's time. */
  readonly ownTimestamp: string | undefined;
  /** The members after the contract fields, in the order they go out. */
  readonly extras: readonly Extra[];
  /**
   * The line as written is already this record but for the tags: it has its own timestamp
   * (kept), a fitting level and message, and no tag field or duplicate of a contract field.
   */
  readonly intact: boolean;
}

const CONTRACT = new Set(['timestamp', 'level', 'message', 'component', 'instance', 'pid']);

/** The line as a record, or undefined when it is not a JSON object (then it is plain text). */
export function readChildRecord(line: string, streamLevel: Level, tags: TagTexts, trusted: boolean): ChildRecord | undefined {
  if (!looksLikeObject(line) || !parses(line)) return undefined;
  const found = members(line);
  if (found === undefined) return undefined;
  return new Reader(line, found, tags).read(streamLevel, trusted);
}

function looksLikeObject(line: string): boolean {
  let last = line.length - 1;
  while (last > 0 && isSpace(line.charCodeAt(last))) last--;
  return line.charCodeAt(0) === 123 /* { */ && line.charCodeAt(last) === 125; /* } */
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    // Looking like JSON is not being JSON: such a line is relayed as the plain text it is.
    return false;
  }
}

class Reader {
  private readonly keys: string[];
  /** Index of the last member of each contract key (and of `msg`), -1 when absent. */
  private readonly last = new Map<string, number>();
  private taken: Set<string> | undefined;

  constructor(
    private readonly line: string,
    private readonly found: Member[],
    private readonly tags: TagTexts,
  ) {
    this.keys = found.map((member) => memberKey(line, member));
    this.keys.forEach((key, index) => {
      if (CONTRACT.has(key) || key === 'msg') this.last.set(key, index);
    });
  }

  read(streamLevel: Level, trusted: boolean): ChildRecord {
    const extras: Extra[] = [];
    const at = (key: string): number => this.last.get(key) ?? -1;

    const timestampAt = at('timestamp');
    const ownTimestamp = trusted && timestampAt !== -1 && this.value(timestampAt).charCodeAt(0) === 34 ? this.value(timestampAt) : undefined;

    let level = streamLevel;
    let levelFits = false;
    let levelUnderstood = false;
    const levelAt = at('level');
    if (levelAt !== -1) {
      const raw = this.value(levelAt);
      const value = decodeScalar(raw);
      const meant = toLevel(value);
      if (meant !== undefined) {
        level = meant;
        levelUnderstood = true;
        levelFits = value === meant;
      }
    }

    let messageJson = '""';
    let messageText = '';
    let messageFits = false;
    let msgAt = -1;
    const messageAt = at('message');
    if (messageAt !== -1) {
      const raw = this.value(messageAt);
      if (raw.charCodeAt(0) === 34) {
        messageJson = raw;
        messageText = decodeScalar(raw) as string;
        messageFits = true;
      } else {
        messageJson = JSON.stringify(raw);
        messageText = raw;
      }
    } else if (at('msg') !== -1 && this.value(at('msg')).charCodeAt(0) === 34) {
      msgAt = at('msg');
      messageJson = this.value(msgAt);
      messageText = decodeScalar(messageJson) as string;
    }

    // Whether anything of the contract had to be filled in, moved or dropped.
    let changed = levelAt === -1 || messageAt === -1 || msgAt !== -1;
    for (let index = 0; index < this.found.length; index++) {
      const key = this.keys[index] ?? '';
      if (index === msgAt) continue;
      if (!CONTRACT.has(key)) {
        extras.push({ key, keyJson: this.keyJson(index), value: this.value(index), shown: true });
        continue;
      }
      const isLast = at(key) === index;
      const raw = this.value(index);
      if (isLast && ((key === 'timestamp' && ownTimestamp !== undefined) || (key === 'level' && levelFits) || (key === 'message' && messageFits))) continue;
      changed = true;
      // A tag value equal to crew's is the same fact: not repeated.
      if (Object.hasOwn(this.tags, key) && raw === this.tags[key as keyof TagTexts]) continue;
      // Pretty shows the time, the level and the message in its own way.
      const shown = key === 'timestamp' ? false : key === 'level' ? !(isLast && levelUnderstood) : key === 'message' ? !isLast : true;
      const name = this.rename(key);
      extras.push({ key: name, keyJson: JSON.stringify(name), value: raw, shown });
    }
    const intact = ownTimestamp !== undefined && !changed;
    return { level, messageJson, messageText, ownTimestamp, extras, intact };
  }

  private keyJson(index: number): string {
    const member = this.found[index];
    return member === undefined ? '""' : this.line.slice(member.keyStart, member.keyEnd);
  }

  private value(index: number): string {
    const member = this.found[index];
    return member === undefined ? 'null' : this.line.slice(member.valueStart, member.valueEnd);
  }

  // `childLevel`, or `childChildLevel` when the line already has a `childLevel`, and so on.
  private rename(key: string): string {
    this.taken ??= new Set(this.keys);
    let name = key;
    do name = `child${name.charAt(0).toUpperCase()}${name.slice(1)}`;
    while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }
}

/** A scalar member's value: a string or a number; anything else as its text. */
function decodeScalar(raw: string): unknown {
  const first = raw.charCodeAt(0);
  if (first === 34) return JSON.parse(raw) as string;
  if (first === 45 || (first >= 48 && first <= 57)) return Number(raw);
  return raw;
}

/** The record as one JSON line, without "\n": crew's fields first, the child's, then the tags. */
export function childRecordJson(record: ChildRecord, timestamp: string, tagsJson: string): string {
  let text = `{"timestamp":${record.ownTimestamp ?? `"${timestamp}"`},"level":"${record.level}","message":${record.messageJson}`;
  for (const extra of record.extras) text += `,${extra.keyJson}:${extra.value}`;
  return `${text},${tagsJson}}`;
}
