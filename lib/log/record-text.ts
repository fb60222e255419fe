// How a single record reads: the pretty text of a record (message, level, fields, stack),
// the JSON of a record built in-process, and whether a child's line is a JSON object. Pure
// functions of their arguments; formatter.ts puts them together per stream.

import { componentColor, levelColor, paint } from './colors.js';
import { clockTime, isoTime } from './time.js';
import { tagText, type Tags } from './tags.js';

export type Fields = Record<string, unknown>;

// Fields that pretty shows in its own way or not at all (the tag already names the source).
const PRETTY_OMIT = new Set(['timestamp', 'level', 'message', 'stack', 'component', 'instance', 'pid']);

/** The line as a JSON object, or undefined when it is not one (then it is plain text). */
export function parseJsonObject(line: string): Fields | undefined {
  let last = line.length - 1;
  while (last > 0 && isSpace(line.charCodeAt(last))) last--;
  if (line.charCodeAt(0) !== 123 || line.charCodeAt(last) !== 125 /* } */) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
  } catch {
    // Looking like JSON is not being JSON: such a line is relayed as the plain text it is.
    return undefined;
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

export function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

export function tagsJson(tags: Tags): string {
  return `"component":${JSON.stringify(tags.component)},"instance":${tags.instance},"pid":${tags.pid}`;
}

export function jsonRecord(tags: Tags, level: string, message: string, fields: Fields | undefined, now: number): string {
  const head = `{"timestamp":"${isoTime(now)}","level":${JSON.stringify(level)},"message":${JSON.stringify(message)}`;
  let body = '';
  if (fields !== undefined) {
    const own: Fields = {};
    for (const key of Object.keys(fields)) {
      if (key !== 'timestamp' && key !== 'level' && key !== 'message' && key !== 'component' && key !== 'instance' && key !== 'pid') {
        own[key] = fields[key];
      }
    }
    const text = safeStringify(own);
    if (text.length > 2) body = `,${text.slice(1, -1)}`;
  }
  return `${head}${body},${tagsJson(tags)}}`;
}

export function prettyPrefix(tags: Tags, color: boolean, width: number, now: number): string {
  const tag = tagText(tags).padEnd(width);
  return `${clockTime(now)} ${color ? paint(componentColor(tags.component), `${tag} |`) : `${tag} |`} `;
}

export function prettyLines(prefix: string, text: string): string {
  return `${prefix}${text.indexOf('\n') === -1 ? text : text.replaceAll('\n', `\n${prefix}`)}\n`;
}

// `warn: message key=value …` and the stack, if any, on the lines below.
export function prettyText(level: string, message: unknown, fields: Fields | undefined, color: boolean): string {
  let text = typeof message === 'string' ? message : message === undefined ? '' : safeStringify(message);
  if (level !== 'info') {
    const code = color ? levelColor(level) : undefined;
    text = `${code === undefined ? level : paint(code, level)}: ${text}`;
  }
  if (fields === undefined) return text;
  for (const key of Object.keys(fields)) {
    if (PRETTY_OMIT.has(key)) continue;
    const value = fields[key];
    if (value === undefined) continue;
    text += ` ${key}=${prettyValue(value)}`;
  }
  const stack = fields.stack ?? stackOfError(fields);
  if (typeof stack === 'string' && stack.length > 0) text += `\n${stack}`;
  return text;
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 0 && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  return safeStringify(value);
}

function stackOfError(fields: Fields): unknown {
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value instanceof Error) return value.stack;
  }
  return undefined;
}

// Errors keep their message and stack (JSON.stringify would give `{}`), bigints their digits;
// a value that cannot be serialised at all (a cycle) says so instead of losing the record.
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, replacer) ?? 'undefined';
  } catch (err) {
    return JSON.stringify({ unserializable: (err as Error).message });
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    return { ...value, name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}
