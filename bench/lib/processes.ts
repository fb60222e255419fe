// Every process a benchmark starts, and the promise that none outlives it. Each is spawned as
// the leader of a process group of its own, so killing the group also takes whatever it forked
// (crew's children, the writer behind a shell pipeline). The groups are SIGKILLed when the
// benchmark ends, however it ends: normally, by an exception, or by Ctrl-C (the groups are in
// sessions of their own, so the terminal's SIGINT does not reach them).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { settlesWithin } from '../../lib/util/with-timeout.js';

const groups = new Set<number>();

export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) groups.add(child.pid);
  child.on('error', (error) => {
    process.stderr.write(`bench: ${command} ${args.join(' ')} failed to start: ${error.message}\n`);
  });
  return child;
}

/** Resolves with the exit once the process is gone (at once if it already is). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Asks the process to stop with `signal`, then kills its whole group after `timeoutMs`. */
export async function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
  const gone = exited(child);
  child.kill(signal);
  const timedOut = !(await settlesWithin(gone, timeoutMs));
  if (timedOut) process.stderr.write(`bench: pid ${child.pid} ignored ${signal} for ${timeoutMs} ms: killing its group\n`);
  if (child.pid !== undefined) killGroup(child.pid);
  await gone;
}

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the whole group is already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  groups.delete(pid);
}

export function killAll(): void {
  for (const pid of [...groups]) killGroup(pid);
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}
