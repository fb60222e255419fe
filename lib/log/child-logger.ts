// The logger that user code inside a child gets as `ctx.logger`: winston, writing one JSON
// object per line to the child's stdout. The primary's relay re-tags each line with the
// child's component, instance and pid and renders it in the stream's format, so the logger
// need not know whether the stream is json or pretty.
//
// Its lines are records of the log stream's contract by construction: `timestamp` (the time of
// the call), `level` (one of crew's), `message` (a string: any other value becomes its JSON
// text and is kept as `childMessage`), no tag field (a `component`, `instance` or `pid` of the
// caller's, or a `timestamp`, is kept under the `child…` name, as the relay would keep it:
// ./child-record.ts). So, given the child's mark (`recordMark`, ./own-record-mark.ts), a line
// goes out marked: the relay trusts it, keeps its timestamp (a line may wait in a full pipe),
// and in json copies it without parsing. A line whose shape the caller changed
// (`logger.format = …`) is not marked: the relay reads it as any other line.
//
// Errors keep their stack: `logger.error(err)`, `logger.error('x', err)` and an Error anywhere
// among the top-level fields (`logger.warn('x', { err })`) all come out with message and stack.
// A value that cannot be serialised (a throwing toJSON, a nesting past MAX_DEPTH) never makes a
// call throw: it is written as a note in its place.

import type { Writable } from 'node:stream';
import winston from 'winston';
import type TransportStream from 'winston-transport';
import type { Level } from '../config/types.js';
import { isLevel, toLevel } from './levels.js';
import { markPrefix } from './own-record-mark.js';

export interface ChildLoggerOptions {
  level: Level;
  defaultMeta?: Record<string, unknown>;
  /** process.stdout by default: the pipe the primary relays. */
  stream?: Writable;
  /** The child's mark: lines shaped by this logger go out with it. */
  recordMark?: string;
}

const MESSAGE = Symbol.for('message');
// The line this logger's own format made of a record; the transport marks only that one.
const SHAPED = Symbol('crew.shaped');
// Deeper values are written as "[Object]" / "[Array]" rather than overflowing the stack.
const MAX_DEPTH = 200;
const TAGS = ['component', 'instance', 'pid'] as const;

type Info = Record<string | symbol, unknown>;

// JSON.stringify turns an Error into `{}`; a record's Error fields become plain objects.
const errorFields = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value: unknown = info[key];
    if (value instanceof Error) {
      info[key] = { ...value, name: value.name, message: value.message, stack: value.stack };
    }
  }
  return info;
});

const SPLAT = Symbol.for('splat');
const FORMAT_TOKEN = /%[scdjifoO%]/;

// winston reads a message with `%s`, `%d`, … in it as a format string, and then keeps the call's
// fields only for a splat format, which this logger has not: `logger.error(`failed: ${text}`,
// { requestId })` would lose its fields whenever the text holds a `%`. They are put back as
// winston puts them for any other message (its message and stack too, for an Error).
const keptFields = winston.format((info) => {
  const record = info as Info;
  // Most messages hold no `%` at all: the cheapest test first.
  if (typeof record.message !== 'string' || !record.message.includes('%')) return info;
  const splat = record[SPLAT];
  const fields: unknown = Array.isArray(splat) ? splat[0] : undefined;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return info;
  const given = fields as Record<string, unknown>;
  const extra = typeof given.message === 'string' && given.message !== '' ? ` ${given.message}` : '';
  // winston has merged the fields itself when the call's own message had no token.
  const own = extra !== '' && record.message.endsWith(extra) ? record.message.slice(0, -extra.length) : record.message;
  if (!FORMAT_TOKEN.test(own)) return info;
  for (const key of Object.keys(given)) if (key !== 'level' && key !== 'message' && !Object.hasOwn(record, key)) record[key] = given[key];
  record.message = `${record.message}${extra}`;
  if (given.stack !== undefined && !Object.hasOwn(record, 'stack')) record.stack = given.stack;
  if (given.cause !== undefined && !Object.hasOwn(record, 'cause')) record.cause = given.cause;
  return info;
});

// winston's own JSON (cycles as "[Circular]", bigints as strings), with a depth limit.
const json = winston.format.json({ maximumDepth: MAX_DEPTH });

// `childLevel`, or `childChildLevel` when the record already has a `childLevel`, and so on.
function moveAside(info: Info, key: string): void {
  let name = key;
  do name = `child${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  while (Object.hasOwn(info, name));
  info[name] = info[key];
  delete info[key];
}

// The record made to fit the contract, then its line.
const contract = winston.format((info) => {
  const record = info as Info;
  for (const tag of TAGS) if (Object.hasOwn(record, tag)) moveAside(record, tag);
  if (Object.hasOwn(record, 'timestamp')) moveAside(record, 'timestamp');
  record.timestamp = new Date().toISOString();
  if (!isLevel(record.level)) {
    const level = toLevel(record.level) ?? 'info';
    moveAside(record, 'level');
    record.level = level;
  }
  if (typeof record.message !== 'string') {
    const message = record.message;
    if (message !== undefined) moveAside(record, 'message');
    record.message = message === undefined ? '' : (serialise(message) ?? String(message));
  }
  let line: unknown;
  try {
    line = (json.transform(info, json.options) as Info)[MESSAGE];
  } catch (err) {
    // A field's toJSON threw, say: the record goes out without its fields, saying why.
    line = JSON.stringify({ level: record.level, message: record.message, timestamp: record.timestamp, unserializable: describe(err) });
  }
  record[MESSAGE] = line;
  record[SHAPED] = line;
  return info;
});

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
}

function serialise(value: unknown): string | undefined {
  try {
    const info = { value } as unknown as winston.Logform.TransformableInfo;
    const text = (json.transform(info, json.options) as Info)[MESSAGE];
    // The text of { value } without its wrapping `{"value":` and `}`.
    return typeof text === 'string' && text.startsWith('{"value":') ? text.slice('{"value":'.length, -1) : undefined;
  } catch (err) {
    // A toJSON that throws, say: the caller's value cannot be written, the call goes on.
    return JSON.stringify(`[unserializable: ${describe(err)}]`);
  }
}

// Writes each line to the stream, marked when this logger's format shaped it.
// winston's Transport base class (its typings name it only as a namespace).
const Transport = (winston as unknown as { Transport: typeof TransportStream }).Transport;

class LineTransport extends Transport {
  constructor(
    private readonly stream: Writable,
    private readonly mark: string,
  ) {
    super();
  }

  override log(info: Info, next: () => void): void {
    const line = info[MESSAGE];
    this.stream.write(info[SHAPED] === line && this.mark !== '' ? `${this.mark}${String(line)}\n` : `${String(line)}\n`);
    next();
  }
}

export function createChildLogger(options: ChildLoggerOptions): winston.Logger {
  return winston.createLogger({
    level: options.level,
    levels: winston.config.npm.levels,
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(keptFields(), winston.format.errors({ stack: true }), errorFields(), contract()),
    transports: [new LineTransport(options.stream ?? process.stdout, options.recordMark === undefined ? '' : markPrefix(options.recordMark))],
  });
}
