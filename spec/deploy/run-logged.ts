// Runs any command whose stdout is crew's JSON log stream — crew behind tini in a PID
// namespace, a Procfile line through sh — and reads its records. The command leads a process
// group of its own, and the whole group is SIGKILLed when the test ends, passed or failed.
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import type { Exit, LogRecord } from '../helpers/crew-process.js';

export interface Logged {
  process: ChildProcess;
  records: LogRecord[];
  lines: string[];
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves with the first record (past or future) that matches; rejects when the command exits first or after `timeoutMs`. */
  waitFor(match: (record: LogRecord) => boolean, what: string, timeoutMs?: number): Promise<LogRecord>;
  waitForCount(match: (record: LogRecord) => boolean, count: number, what: string, timeoutMs?: number): Promise<LogRecord[]>;
}

const SAFETY_TIMEOUT_MS = 30_000;

export function runLogged(t: TestContext, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Logged {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const records: LogRecord[] = [];
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  let stderr = '';
  let tail = '';
  let exit: Exit | undefined;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (tail + chunk).split('\n');
    tail = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      try {
        records.push(JSON.parse(line) as LogRecord);
      } catch {
        // Not a record (a tool's own line): kept in `lines`.
      }
    }
    wake();
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<void>((resolve) => child.stdout!.once('close', resolve));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      void closed.then(() => {
        exit = { code, signal };
        wake();
        resolve(exit);
      });
    });
  });
  t.after(async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch (error) {
      // ESRCH: the group is gone already, the normal case.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await exited;
  });

  const waitForCount = (match: (record: LogRecord) => boolean, count: number, what: string, timeoutMs = SAFETY_TIMEOUT_MS) =>
    new Promise<LogRecord[]>((resolve, reject) => {
      const found: LogRecord[] = [];
      let scanned = 0;
      const done = (error?: Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(found);
      };
      const context = () => `; last lines:\n${lines.slice(-12).join('\n')}\nstderr: ${stderr.slice(-2000)}`;
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}${context()}`)), timeoutMs);
      const check = () => {
        for (; scanned < records.length && found.length < count; scanned++) if (match(records[scanned]!)) found.push(records[scanned]!);
        if (found.length >= count) done();
        else if (exit) done(new Error(`${command} exited (${JSON.stringify(exit)}) before ${what}${context()}`));
      };
      waiters.add(check);
      check();
    });

  return {
    process: child,
    records,
    lines,
    stderr: () => stderr,
    exited,
    waitForCount,
    waitFor: (match, what, timeoutMs) => waitForCount(match, 1, what, timeoutMs).then((found) => found[0]!),
  };
}

/** crew's "<tag> ready in N ms" records. */
export const isReady = (record: LogRecord): boolean => record.component === 'crew' && / ready in \d+ ms/.test(record.message);
