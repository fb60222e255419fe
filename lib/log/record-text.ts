// How a single record reads: the pretty prefix and text of a record, a child's JSON record in
// pretty, and the JSON of a record built in-process (crew's own). Pure functions of their
// arguments; formatter.ts puts them together per stream. None of them throws, whatever a
// record holds: a value that cannot be serialised says so in its place, and every piece of text
// a child or a client may have written is shown through visible() in pretty.

import type { ChildRecord } from './child-record.js';
import { DIM, paint, type Palette, levelColor } from './colors.js';
import { clockTime, isoTime } from './time.js';
import { tagText, type Tags } from './tags.js';
import { visible, visibleInline } from './visible.js';

export type Fields = Record<string, unknown>;

// Fields that pretty shows in its own way or not at all (the tag already names the source).
const PRETTY_OMIT = new Set(['timestamp', 'level', 'message', 'stack', 'component', 'instance', 'pid']);
const CONTRACT = new Set(['timestamp', 'level', 'message', 'component', 'instance', 'pid']);

export function tagsJson(tags: Tags): string {
  return `"component":${JSON.stringify(tags.component)},"instance":${tags.instance},"pid":${tags.pid}`;
}

/** A record built in-process as one JSON line, without "\n"; never throws. */
export function jsonRecord(tags: Tags, level: string, message: string, fields: Fields | undefined, now: number): string {
  const head = `{"timestamp":"${isoTime(now)}","level":${JSON.stringify(String(level))},"message":${JSON.stringify(typeof message === 'string' ? message : (safeStringify(message) ?? ''))}`;
  let body = '';
  const all = entries(fields);
  for (const [key, value] of all) {
    if (value === undefined) continue;
    const text = safeStringify(value);
    // A field named like one of the record's own is kept under another name, as a child's is.
    if (text !== undefined) body += `,${JSON.stringify(CONTRACT.has(key) ? aside(key, all) : key)}:${text}`;
  }
  return `${head}${body},${tagsJson(tags)}}`;
}

// `childPid` for a field `pid`, or `childChildPid` when `childPid` is a field too.
function aside(key: string, all: Array<[string, unknown]>): string {
  let name = key;
  do name = `child${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  while (all.some(([other]) => other === name));
  return name;
}

/** `HH:MM:SS.mmm <tag> | `, the tag padded to `width`, coloured by `palette` when colour is on. */
export function prettyPrefix(tags: Tags, palette: Palette | undefined, width: number, now: number): string {
  const tag = `${tagText(tags).padEnd(width)} |`;
  if (palette === undefined) return `${clockTime(now)} ${tag} `;
  return `${paint(DIM, clockTime(now))} ${paint(palette.of(tags.component), tag)} `;
}

/** Each line of `text` after the prefix: a record of several lines stays tagged on each. */
export function prettyLines(prefix: string, text: string): string {
  return `${prefix}${text.indexOf('\n') === -1 ? text : text.replaceAll('\n', `\n${prefix}`)}\n`;
}

function levelWord(level: string, color: boolean): string {
  if (level === 'info') return '';
  const code = color ? levelColor(level) : undefined;
  const word = visibleInline(level);
  return `${code === undefined ? word : paint(code, word)}: `;
}

function withFields(text: string, fields: string, stack: string | undefined, color: boolean): string {
  if (fields.length > 0) text += color ? paint(DIM, fields) : fields;
  if (stack !== undefined && stack.length > 0) text += `\n${visible(stack)}`;
  return text;
}

// `warn: message key=value …` and the stack, if any, on the lines below.
export function prettyText(level: string, message: unknown, fields: Fields | undefined, color: boolean): string {
  const text = `${levelWord(level, color)}${visible(typeof message === 'string' ? message : message === undefined ? '' : (safeStringify(message) ?? ''))}`;
  let shown = '';
  let stack: unknown;
  for (const [key, value] of entries(fields)) {
    if (key === 'stack') stack = value;
    if (PRETTY_OMIT.has(key) || value === undefined) continue;
    if (value instanceof Error) stack ??= value.stack;
    shown += ` ${visibleInline(key)}=${prettyValue(value)}`;
  }
  return withFields(text, shown, typeof stack === 'string' ? stack : undefined, color);
}

/** A child's JSON record in pretty: its level, message, the fields pretty shows, and its stack. */
export function prettyChildText(record: ChildRecord, color: boolean): string {
  const text = `${levelWord(record.level, color)}${visible(record.messageText)}`;
  let shown = '';
  let stack: string | undefined;
  for (const extra of record.extras) {
    if (!extra.shown) continue;
    if (extra.key === 'stack' && stack === undefined && extra.value.charCodeAt(0) === 34) {
      stack = JSON.parse(extra.value) as string;
      continue;
    }
    shown += ` ${visibleInline(extra.key)}=${prettyJson(extra.value)}`;
  }
  return withFields(text, shown, stack, color);
}

// A value's JSON text as pretty shows it: a plain word without its quotes.
function prettyJson(raw: string): string {
  if (raw.charCodeAt(0) === 34 && raw.length > 2 && /^"[^\s"=\\]+"$/.test(raw)) return visibleInline(raw.slice(1, -1));
  return visibleInline(raw);
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return visibleInline(value.length > 0 && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value));
  if (value instanceof Error) return visibleInline(JSON.stringify(String(value.message)));
  return visibleInline(safeStringify(value) ?? 'undefined');
}

// The own enumerable entries of `fields`; a getter that throws, or a Proxy that refuses, gives
// an entry saying so instead of failing the record.
function entries(fields: Fields | undefined): Array<[string, unknown]> {
  if (fields === undefined || fields === null || typeof fields !== 'object') return [];
  let keys: string[];
  try {
    keys = Object.keys(fields);
  } catch (err) {
    return [['unreadable', describeFailure(err)]];
  }
  return keys.map((key): [string, unknown] => {
    try {
      return [key, fields[key]];
    } catch (err) {
      return [key, `[unreadable: ${describeFailure(err)}]`];
    }
  });
}

function describeFailure(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    // An error whose message cannot even be read: nothing more can be said about it.
    return 'unknown error';
  }
}

// Errors keep their message and stack (JSON.stringify would give `{}`), bigints their digits;
// a value that cannot be serialised (a cycle, a depth that overflows the stack, a throwing
// toJSON) says so in its place instead of losing the record. undefined: nothing to write.
export function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, replacer);
  } catch (err) {
    return JSON.stringify(`[unserializable: ${describeFailure(err)}]`);
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    return { ...value, name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}
