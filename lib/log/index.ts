// The log stream as the primary runs it: formatter, relay, output, crew's own logger. The
// logger user code gets inside a child is ./child-logger.ts, imported directly by children so
// the primary never loads winston.

export { ByteBuilder } from './byte-builder.js';
export { createCrewLogger, type CrewLogger, type CrewLoggerOptions } from './crew-logger.js';
export {
  CONTINUED_MARK,
  createFormatter,
  type Formatter,
  type FormatterOptions,
  type LogFormat,
  type StreamFormat,
  type StreamName,
} from './formatter.js';
export { isLevel, levelRank, passes } from './levels.js';
export { CONTINUED, DEFAULT_MAX_LINE_BYTES, LineSplitter, PLAIN, WHOLE, type LineSink, type Part } from './line-splitter.js';
export { DEFAULT_STALL_MS } from './file-sink.js';
export { Output, type FileBatch, type OutputOptions } from './output.js';
export { type Fields } from './record-text.js';
export { DEFAULT_GROUP_IDLE_MS, relayChild, type RelayOptions } from './relay.js';
export { CREW_COMPONENT, tagText, tagWidth, type Tags } from './tags.js';
