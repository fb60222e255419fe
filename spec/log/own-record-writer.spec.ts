// crew's own-record writer (lib/log/own-record-writer.ts): records as whole JSON lines with the
// child's mark, gathered into few writes, filtered by the logger's level, and written however
// the process ends, as long as it runs any JavaScript on the way out.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createOwnRecordWriter, FLUSH_BYTES } from '../../lib/log/own-record-writer.js';
import { markPrefix } from '../../lib/log/own-record-mark.js';
import { distRoot } from '../helpers/paths.js';
import path from 'node:path';

const LEVELS = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

class Writes extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  get lines(): string[] {
    return this.chunks.join('').split('\n').slice(0, -1);
  }
}

const unmarked = (line: string, mark: string) => {
  assert.ok(line.startsWith(markPrefix(mark)), `marked: ${JSON.stringify(line.slice(0, 20))}`);
  return JSON.parse(line.slice(markPrefix(mark).length)) as Record<string, unknown>;
};

describe("crew's own-record writer", () => {
  it('writes the records of one turn in one write, whole, in order, marked, with their timestamp', async () => {
    const out = new Writes();
    const writer = createOwnRecordWriter({ level: 'info', levels: LEVELS }, out, 'm1');
    const before = Date.now();
    for (let n = 0; n < 100; n++) writer.write('info', `GET /${n} 200 0.1ms`, { method: 'GET', path: `/${n}`, status: 200, ms: 0.1, requestId: `id-${n}` });
    assert.equal(out.chunks.length, 0, 'nothing written within the turn');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(out.chunks.length, 1);
    const records = out.lines.map((line) => unmarked(line, 'm1'));
    assert.deepEqual(
      records.map((r) => r.path),
      Array.from({ length: 100 }, (_, n) => `/${n}`),
    );
    const { timestamp, ...rest } = records[7]!;
    assert.deepEqual(rest, { level: 'info', message: 'GET /7 200 0.1ms', method: 'GET', path: '/7', status: 200, ms: 0.1, requestId: 'id-7' });
    assert.ok(Date.parse(timestamp as string) >= before - 1 && Date.parse(timestamp as string) <= Date.now());
  });

  it('writes a record from members the caller built as it writes one from fields, level checked', () => {
    const out = new Writes();
    const logger = { level: 'info', levels: LEVELS };
    const writer = createOwnRecordWriter(logger, out, 'm2');
    writer.write('info', 'GET / 200 1ms', { status: 200, path: '/' });
    writer.writeJson('info', ',"message":"GET / 200 1ms","status":200,"path":"/"');
    writer.writeJson('debug', ',"message":"not at this level"');
    writer.flush();
    const [fromFields, fromMembers, more] = out.lines.map((line) => unmarked(line, 'm2'));
    assert.equal(more, undefined);
    assert.deepEqual({ ...fromMembers, timestamp: 'T' }, { ...fromFields, timestamp: 'T' });
  });

  it('writes at once when FLUSH_BYTES are gathered, and flush() writes what is left', () => {
    const out = new Writes();
    const writer = createOwnRecordWriter({ level: 'info', levels: LEVELS }, out);
    const message = 'x'.repeat(1000);
    for (let n = 0; n < 40; n++) writer.write('info', message, { n });
    assert.ok(out.chunks.length >= 1 && out.chunks.every((chunk) => chunk.length >= FLUSH_BYTES), 'full batches written at once');
    writer.flush();
    assert.deepEqual(
      out.lines.map((line) => (JSON.parse(line) as { n: number }).n),
      Array.from({ length: 40 }, (_, n) => n),
    );
  });

  it("follows the logger's level, also when it changes", () => {
    const logger = { level: 'warn', levels: LEVELS };
    const out = new Writes();
    const writer = createOwnRecordWriter(logger, out);
    assert.equal(writer.enabled('info'), false);
    writer.write('info', 'dropped', {});
    writer.write('warn', 'kept', {});
    logger.level = 'debug';
    assert.equal(writer.enabled('info'), true);
    writer.write('info', 'kept too', {});
    logger.level = 'error';
    writer.write('warn', 'dropped too', {});
    writer.flush();
    assert.deepEqual(
      out.lines.map((line) => (JSON.parse(line) as { message: string }).message),
      ['kept', 'kept too'],
    );
  });

  it('keeps any text in a message or field one line of valid JSON, the values as given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.oneof(fc.double(), fc.integer(), fc.string()), (message, path, value) => {
        const out = new Writes();
        const writer = createOwnRecordWriter({ level: 'info', levels: LEVELS }, out, 'mm');
        writer.write('info', message, { path, value });
        writer.flush();
        const text = out.chunks.join('');
        assert.equal(text.indexOf('\n'), text.length - 1, 'one line');
        const record = unmarked(text.slice(0, -1), 'mm');
        assert.equal(record.message, message);
        assert.equal(record.path, path);
        assert.deepEqual(record.value, typeof value === 'number' && !Number.isFinite(value) ? null : Object.is(value, -0) ? 0 : value);
      }),
      { numRuns: 500 },
    );
  });

  for (const how of ['exit', 'throw', 'reject', 'end'] as const) {
    it(`writes every record made before the process ends (${how})`, async () => {
      const script = path.join(distRoot, 'spec', 'fixtures', 'own-records-then-exit.js');
      const child = spawn(process.execPath, [script, how], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, { exit: 3, throw: 1, reject: 1, end: 0 }[how], stderr);
      const lines = stdout.split('\n');
      assert.equal(lines.pop(), '', 'ends with a whole line');
      assert.deepEqual(
        lines.map((line) => unmarked(line, 'spec-mark').n),
        Array.from({ length: 2000 }, (_, n) => n),
      );
    });
  }
});
