// crew's own logger, used by the primary: its records (child started, ready, exited,
// restarting, given up, shutting down) are records of component `crew`, instance 0, with the
// primary's pid, and take the same road as the children's lines: one formatted line per call
// through the single Output, so they never cut into a child's line. A call never throws:
// crew's messages and fields may carry what a child or a client sent (an error's message, a
// job's name), and the formatter renders any of it (escaped in pretty, its own field when it
// cannot be serialised); should rendering still fail (a bug), the record goes out with its
// message alone, never lost and never crashing the primary.

import type { Level } from '../config/types.js';
import type { Formatter } from './formatter.js';
import { isLevel, passes } from './levels.js';
import type { Output } from './output.js';
import type { Fields } from './record-text.js';
import { CREW_COMPONENT, type Tags } from './tags.js';

export interface CrewLoggerOptions {
  output: Output;
  formatter: Formatter;
  level: Level;
  /** The primary's pid; process.pid in crew itself. */
  pid: number;
}

export interface CrewLogger {
  /** Records above this level are dropped; may be changed at any time. */
  level: Level;
  log(level: Level, message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  isLevelEnabled(level: Level): boolean;
}

export function createCrewLogger(options: CrewLoggerOptions): CrewLogger {
  const { output, formatter } = options;
  const tags: Tags = { component: CREW_COMPONENT, instance: 0, pid: options.pid };
  let threshold = checkLevel(options.level);

  const log = (level: Level, message: string, fields?: Fields): void => {
    if (!passes(level, threshold)) return;
    const now = Date.now();
    let text: string;
    let json: string | undefined;
    try {
      // crew's messages already say what their fields hold; the fields are for machines, so a
      // person reading pretty text gets the sentence alone.
      text = formatter.record(tags, level, message, formatter.format === 'json' ? fields : undefined, now);
      if (output.hasTransports) json = formatter.format === 'json' ? text : `${formatter.jsonRecord(tags, level, message, fields, now)}\n`;
    } catch (err) {
      const note = `(its fields could not be rendered: ${err instanceof Error ? err.message : 'unknown error'})`;
      text = formatter.record(tags, level, `${safeText(message)} ${note}`, undefined, now);
      if (output.hasTransports) json = `${formatter.jsonRecord(tags, level, `${safeText(message)} ${note}`, undefined, now)}\n`;
    }
    // crew's records are few; a full stdout is handled by the children pausing, not by
    // crew dropping its own words, so the backpressure answer is not needed here.
    output.write(text, json === undefined ? undefined : { text: json, levels: [level] });
  };

  return {
    get level() {
      return threshold;
    },
    set level(level: Level) {
      threshold = checkLevel(level);
    },
    log,
    error: (message, fields) => log('error', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    info: (message, fields) => log('info', message, fields),
    debug: (message, fields) => log('debug', message, fields),
    isLevelEnabled: (level) => passes(level, threshold),
  };
}

function safeText(message: unknown): string {
  try {
    return String(message);
  } catch {
    // A value without a usable string form (a throwing toString): the record still goes out.
    return '[a message that cannot be shown]';
  }
}

function checkLevel(level: unknown): Level {
  if (!isLevel(level)) throw new TypeError(`crew log level must be one of error, warn, info, http, verbose, debug, silly; got ${JSON.stringify(level)}`);
  return level;
}
