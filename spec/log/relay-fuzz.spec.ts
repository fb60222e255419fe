// Property: nothing a child writes stops the relay or breaks its promises. Random output —
// plain text, control characters, CRs, invalid UTF-8, JSON objects of any shape (deep, wide,
// duplicate keys, numbers as strings, tag fields, over 64 KiB), non-objects, crew's own marked
// records with hostile fields — cut at random chunk boundaries, through both formats, with and
// without a log file: every output line is valid for its format (json: a record of the
// contract; pretty: the prefix, then no control character), and every line the child wrote
// arrives whole, once and in order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createChildLogger } from '../../lib/log/child-logger.js';
import { createFormatter, type LogFormat, type StreamName } from '../../lib/log/formatter.js';
import { Output } from '../../lib/log/output.js';
import { relayChild } from '../../lib/log/relay.js';
import type { Tags } from '../../lib/log/tags.js';
import { visible } from '../../lib/log/visible.js';
import { Capture } from './support.js';

const tags: Tags = { component: 'fuzz', instance: 2, pid: 31337 };
const MARK = 'Zm9vYmFy';
const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];
const MAX_LINE = 4096;
// eslint-disable-next-line no-control-regex -- control characters are what it is about
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const PRETTY = /^\d\d:\d\d:\d\d\.\d{3} fuzz\.2 +\| /;
const SEQ = /⟦(\d+)⟧/g;

/** One line a child writes, its sequence marker inside; `plain`: its exact text must come out. */
interface Written {
  bytes: Buffer;
  plain?: string;
}

const seq = (n: number): string => `⟦${n}⟧`;
const noMarker = (text: string): string => text.replaceAll('⟦', '[');

// Text without line ends; `controls` adds what terminals act on.
const text = (maxLength: number) =>
  fc.string({ unit: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('a', 'b', ' ', '"', '\\', '{', '}', 'é', '😀', '\t') }, { weight: 2, arbitrary: fc.constantFrom('\x1b', '\x07', '\b', '\x00', '\x7f', '\u009b', '\u202e', '\x1e') }), maxLength });

const bytesLine = fc.uint8Array({ maxLength: 200 }).map((raw) => Buffer.from(raw.filter((b) => b !== 0x0a && b !== 0x0d && b !== 0xe2)));
const deep = fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const jsonValueText = fc.oneof(
  fc.json({ maxDepth: 3 }).map(noMarker),
  deep,
  fc.constantFrom('"info"', '30', '"nonsense"', '"31337"', '31337', '"fuzz"', 'null', '"\\u001b[2J\\r"', '{"a":{"b":[1,"}"]}}', '1e400', '-0'),
);
const jsonKey = fc.oneof(fc.constantFrom('timestamp', 'level', 'message', 'component', 'instance', 'pid', 'msg', 'stack', 'childPid'), text(6).map(noMarker));

function line(kind: number, n: number): fc.Arbitrary<Written> {
  switch (kind) {
    case 0: // plain text, possibly with controls
      return text(120).map((t) => {
        const plain = `${seq(n)} ${noMarker(t)}`;
        return { bytes: Buffer.from(plain), plain };
      });
    case 1: // random bytes (invalid UTF-8 too)
      return bytesLine.map((b) => ({ bytes: Buffer.concat([Buffer.from(seq(n)), b]) }));
    case 2: // a JSON object of any shape, duplicates and tag fields included
      return fc.array(fc.tuple(jsonKey, jsonValueText), { maxLength: 8 }).map((members) => ({
        bytes: Buffer.from(`{"seq":"${seq(n)}"${members.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`),
      }));
    case 3: // a JSON line that is not an object, or not JSON
      return fc.oneof(fc.json({ maxDepth: 2 }).map((j) => `[${JSON.stringify(seq(n))},${noMarker(j)}]`), text(40).map((t) => `{"seq":"${seq(n)}",${noMarker(t)}`)).map((t) => ({ bytes: Buffer.from(t) }));
    case 4: // over-long: split into pieces
      return fc.integer({ min: MAX_LINE, max: MAX_LINE * 3 }).map((size) => {
        const plain = `${seq(n)}${'x'.repeat(size)}`;
        return { bytes: Buffer.from(plain), plain };
      });
    case 5: // a progress bar's redraws: lone CRs end lines
      return fc.array(fc.nat(100), { minLength: 1, maxLength: 4 }).map((steps) => ({ bytes: Buffer.from(`\r${seq(n)} ${steps.map((p) => `${p}%`).join('\r')}`) }));
    default: // one of crew's own marked records, from ctx.logger given hostile fields
      return fc.record({ message: text(30), meta: fc.jsonValue({ maxDepth: 3 }) }).map(({ message, meta }) => ({ bytes: Buffer.from(ownRecord(`${seq(n)} ${noMarker(message)}`, meta)) }));
  }
}

