// The json format's way with a child's own complete records (what ctx.logger and the worker's
// job records write): their bytes are kept and the tags spliced in before the closing brace,
// while every other line that starts with `{` takes the general way. Either way the record out
// is one JSON object with the child's fields and crew's tags, the same when relaying bytes as
// when given text.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createChildLogger } from '../../lib/log/child-logger.js';
import { ByteBuilder } from '../../lib/log/byte-builder.js';
import { createFormatter, type Formatter, type StreamFormat, type StreamName } from '../../lib/log/formatter.js';
import { WHOLE } from '../../lib/log/line-splitter.js';
import type { Tags } from '../../lib/log/tags.js';
import { createRunRecorder } from '../../lib/components/worker/run-record.js';

const tags: Tags = { component: 'worker', instance: 3, pid: 4242 };
const TAGS = '"component":"worker","instance":3,"pid":4242';
const NOW = Date.UTC(2026, 11, 1, 8, 37, 31, 123);
const ISO = '2026-12-01T08:37:31.123Z';
const STAMP = '"timestamp":"2020-01-01T00:00:00.000Z"';

type Fields = Record<string, unknown>;

interface Relayed {
  bytes: Buffer;
  /** Whether the stream rendered the line as text (the general way) rather than copying it. */
  asText: boolean;
}

// Relays `line` from the middle of a buffer, as the relay does, noting whether text() was asked.
function relay(line: Buffer | string, stream: StreamName = 'stdout', formatter: Formatter = createFormatter({ format: 'json', color: false })): Relayed {
  const format: StreamFormat = formatter.forStream(tags, stream);
  let asText = false;
  const text = format.text.bind(format);
  format.text = (...args) => {
    asText = true;
    return text(...args);
  };
  const body = typeof line === 'string' ? Buffer.from(line) : line;
  const buf = Buffer.concat([Buffer.from('junk\n'), body, Buffer.from('\nmore')]);
  const out = new ByteBuilder(64);
  format.appendLine(out, buf, 5, 5 + body.length, WHOLE, NOW);
  return { bytes: Buffer.from(out.take()), asText };
}

// One JSON record, ending in its only "\n", the same as the text way renders it.
function record(relayed: Relayed, line: string, stream: StreamName = 'stdout'): Fields {
  const text = relayed.bytes.toString('utf8');
  assert.ok(isUtf8(relayed.bytes), 'UTF-8 out');
  assert.ok(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, `one line: ${text}`);
  const viaText = createFormatter({ format: 'json', color: false }).forStream(tags, stream).text(line, WHOLE, NOW);
  assert.equal(text, viaText, 'relaying bytes and rendering text agree');
  return JSON.parse(text) as Fields;
}

const TAG_FIELDS = { component: 'worker', instance: 3, pid: 4242 };

describe('a complete record of the child in json', () => {
  it('keeps its bytes and gets the tags before its closing brace', () => {
    const line = `{"level":"info","message":"trivial 17 succeeded in 0.1 ms","job":"trivial","attempt":1,"ms":0.1,${STAMP}}`;
    const relayed = relay(line);
    assert.equal(relayed.asText, false, 'copied, not rendered as text');
    assert.equal(relayed.bytes.toString(), `${line.slice(0, -1)},${TAGS}}\n`);
    assert.deepEqual(record(relayed, line), { level: 'info', message: 'trivial 17 succeeded in 0.1 ms', job: 'trivial', attempt: 1, ms: 0.1, timestamp: '2020-01-01T00:00:00.000Z', ...TAG_FIELDS });
  });

  it('keeps nested objects, braces inside strings and escapes as they are', () => {
    const nested = { a: { b: [1, { c: '}' }], component: 'inner' }, s: 'quote " back \\ tab \t ünï 😀 }' };
    const line = JSON.stringify({ level: 'warn', message: 'x}', timestamp: 'then', ...nested });
    const relayed = relay(line);
    assert.equal(relayed.asText, false, "a nested `component` is the child's own field, not a tag");
    assert.deepEqual(record(relayed, line), { level: 'warn', message: 'x}', timestamp: 'then', ...nested, ...TAG_FIELDS });
  });

  it('drops whitespace after the closing brace and keeps it inside', () => {
    const line = `{ "level" : "info" , "message" : "m" , ${STAMP} }  \t\r`;
    const relayed = relay(line);
    assert.equal(relayed.asText, false);
    assert.equal(relayed.bytes.toString(), `{ "level" : "info" , "message" : "m" , ${STAMP} ,${TAGS}}\n`);
    assert.deepEqual(record(relayed, line), { level: 'info', message: 'm', timestamp: '2020-01-01T00:00:00.000Z', ...TAG_FIELDS });
  });

  it('is kept on stderr too, at its own level', () => {
    const line = `{"level":"debug","message":"m",${STAMP}}`;
    const relayed = relay(line, 'stderr');
    assert.equal(relayed.asText, false);
    assert.deepEqual(record(relayed, line, 'stderr'), { level: 'debug', message: 'm', timestamp: '2020-01-01T00:00:00.000Z', ...TAG_FIELDS });
  });

  it("is what ctx.logger and the worker's job records write", async () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const logger = createChildLogger({ level: 'info', defaultMeta: { job: 'mail' }, stream });
    logger.info('sent', { to: 'ann', meta: { nested: true } });
    logger.warn('slow', { ms: 1200 });
    const recordRun = createRunRecorder(logger, stream);
    recordRun('info', 'trivial 1 succeeded in 0.2 ms', { job: 'trivial', jobId: '1', attempt: 1, ms: 0.2, outcome: 'succeeded' });
    recordRun.flush();
    await new Promise<void>((resolve) => logger.end(resolve));
    const lines = written.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) {
      const relayed = relay(line);
      assert.equal(relayed.asText, false, line);
      const out = record(relayed, line);
      assert.deepEqual(out, { ...(JSON.parse(line) as Fields), ...TAG_FIELDS });
    }
  });
});

