// Records crew's own code in the child writes (ctx.logger, the worker's job records) are
// trusted: the relay knows them by the child's mark and keeps their own timestamp. In json a
// trusted record that needs nothing but its tags keeps its bytes, the tags spliced in before
// its closing brace: the same bytes whether the relay copies it (appendOwn, no parsing) or
// renders it as text (with log files). What ctx.logger and the job records write is always
// such a record, whatever the caller passes them.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createChildLogger } from '../../lib/log/child-logger.js';
import { ByteBuilder } from '../../lib/log/byte-builder.js';
import { createFormatter, type Formatter, type StreamName } from '../../lib/log/formatter.js';
import { WHOLE } from '../../lib/log/line-splitter.js';
import { markPrefix } from '../../lib/log/own-record-mark.js';
import type { Tags } from '../../lib/log/tags.js';
import { createRunRecorder } from '../../lib/components/worker/run-record.js';

const tags: Tags = { component: 'worker', instance: 3, pid: 4242 };
const TAGS = '"component":"worker","instance":3,"pid":4242';
const TAG_FIELDS = { component: 'worker', instance: 3, pid: 4242 };
const NOW = Date.UTC(2026, 11, 1, 8, 37, 31, 123);
const ISO = '2026-12-01T08:37:31.123Z';
const THEN = '2026-12-01T08:37:31.100Z';
const STAMP = `"timestamp":"${THEN}"`;
const LEVELS = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

type Fields = Record<string, unknown>;

const json = (): Formatter => createFormatter({ format: 'json', color: false });

// A trusted line from the middle of a buffer, the ways the relay may take: copied (appendOwn),
// rendered as bytes (appendLine) and as text (text(), with log files). All must agree.
function trusted(line: string, stream: StreamName = 'stdout'): string {
  const format = json().forStream(tags, stream);
  const body = Buffer.from(line);
  const buf = Buffer.concat([Buffer.from('junk\n'), body, Buffer.from('\nmore')]);
  const copied = new ByteBuilder(64);
  const rendered = new ByteBuilder(64);
  const asText = format.text(line, WHOLE, NOW, true);
  format.appendLine(rendered, buf, 5, 5 + body.length, WHOLE, NOW, true);
  assert.equal(rendered.take().toString(), asText, 'relaying bytes and rendering text agree');
  if (format.appendOwn(copied, buf, 5, 5 + body.length)) {
    assert.equal(copied.take().toString(), asText, 'copying without parsing gives the same record');
  }
  assert.ok(isUtf8(Buffer.from(asText)));
  assert.ok(asText.endsWith('\n') && asText.indexOf('\n') === asText.length - 1, `one line: ${asText}`);
  return asText;
}

