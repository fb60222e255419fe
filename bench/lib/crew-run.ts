// Runs `crew start` for a benchmark with the json log stream and keeps crew's own records (the
// component "crew": started, ready, exited, restarting) so the benchmark can wait for them.
// Every other line is read and counted, never left in the pipe: a benchmark that stopped
// reading would make crew wait on a full pipe and measure that instead.
import type { ChildProcess } from 'node:child_process';
import { crewBin } from './paths.js';
import { spawnGroup, stopGroup } from './processes.js';

export interface CrewRecord {
  timestamp: string;
  level: string;
  message: string;
  component: string;
  /** performance.now() when the bench read it. */
  readAt: number;
  [key: string]: unknown;
}

export interface CrewRun {
  process: ChildProcess;
  records: CrewRecord[];
  /** Lines of other components read so far. */
  otherLines(): number;
  stderr(): string;
  /** The first record (past or future) from index `from` on that matches. */
  waitFor(match: (record: CrewRecord) => boolean, what: string, timeoutMs?: number, from?: number): Promise<CrewRecord>;
  stop(): Promise<void>;
}

/** `tag started (pid N)` and `tag ready in N ms`, as crew writes them. */
export const startedPid = (record: CrewRecord, tag: string): number | undefined => {
  const match = new RegExp(`^${tag.replace('.', '\\.')} started \\(pid (\\d+)\\)`).exec(record.message);
  return match ? Number(match[1]) : undefined;
};
export const readyMs = (record: CrewRecord, tag: string): number | undefined => {
  const match = new RegExp(`^${tag.replace('.', '\\.')} ready in (\\d+) ms`).exec(record.message);
  return match ? Number(match[1]) : undefined;
};

export function runCrew(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CrewRun {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, CREW_LOG_FORMAT: 'json' };
  const child = spawnGroup(process.execPath, [crewBin, 'start', ...args, '--log-format', 'json'], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: CrewRecord[] = [];
  let others = 0;
  let stderr = '';
  let tail = '';
  let closed = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const now = performance.now();
    const lines = (tail + chunk).split('\n');
    tail = lines.pop() ?? '';
    let fresh = false;
    for (const line of lines) {
      if (!line.includes('"component":"crew"')) {
        others++;
        continue;
      }
      try {
        records.push({ ...(JSON.parse(line) as CrewRecord), readAt: now });
        fresh = true;
      } catch (error) {
        process.stderr.write(`bench: a crew line is not JSON (${(error as Error).message}): ${line.slice(0, 200)}\n`);
      }
    }
    if (fresh) wake();
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  child.once('exit', () => {
    closed = true;
    wake();
  });

  const waitFor: CrewRun['waitFor'] = (match, what, timeoutMs = 30_000, from = 0) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = records.slice(from).find(match);
        if (found) finish(() => resolve(found));
        else if (closed) finish(() => reject(new Error(`crew exited (code ${child.exitCode}, signal ${child.signalCode}) before ${what}; stderr: ${stderr.slice(-2000)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last crew records: ${records.slice(-5).map((r) => r.message).join(' / ')}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  return {
    process: child,
    records,
    otherLines: () => others,
    stderr: () => stderr,
    waitFor,
    stop: () => stopGroup(child),
  };
}
