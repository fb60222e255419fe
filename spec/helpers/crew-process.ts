// Runs the real `crew` CLI for a spec and reads its JSON log stream. Every process it starts is
// killed when the test ends, passed or failed: the primary, and every child it reported.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { TestContext } from 'node:test';
import { crewBin } from './paths.js';

export interface LogRecord {
  timestamp: string;
  level: string;
  message: string;
  component: string;
  instance: number;
  pid: number;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CrewProcess {
  process: ChildProcess;
  /** Every JSON record so far (non-JSON stdout lines are kept in `lines` only). */
  records: LogRecord[];
  lines: string[];
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves with the first record (past or future) that matches; rejects if crew exits first or the safety timeout passes. */
  waitFor(match: (record: LogRecord) => boolean, what?: string, timeoutMs?: number): Promise<LogRecord>;
  /** Waits until `count` matching records have arrived. */
  waitForCount(match: (record: LogRecord) => boolean, count: number, what?: string, timeoutMs?: number): Promise<LogRecord[]>;
  /** Resolves with the first stdout line (past or future) that matches: for pretty runs. */
  waitForLine(match: (line: string) => boolean, what?: string, timeoutMs?: number): Promise<string>;
  signal(signal: NodeJS.Signals): void;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Keep the raw stdout instead of parsing (floods). */
  raw?: boolean;
  /** What node runs instead of the bundled executable, e.g. tsx and the TypeScript sources. */
  entry?: string[];
}

const SAFETY_TIMEOUT_MS = 30_000;

export function runCrew(t: TestContext, args: string[], options: RunOptions = {}): CrewProcess {
  const env: Record<string, string | undefined> = { ...process.env, CREW_LOG_FORMAT: 'json', NODE_ENV: 'test', ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [...(options.entry ?? [crewBin]), ...args], { cwd: options.cwd ?? process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: LogRecord[] = [];
  const lines: string[] = [];
  const childPids = new Set<number>();
  let stderr = '';
  const waiters: Array<() => void> = [];
  let exit: Exit | undefined;

  let tail = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (tail + chunk).split('\n');
    tail = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (options.raw) continue;
      try {
        const record = JSON.parse(line) as LogRecord;
        records.push(record);
        if (record.component !== 'crew' && typeof record.pid === 'number') childPids.add(record.pid);
        const started = /started \(pid (\d+)\)/.exec(record.message ?? '');
        if (started) childPids.add(Number(started[1]));
      } catch {
        // Not JSON: a pretty-format run or a raw line; it stays in `lines`.
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const stdoutClosed = new Promise<void>((resolve) => child.stdout!.once('close', resolve));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Let the last stdout data arrive before waking waiters that check `exit`.
      void stdoutClosed.then(() => {
        if (tail) lines.push(tail);
        tail = '';
        for (const wake of waiters.splice(0)) wake();
        resolve({ code, signal });
      });
    });
  });

  t.after(async () => {
    if (exit === undefined) {
      child.kill('SIGKILL');
      await exited;
    }
    for (const pid of childPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: the normal case.
      }
    }
  });

  const waitUntil = <T>(found: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}; last lines:\n${lines.slice(-15).join('\n')}\nstderr: ${stderr}`));
      }, timeoutMs);
      const check = () => {
        const value = found();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        } else if (exit !== undefined && child.stdout!.closed) {
          clearTimeout(timer);
          reject(new Error(`crew exited (${JSON.stringify(exit)}) before ${what}; last lines:\n${lines.slice(-15).join('\n')}\nstderr: ${stderr}`));
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  // Each wait scans only what arrived since its last look: a flood of 400k lines stays linear.
  const waitForCount = (match: (r: LogRecord) => boolean, count: number, what = 'a matching record', timeoutMs = SAFETY_TIMEOUT_MS) => {
    const found: LogRecord[] = [];
    let scanned = 0;
    return waitUntil(() => {
      for (; scanned < records.length && found.length < count; scanned += 1) if (match(records[scanned]!)) found.push(records[scanned]!);
      return found.length >= count ? found : undefined;
    }, what, timeoutMs);
  };
  const waitForLine = (match: (line: string) => boolean, what = 'a matching line', timeoutMs = SAFETY_TIMEOUT_MS) => {
    let scanned = 0;
    return waitUntil(() => {
      for (; scanned < lines.length; scanned += 1) if (match(lines[scanned]!)) return lines[scanned]!;
      return undefined;
    }, what, timeoutMs);
  };

  return {
    process: child,
    records,
    lines,
    stderr: () => stderr,
    exited,
    waitForCount,
    waitFor: (match, what, timeoutMs) => waitForCount(match, 1, what, timeoutMs).then((found) => found[0]!),
    waitForLine,
    signal: (signal) => child.kill(signal),
  };
}

/** Runs crew to completion (for commands and refusals): stdout, stderr and exit code. */
export function runCrewToEnd(args: string[], options: RunOptions = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, CREW_LOG_FORMAT: 'json', NODE_ENV: 'test', ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.entry ?? [crewBin]), ...args], { cwd: options.cwd ?? process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), SAFETY_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Is a pid still running? A child whose parent died is reparented, and until its new parent
 * reaps it, it lingers as a zombie that signal 0 still finds: a zombie has exited.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) STATE ..."; comm may hold spaces, so read after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // No /proc entry: gone between the two looks.
    return false;
  }
}