describe('a trusted record, in json', () => {
  it('keeps its bytes, its own timestamp, and gets the tags before its closing brace', () => {
    const line = `{"level":"info","message":"trivial 17 succeeded in 0.1 ms","job":"trivial","attempt":1,"ms":0.1,${STAMP}}`;
    const out = trusted(line);
    assert.equal(out, `${line.slice(0, -1)},${TAGS}}\n`);
    assert.deepEqual(JSON.parse(out), { level: 'info', message: 'trivial 17 succeeded in 0.1 ms', job: 'trivial', attempt: 1, ms: 0.1, timestamp: THEN, ...TAG_FIELDS });
  });

  it('keeps nested objects, braces inside strings and escapes as they are', () => {
    const nested = { a: { b: [1, { c: '}' }], component: 'inner' }, s: 'quote " back \\ tab \t ünï 😀 }' };
    const line = JSON.stringify({ level: 'warn', message: 'x}', timestamp: THEN, ...nested });
    const out = trusted(line);
    assert.equal(out, `${line.slice(0, -1)},${TAGS}}\n`, "a nested `component` is the child's own field, not a tag");
    assert.deepEqual(JSON.parse(out), { level: 'warn', message: 'x}', timestamp: THEN, ...nested, ...TAG_FIELDS });
  });

  it('drops whitespace after the closing brace and keeps it inside', () => {
    const line = `{ "level" : "info" , "message" : "m" , ${STAMP} }  \t`;
    assert.equal(trusted(line), `{ "level" : "info" , "message" : "m" , ${STAMP} ,${TAGS}}\n`);
  });

  it('that does not fit the contract still gets it, keeping its own timestamp', () => {
    const out = JSON.parse(json().forStream(tags, 'stdout').text(`{"level":"loud","message":5,${STAMP},"pid":1}`, WHOLE, NOW, true)) as Fields;
    assert.deepEqual(out, { timestamp: THEN, level: 'info', message: '5', childLevel: 'loud', childMessage: 5, childPid: 1, ...TAG_FIELDS });
    const untimed = JSON.parse(json().forStream(tags, 'stdout').text('{"level":"info","message":"m"}', WHOLE, NOW, true)) as Fields;
    assert.equal(untimed.timestamp, ISO, 'without a timestamp of its own, it gets crew time');
  });

  it("is what ctx.logger and the worker's job records write, whatever the caller passes", async () => {
    const mark = 'tok123456789';
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const logger = createChildLogger({ level: 'info', defaultMeta: { job: 'mail' }, stream, recordMark: mark });
    logger.info('sent', { to: 'ann', meta: { nested: true } });
    logger.warn('slow', { ms: 1200, pid: 12, component: 'billing', timestamp: 'made up' });
    logger.info({ message: { not: 'a string' }, level: 'info' } as unknown as string);
    logger.info(42 as unknown as string);
    let deep: unknown[] = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    logger.info('deep', { deep, big: 10n, bad: { toJSON: () => { throw new Error('nope'); } } });
    const recordRun = createRunRecorder({ level: 'info', levels: LEVELS }, stream, mark);
    recordRun('info', 'trivial 1 succeeded in 0.2 ms', { job: 'trivial', jobId: '1', attempt: 1, ms: 0.2, outcome: 'succeeded' });
    recordRun.flush();
    await new Promise<void>((resolve) => logger.end(resolve));
    const lines = written.trimEnd().split('\n');
    assert.equal(lines.length, 6);
    for (const marked of lines) {
      assert.ok(marked.startsWith(markPrefix(mark)), `marked: ${marked.slice(0, 40)}`);
      const line = marked.slice(markPrefix(mark).length);
      const out = JSON.parse(trusted(line)) as Fields;
      assert.equal(out.timestamp, (JSON.parse(line) as Fields).timestamp, 'its own time');
      assert.match(String(out.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(['info', 'warn'].includes(String(out.level)));
      assert.equal(typeof out.message, 'string');
      assert.deepEqual([out.component, out.instance, out.pid], ['worker', 3, 4242]);
      assert.equal(trusted(line), `${line.slice(0, line.lastIndexOf('}'))},${TAGS}}\n`, 'kept as written: it fits by construction');
    }
    const slow = JSON.parse(lines[1]!.slice(markPrefix(mark).length)) as Fields;
    assert.deepEqual([slow.childPid, slow.childComponent, slow.childTimestamp], [12, 'billing', 'made up'], "the caller's values are kept aside");
    assert.deepEqual(JSON.parse(lines[2]!.slice(markPrefix(mark).length)).childMessage, { not: 'a string' });
    assert.equal(JSON.parse(lines[3]!.slice(markPrefix(mark).length)).message, '42');
  });
});

describe('a trusted record, in pretty', () => {
  it('is rendered as its pretty text, at its own time', () => {
    const formatter = createFormatter({ format: 'pretty', color: false });
    const out = formatter.forStream(tags, 'stdout').text(`{"level":"warn","message":"disk","free":12,${STAMP}}`, WHOLE, NOW, true);
    const local = new Date(Date.parse(THEN));
    const clock = `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:${String(local.getSeconds()).padStart(2, '0')}.100`;
    assert.equal(out, `${clock} worker.3 | warn: disk free=12\n`);
  });
});