function ownRecord(message: string, meta: unknown): string {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const logger = createChildLogger({ level: 'silly', stream, recordMark: MARK });
  logger.warn(message, { meta, pid: 1, timestamp: 'then', component: 'x' });
  // The transport writes synchronously to the PassThrough, which emits data at once.
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

const lines = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 25 }).chain((kinds) => fc.tuple(...kinds.map((kind, n) => line(kind, n))));
const endings = fc.constantFrom('\n', '\r\n', '\n');

interface Run {
  stream: string[];
  file: string[];
}

async function relay(format: LogFormat, chunks: Buffer[], withFile: boolean, name: StreamName): Promise<Run> {
  const dir = withFile ? fs.mkdtempSync(path.join(os.tmpdir(), 'crew-fuzz-')) : undefined;
  const file = dir === undefined ? undefined : path.join(dir, 'crew.log');
  try {
    const capture = new Capture();
    const notices = new Capture();
    const output = new Output(capture, { stderr: notices, transports: file === undefined ? [] : [{ type: 'file', filename: file }] });
    const stream = new PassThrough();
    const streams = name === 'stdout' ? { stdout: stream, stderr: null } : { stdout: null, stderr: stream };
    const done = relayChild({ ...streams, tags, formatter: createFormatter({ format, color: false, tagWidth: 6 }), output, recordMark: MARK, maxLineLength: MAX_LINE, groupIdleMs: 1 });
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
    await done;
    await output.close();
    assert.equal(notices.text, '', 'the relay reported no failure');
    return { stream: capture.lines, file: file === undefined ? [] : fs.readFileSync(file, 'utf8').split('\n').slice(0, -1) };
  } finally {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkJson(row: string): Record<string, unknown> {
  const record = JSON.parse(row) as Record<string, unknown>;
  assert.equal(typeof record.timestamp, 'string');
  assert.ok(!Number.isNaN(Date.parse(record.timestamp as string)), `ISO timestamp: ${String(record.timestamp)}`);
  assert.ok(LEVELS.includes(record.level as string), `level: ${String(record.level)}`);
  assert.equal(typeof record.message, 'string');
  assert.deepEqual([record.component, record.instance, record.pid], [tags.component, tags.instance, tags.pid]);
  return record;
}

// The markers of each record, in output order: each line once, in order.
function checkOrder(rows: string[], count: number): void {
  const seen: number[] = [];
  for (const row of rows) {
    const first = [...row.matchAll(SEQ)][0];
    if (first !== undefined) seen.push(Number(first[1]));
  }
  assert.deepEqual(seen, [...Array(count).keys()], 'every line once, in order');
}

function property(format: LogFormat, withFile: boolean, numRuns: number, name: StreamName = 'stdout'): Promise<void> {
  return fc.assert(
    fc.asyncProperty(lines, endings, fc.array(fc.nat(), { maxLength: 12 }), async (written, ending, cutsRaw) => {
      const all = Buffer.concat(written.flatMap((w) => [w.bytes, Buffer.from(ending)]));
      const cuts = [...new Set(cutsRaw.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...cuts, all.length].slice(1).map((end, i, ends) => all.subarray(i === 0 ? 0 : ends[i - 1], end)).filter((c) => c.length > 0);
      const run = await relay(format, chunks, withFile, name);
      for (const row of run.stream) {
        if (format === 'json') checkJson(row);
        else {
          assert.match(row, PRETTY);
          assert.doesNotMatch(row, UNSAFE, JSON.stringify(row));
        }
      }
      for (const row of run.file) checkJson(row);
      checkOrder(run.stream, written.length);
      if (withFile) checkOrder(run.file, written.length);
      // A plain line comes out whole: its exact text (pieces joined, for an over-long one).
      for (const [n, w] of written.entries()) {
        if (w.plain === undefined) continue;
        const at = run.stream.findIndex((row) => row.includes(seq(n)));
        const texts: string[] = [];
        for (let i = at; i < run.stream.length; i++) {
          const row = run.stream[i]!;
          if (format === 'json') {
            const record = JSON.parse(row) as { message: string; continued?: boolean };
            texts.push(record.message);
            if (record.continued !== true) break;
          } else {
            const body = row.replace(PRETTY, '');
            texts.push(body.endsWith(' ⏎') ? body.slice(0, -2) : body);
            if (!body.endsWith(' ⏎')) break;
          }
        }
        assert.equal(texts.join(''), format === 'json' ? w.plain : visible(w.plain), `line ${n} whole`);
      }
    }),
    { numRuns },
  );
}

describe('the relay, fed anything (property)', () => {
  it('json: valid records of the contract, every line whole, once, in order', async () => property('json', false, 300));
  it('pretty: prefixed lines without a control character, every line whole, once, in order', async () => property('pretty', false, 300));
  it('json with a log file: the same in both', async () => property('json', true, 60));
  it('pretty with a log file: the stream pretty, the file json records', async () => property('pretty', true, 60));
  it('on stderr, where lines are grouped into stack traces, in both formats', async () => {
    await property('json', false, 150, 'stderr');
    await property('pretty', false, 150, 'stderr');
  });
});
