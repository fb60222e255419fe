import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createFormatter, type LogFormat } from '../../lib/log/formatter.js';
import { Output } from '../../lib/log/output.js';
import { relayChild } from '../../lib/log/relay.js';
import type { Tags } from '../../lib/log/tags.js';
import { Capture, exited, node } from './support.js';

const tags: Tags = { component: 'worker', instance: 1, pid: 99 };

interface Record {
  level: string;
  message: string;
  stream?: string;
  component: string;
  instance: number;
  pid: number;
  continued?: boolean;
}

function parse(capture: Capture): Record[] {
  return capture.lines.map((line) => JSON.parse(line) as Record);
}

function relay(format: LogFormat = 'json', options: { slowMs?: number; highWaterMark?: number; maxLineLength?: number; groupIdleMs?: number } = {}) {
  const capture = new Capture(options.slowMs, options.highWaterMark);
  const output = new Output(capture);
  const formatter = createFormatter({ format, color: false, tagWidth: 8 });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const done = relayChild({ stdout, stderr, tags, formatter, output, maxLineLength: options.maxLineLength, groupIdleMs: options.groupIdleMs });
  return { capture, output, stdout, stderr, done };
}

// A child that writes `count` numbered lines to each of stdout and stderr as fast as its pipes
// take them, in chunks that end mid-line, then a last line without "\n" on stdout.
const FLOOD = `
const count = Number(process.argv[1]);
const pad = 'x'.repeat(80);
function write(stream, name) {
  return new Promise((resolve) => {
    let i = 0;
    const step = () => {
      while (i < count) {
        let chunk = '';
        for (const stop = Math.min(count, i + 997); i < stop; i++) chunk += name + ' ' + i + ' ' + pad + '\\n';
        const cut = 37;
        stream.write(chunk.slice(0, cut));
        if (!stream.write(chunk.slice(cut))) return stream.once('drain', step);
      }
      resolve();
    };
    step();
  });
}
await Promise.all([write(process.stdout, 'out'), write(process.stderr, 'err')]);
process.stdout.write('last words');
`;

function checkFlood(records: Record[], count: number, pid: number): void {
  const next = { stdout: 0, stderr: 0 };
  let lastWords = 0;
  for (const record of records) {
    assert.equal(record.component, 'worker');
    assert.equal(record.pid, pid);
    if (record.message === 'last words') {
      lastWords++;
      continue;
    }
    const stream = record.stream as 'stdout' | 'stderr';
    const expected = `${stream === 'stdout' ? 'out' : 'err'} ${next[stream]} ${'x'.repeat(80)}`;
    assert.equal(record.message, expected, `${stream} line ${next[stream]} whole and in order`);
    next[stream]++;
  }
  assert.deepEqual(next, { stdout: count, stderr: count }, 'every line arrived once');
  assert.equal(lastWords, 1, 'the partial last line was flushed at exit');
}

/** Relays a FLOOD child of `count` lines a stream, in json, and checks every line arrived. */
async function relayFlood(child: ChildProcess, count: number): Promise<void> {
  const capture = new Capture();
  const output = new Output(capture);
  const formatter = createFormatter({ format: 'json', color: false });
  await relayChild({ stdout: child.stdout, stderr: child.stderr, tags: { ...tags, pid: child.pid ?? 0 }, formatter, output });
  await output.flush();
  assert.equal(await exited(child), 0);
  checkFlood(parse(capture), count, child.pid ?? 0);
}

