// A real redis-server for a spec, on a free loopback port, with no persistence, stopped when
// the test ends. Where the binary is missing the test is skipped with a visible notice
// (CI installs it, so CI always runs these specs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { freePort } from './ports.js';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, no save) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** The running server's pid (to freeze it with SIGSTOP, say). */
  pid(): number | undefined;
}

export function redisBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/** Returns the server, or undefined after marking the test skipped when redis-server is absent. */
export async function startRedis(t: TestContext, options: { args?: string[] } = {}): Promise<RedisServer | undefined> {
  const binary = redisBinary();
  if (!binary) {
    const notice = 'redis-server is not installed: skipping (install it with `apt-get install redis-server`)';
    process.stderr.write(`NOTICE: ${notice}\n`);
    t.skip(notice);
    return undefined;
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(options.args ?? [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    await waitForReady(child, port);
  };
  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  await start();
  t.after(stop);
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, pid: () => child?.pid };
}

/** Resolves when the server says it accepts connections; rejects if it exits first. */
function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`redis-server on port ${port} exited with code ${code} before it was ready:\n${seen}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}
