// The logger that user code inside a child gets as `ctx.logger`: winston, writing one JSON
// object per line to the child's stdout. The primary's relay re-tags each line with the
// child's component, instance and pid and renders it in the stream's format, so the logger
// need not know whether the stream is json or pretty. The tags are therefore not part of the
// child's lines: the relay sets them, and a line that carries its own would be re-serialised.
//
// Errors keep their stack: `logger.error(err)`, `logger.error('x', err)` and an Error anywhere
// among the top-level fields (`logger.warn('x', { err })`) all come out with message and stack.

import type { Writable } from 'node:stream';
import winston from 'winston';
import type { Level } from '../config/types.js';

export interface ChildLoggerOptions {
  level: Level;
  defaultMeta?: Record<string, unknown>;
  /** process.stdout by default: the pipe the primary relays. */
  stream?: Writable;
}

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

export function createChildLogger(options: ChildLoggerOptions): winston.Logger {
  return winston.createLogger({
    level: options.level,
    levels: winston.config.npm.levels,
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(winston.format.errors({ stack: true }), errorFields(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout, eol: '\n' })],
  });
}