describe('relayChild', () => {
  it('relays a real child flood: every line once, whole, in order, and the last words', async (t) => {
    const count = 200_000;
    await relayFlood(node(t, FLOOD, [String(count)]), count);
  });

  it('relays what a child wrote before its relay was attached, then the rest, once and in order', async (t) => {
    const count = 20_000;
    const child = node(t, FLOOD, [String(count)]);
    // Node's socket for the pipe starts reading at once: wait until each holds some of the
    // flood, so the relay finds bytes already read when it takes the pipe over.
    await Promise.all([once(child.stdout!, 'readable'), once(child.stderr!, 'readable')]);
    await relayFlood(child, count);
  });

  it("holds a child's stderr line across reads of its pipe until its stack trace follows", async (t) => {
    // Two writes 50 ms apart reach the relay as two reads of the same own buffer: the held line
    // must be a copy, or the second read overwrites it.
    const child = node(t, "process.stderr.write('Error: held\\n'); setTimeout(() => process.stderr.write('    at later (x.js:1:2)\\nnext\\n'), 50);");
    const capture = new Capture();
    const output = new Output(capture);
    const formatter = createFormatter({ format: 'json', color: false });
    await relayChild({ stdout: child.stdout, stderr: child.stderr, tags: { ...tags, pid: child.pid ?? 0 }, formatter, output, groupIdleMs: 5000 });
    await output.flush();
    assert.deepEqual(
      parse(capture).map((record) => record.message),
      ['Error: held\n    at later (x.js:1:2)', 'next'],
    );
  });

  it('keeps lines of several children whole when they share one output', async (t) => {
    const count = 30_000;
    const children = [1, 2, 3, 4].map(() => node(t, FLOOD, [String(count)]));
    const capture = new Capture();
    const output = new Output(capture);
    const formatter = createFormatter({ format: 'json', color: false });
    await Promise.all(children.map((child, i) => relayChild({ stdout: child.stdout, stderr: child.stderr, tags: { component: 'worker', instance: i + 1, pid: child.pid ?? 0 }, formatter, output })));
    await output.flush();
    const records = parse(capture);
    for (const child of children) checkFlood(records.filter((record) => record.pid === child.pid), count, child.pid ?? 0);
  });

  it('pauses a child instead of buffering when the output is slow, losing nothing', async (t) => {
    const count = 50_000;
    const child = node(t, FLOOD, [String(count)]);
    // 1 ms per write and a 16 KiB buffer: far slower than the child.
    const capture = new Capture(1, 16 * 1024);
    const output = new Output(capture);
    const formatter = createFormatter({ format: 'pretty', color: false, tagWidth: 8 });
    // The relay reads the child's pipe through a socket of its own (lib/log/own-read-buffer.ts):
    // the pause is seen on sockets at large.
    let paused = 0;
    const pause = net.Socket.prototype.pause;
    net.Socket.prototype.pause = function (this: net.Socket) {
      paused++;
      return pause.call(this);
    };
    t.after(() => {
      net.Socket.prototype.pause = pause;
    });
    await relayChild({ stdout: child.stdout, stderr: child.stderr, tags: { ...tags, pid: child.pid ?? 0 }, formatter, output });
    await output.flush();
    assert.ok(paused > 0, 'the child stream was paused');
    // What waits in the output is at most about one chunk per child stream, not the flood.
    assert.ok(capture.maxBuffered < 1024 * 1024, `at most ~1 MiB buffered, saw ${capture.maxBuffered}`);
    const lines = capture.lines.map((line) => line.slice(line.indexOf('| ') + 2));
    assert.equal(lines.filter((line) => line.startsWith('out ')).length, count);
    assert.equal(lines.filter((line) => line.startsWith('err ')).length, count);
    assert.equal(lines.at(-1) === 'last words' || lines.includes('last words'), true);
    let expected = 0;
    for (const line of lines) if (line.startsWith('out ')) assert.equal(line, `out ${expected++} ${'x'.repeat(80)}`);
  });

  it('flushes the last line of a child that dies without a newline', async (t) => {
    const child = node(t, `process.stdout.write('one\\ntwo without newline'); process.stderr.write('dying words'); process.exit(3)`);
    const capture = new Capture();
    const output = new Output(capture);
    await relayChild({ stdout: child.stdout, stderr: child.stderr, tags, formatter: createFormatter({ format: 'json', color: false }), output });
    await output.flush();
    assert.deepEqual(parse(capture).map((r) => [r.stream, r.message]).sort(), [
      ['stderr', 'dying words'],
      ['stdout', 'one'],
      ['stdout', 'two without newline'],
    ]);
  });

  it('keeps a stack trace from stderr in one record', async () => {
    const { capture, stderr, stdout, done } = relay();
    stderr.write('Error: boom\n    at f (/app/a.js:1:2)\n');
    stderr.write('    at g (/app/b.js:3:4)\n\n');
    stderr.write('next line\n{"level":"warn","message":"json stands alone"}\n    at orphan\n');
    stderr.end();
    stdout.end();
    await done;
    const records = parse(capture);
    assert.deepEqual(
      records.map((r) => r.message),
      ['Error: boom\n    at f (/app/a.js:1:2)\n    at g (/app/b.js:3:4)\n', 'next line', 'json stands alone', '    at orphan'],
    );
    assert.equal(records[0]?.level, 'error');
    assert.equal(records[2]?.level, 'warn');
  });

  it('releases a held stderr line after a short idle time, without waiting for more', async () => {
    const { capture, stderr, stdout, done } = relay('json', { groupIdleMs: 5 });
    stderr.write('Error: alone\n    at f (a.js:1:1)\n');
    await capture.until((text) => text.includes('alone'));
    assert.equal(parse(capture)[0]?.message, 'Error: alone\n    at f (a.js:1:1)');
    stderr.write('    at late (b.js:1:1)\n');
    stderr.end();
    stdout.end();
    await done;
    assert.deepEqual(parse(capture).map((r) => r.message), ['Error: alone\n    at f (a.js:1:1)', '    at late (b.js:1:1)']);
  });

  it('does not group stdout lines', async () => {
    const { capture, stderr, stdout, done } = relay();
    stdout.end('a\n    b\n');
    stderr.end();
    await done;
    assert.deepEqual(parse(capture).map((r) => r.message), ['a', '    b']);
  });

  it('splits an over-long line into continued records, in both formats', async () => {
    const line = `${'0123456789'.repeat(30)}é`;
    const json = relay('json', { maxLineLength: 64 });
    json.stdout.end(`${line}\nafter\n`);
    json.stderr.end();
    await json.done;
    const records = parse(json.capture);
    const pieces = records.slice(0, -1);
    assert.equal(pieces.map((r) => r.message).join(''), line);
    assert.ok(pieces.slice(0, -1).every((r) => r.continued === true));
    assert.equal(pieces.at(-1)?.continued, undefined);
    assert.equal(records.at(-1)?.message, 'after');

    const pretty = relay('pretty', { maxLineLength: 64 });
    pretty.stdout.end(`${line}\n`);
    pretty.stderr.end();
    await pretty.done;
    const rows = pretty.capture.lines.map((row) => row.slice(row.indexOf('| ') + 2));
    assert.ok(rows.slice(0, -1).every((row) => row.endsWith(' ⏎')));
    assert.equal(rows.map((row) => row.replace(/ ⏎$/, '')).join(''), line);
  });

  it('feeds log files the JSON records whatever the stream format', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-relay-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'crew.log');
    const errors = path.join(dir, 'errors.log');
    const capture = new Capture();
    const output = new Output(capture, { transports: [{ type: 'file', filename: file }, { type: 'file', filename: errors, level: 'error' }] });
    const child = node(t, `for (let i = 0; i < 5000; i++) console.log('line ' + i); console.log(JSON.stringify({ level: 'warn', message: 'careful' })); console.error('Error: x\\n    at y')`);
    await relayChild({ stdout: child.stdout, stderr: child.stderr, tags: { ...tags, pid: child.pid ?? 0 }, formatter: createFormatter({ format: 'pretty', color: false }), output });
    await output.close();
    const read = (name: string): Record[] => fs.readFileSync(name, 'utf8').trimEnd().split('\n').map((row) => JSON.parse(row) as Record);
    const all = read(file);
    assert.equal(all.length, 5002);
    assert.deepEqual(all.filter((r) => r.stream === 'stdout').map((r) => r.message), Array.from({ length: 5000 }, (_, i) => `line ${i}`));
    assert.ok(all.every((r) => r.component === 'worker' && r.pid === child.pid));
    assert.deepEqual(read(errors).map((r) => [r.level, r.message]), [['error', 'Error: x\n    at y']]);
    assert.equal(capture.lines.length, 5003, 'the stream got its pretty lines, the stack on two');
    assert.match(capture.lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} worker\.1 \| line 0$/);
  });

  it('keeps draining children after stdout failed, so they never block', async (t) => {
    const count = 100_000;
    const child = node(t, FLOOD, [String(count)]);
    const stderr = new Capture();
    const broken = new Capture(-1);
    const output = new Output(broken, { stderr });
    broken.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await relayChild({ stdout: child.stdout, stderr: child.stderr, tags, formatter: createFormatter({ format: 'json', color: false }), output });
    await output.flush();
    assert.equal(await exited(child), 0, 'the child wrote its whole flood and exited');
    assert.equal(stderr.text, 'crew: stdout is closed (EPIPE); log output is discarded from now on\n');
  });
});
