// Test support for the log specs: capturing writables, line collection, child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { LineSplitter, type Part } from '../../lib/log/line-splitter.js';

export interface Piece {
  text: string;
  part: Part;
}

/** Runs chunks through a splitter and returns every line with its part. */
export function split(chunks: Array<Buffer | string>, maxLineBytes?: number): Piece[] {
  const splitter = new LineSplitter(maxLineBytes);
  const pieces: Piece[] = [];
  const sink = (buf: Buffer, start: number, end: number, part: Part): void => {
    pieces.push({ text: buf.toString('utf8', start, end), part });
  };
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, sink);
  splitter.end(sink);
  return pieces;
}

/** A Writable that keeps everything written to it; `slowMs` makes each write take that long. */
export class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  maxBuffered = 0;

  constructor(private readonly slowMs = -1, highWaterMark = 16 * 1024) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
    if (this.slowMs < 0) callback();
    else setTimeout(callback, this.slowMs);
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  get lines(): string[] {
    const text = this.text;
    return text.length === 0 ? [] : text.slice(0, -1).split('\n');
  }

  /** Resolves once the captured text satisfies `done`. */
  until(done: (text: string) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (done(this.text)) resolve();
        else setTimeout(check, 2);
      };
      check();
    });
  }
}

/** Starts `node -e script` with piped stdout and stderr; kills it when the test ends. */
export function node(t: TestContext, script: string, args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