describe('a JSON line that is not a complete record of the child, in json', () => {
  it('has its own tag fields overridden, each tag once', () => {
    for (const own of ['"component":"fake"', '"instance":"x"', '"pid":1']) {
      const line = `{"level":"info","message":"m",${STAMP},${own},"extra":true}`;
      const relayed = relay(line);
      assert.equal(relayed.asText, true, own);
      const out = record(relayed, line);
      assert.deepEqual(out, { level: 'info', message: 'm', timestamp: '2020-01-01T00:00:00.000Z', extra: true, ...TAG_FIELDS }, own);
      for (const key of ['component', 'instance', 'pid']) {
        assert.equal(relayed.bytes.toString().split(`"${key}":`).length, 2, `${key} once after ${own}`);
      }
    }
  });

  it('gets a missing timestamp, level or message filled in', () => {
    const cases: Array<[string, Fields]> = [
      ['{"level":"warn","message":"m"}', { timestamp: ISO, level: 'warn', message: 'm' }],
      [`{"message":"m",${STAMP}}`, { timestamp: '2020-01-01T00:00:00.000Z', level: 'info', message: 'm' }],
      [`{"level":"warn",${STAMP}}`, { timestamp: '2020-01-01T00:00:00.000Z', level: 'warn', message: '' }],
      ['{"user":"ann"}', { timestamp: ISO, level: 'info', message: '', user: 'ann' }],
    ];
    for (const [line, fields] of cases) {
      const relayed = relay(line);
      assert.equal(relayed.asText, true, line);
      assert.deepEqual(record(relayed, line), { ...fields, ...TAG_FIELDS }, line);
    }
  });

  it('renders `{}` as a record of its own', () => {
    for (const line of ['{}', '{}  ', '{ }']) {
      const relayed = relay(line);
      assert.equal(relayed.asText, true);
      assert.deepEqual(record(relayed, line), { timestamp: ISO, level: 'info', message: '', ...TAG_FIELDS }, JSON.stringify(line));
    }
  });

  it('keeps fields of other types as the child wrote them', () => {
    const line = '{"level":5,"message":{"text":"m"},"timestamp":1700000000000}';
    const relayed = relay(line);
    assert.equal(relayed.asText, true);
    assert.deepEqual(record(relayed, line), { level: 5, message: { text: 'm' }, timestamp: 1700000000000, ...TAG_FIELDS });
  });

  it('comes out as UTF-8 when its bytes are not', () => {
    const line = Buffer.concat([Buffer.from(`{"level":"info","message":"bad `), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from(` byte",${STAMP}}`)]);
    const relayed = relay(line);
    assert.equal(relayed.asText, true);
    const out = record(relayed, line.toString('utf8'));
    assert.equal(out.message, 'bad \uFFFD byte');
    assert.equal(out.component, 'worker');
  });

  it('is plain text when it is not one JSON object', () => {
    const lines = [
      '{"a":1} trailing',
      `{"level":"info","message":"m",${STAMP}} trailing`,
      `{"level":"info","message":"m",${STAMP}} {"x":1}`,
      `{"level":"info","message":"m",${STAMP},}`,
      `{"level":"info","message":"m",${STAMP}`,
      '{not json}',
      '{',
    ];
    for (const line of lines) {
      const relayed = relay(line);
      assert.deepEqual(record(relayed, line), { timestamp: ISO, level: 'info', message: line, stream: 'stdout', ...TAG_FIELDS }, line);
    }
  });
});

describe('a complete record of the child in pretty', () => {
  it('is rendered as its pretty text', () => {
    const formatter = createFormatter({ format: 'pretty', color: false });
    const line = `{"level":"warn","message":"disk","free":12,${STAMP}}`;
    const relayed = relay(line, 'stdout', formatter);
    assert.equal(relayed.asText, true);
    assert.match(relayed.bytes.toString(), /^\d\d:\d\d:\d\d\.\d{3} worker\.3 \| warn: disk free=12\n$/);
  });
});
