import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { Output } from '../../lib/log/output.js';
import { Capture } from './support.js';

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-log-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const NOTICE = 'crew: stdout is closed (EPIPE); log output is discarded from now on\n';

class Failing extends Writable {
  writes = 0;
  override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes++;
    callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  }
}

describe('Output', () => {
  it('writes text and buffers in order and flushes', async () => {
    const capture = new Capture(1);
    const output = new Output(capture);
    output.write('one\n');
    output.write(Buffer.from('two\n'));
    output.write('');
    await output.flush();
    assert.equal(capture.text, 'one\ntwo\n');
  });

  it("says false when the stream is behind and 'drain' when it caught up", async () => {
    const capture = new Capture(5, 1024);
    const output = new Output(capture);
    assert.equal(output.write('x'.repeat(2000) + '\n'), false);
    await new Promise((resolve) => output.once('drain', resolve));
    assert.equal(output.write('small\n'), true);
    await output.flush();
  });

  it('survives EPIPE: reports it once, discards what follows, never blocks writers', async () => {
    const failing = new Failing();
    const stderr = new Capture();
    const output = new Output(failing, { stderr });
    output.write('first\n');
    await output.flush();
    for (let i = 0; i < 100; i++) assert.equal(output.write(`line ${i}\n`), true);
    await output.flush();
    assert.equal(stderr.text, NOTICE);
    assert.equal(output.discarding, true);
    assert.equal(failing.writes, 1, 'nothing more is written to a failed stream');
  });

  it('survives a real closed pipe', async (t) => {
    // A reader that takes one chunk and closes the pipe, like `crew start | head -1`.
    const reader = spawn(process.execPath, ['-e', 'process.stdin.once("data", () => { require("fs").closeSync(0); process.stdout.write("closed\\n"); setInterval(() => {}, 1000); })'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    t.after(() => reader.kill('SIGKILL'));
    const stderr = new Capture();
    const output = new Output(reader.stdin, { stderr });
    output.write('hello\n');
    await new Promise((resolve) => reader.stdout.once('data', resolve));
    for (let i = 0; i < 2000 && !output.discarding; i++) {
      output.write(`${'x'.repeat(1000)}\n`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await output.flush();
    assert.equal(output.discarding, true);
    assert.equal(stderr.text, NOTICE);
  });

  it('survives a stream destroyed under it, which fails writes without an error event', async (t) => {
    const reader = spawn(process.execPath, ['-e', 'process.stdin.once("data", () => process.exit(0))'], { stdio: ['pipe', 'ignore', 'inherit'] });
    t.after(() => reader.kill('SIGKILL'));
    const stderr = new Capture();
    const output = new Output(reader.stdin, { stderr });
    output.write('hello\n');
    await new Promise((resolve) => reader.once('exit', resolve));
    // The first write learns of it only later; a writer that waits for 'drain' is released.
    if (!output.write('lost\n')) await new Promise((resolve) => output.once('drain', resolve));
    await output.flush();
    assert.equal(output.discarding, true);
    for (let i = 0; i < 100; i++) assert.equal(output.write(`line ${i}\n`), true);
    await output.flush();
    assert.match(stderr.text, /^crew: stdout is closed \((EPIPE|ERR_STREAM_DESTROYED)\); log output is discarded from now on\n$/);
  });

  it('feeds log files JSON lines, filtered by their level, and completes them on close', async (t) => {
    const dir = tempDir(t);
    const all = path.join(dir, 'all.log');
    const warn = path.join(dir, 'nested', 'warn.log');
    const capture = new Capture();
    const output = new Output(capture, { transports: [{ type: 'file', filename: all }, { type: 'file', filename: warn, level: 'warn' }] });
    assert.equal(output.hasTransports, true);
    for (let i = 0; i < 500; i++) {
      output.write(`pretty ${i}\n`, { text: `{"level":"info","n":${i}}\n{"level":"error","n":${i}}\n`, levels: ['info', 'error'] });
    }
    await output.close();
    assert.equal(await output.close(), undefined, 'close twice is fine');
    const lines = (file: string): Array<{ level: string; n: number }> => fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((row) => JSON.parse(row));
    const everything = lines(all);
    assert.equal(everything.length, 1000);
    assert.deepEqual(everything.slice(0, 2), [{ level: 'info', n: 0 }, { level: 'error', n: 0 }]);
    const warnings = lines(warn);
    assert.equal(warnings.length, 500);
    assert.ok(warnings.every((row, i) => row.level === 'error' && row.n === i));
    assert.equal(capture.lines.length, 500, 'the stream got its own text');
  });

  it('reports a log file that cannot be created once, and goes on without it', async (t) => {
    const dir = tempDir(t);
    const blocked = path.join(dir, 'file-not-dir');
    fs.writeFileSync(blocked, '');
    const stderr = new Capture();
    const capture = new Capture();
    const output = new Output(capture, { stderr, transports: [{ type: 'file', filename: path.join(blocked, 'x.log') }] });
    for (let i = 0; i < 50; i++) {
      if (!output.write(`line ${i}\n`, { text: `{"n":${i}}\n`, levels: ['info'] })) await new Promise((resolve) => output.once('drain', resolve));
    }
    await output.close();
    assert.match(stderr.text, /^crew: log file .*x\.log failed \(ENOTDIR\); it receives no more log lines\n$/);
    assert.equal(capture.lines.length, 50);
  });

  it('gives up a log file that takes no lines, once, and keeps the stream going', async (t) => {
    // A directory: winston never reports the failed open, it just stops taking lines.
    const dir = tempDir(t);
    const stderr = new Capture();
    const capture = new Capture();
    const output = new Output(capture, { stderr, transports: [{ type: 'file', filename: dir }], fileStallMs: 100 });
    for (let i = 0; i < 200; i++) {
      if (!output.write(`line ${i}\n`, { text: `{"n":${i},"pad":"${'x'.repeat(1000)}"}\n`, levels: ['info'] })) {
        await new Promise((resolve) => output.once('drain', resolve));
      }
    }
    await output.close();
    assert.match(stderr.text, /^crew: log file .* stopped taking lines for 100 ms \(is the path a directory, or the disk full\?\); it receives no more log lines\n$/);
    assert.equal(capture.lines.length, 200);
  });
});
