// Runs a schedule's shell `command` with `sh -c`, in a process group of its own so that a
// timeout or a stop reaches everything it started (a pipeline, a script's children), not only
// the shell. Its stdout and stderr lines become records of the scheduler carrying the
// schedule's name; its exit code and signal are what the run reports.
//
// Promises: every line the command writes is relayed, whole or in marked pieces (none is
// dropped); a command that outlives an abort is sent SIGTERM, then SIGKILL after KILL_AFTER_MS;
// and no command's group outlives the scheduler process when it exits on its own terms (a
// SIGKILL of the scheduler itself cannot be caught: its commands then run to their own end).
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Logger } from 'winston';
import { CONTINUED, LineSplitter, type Part } from '../../log/line-splitter.js';

/** How long a command gets between SIGTERM and SIGKILL. */
export const KILL_AFTER_MS = 2000;
/** Longer lines are relayed in pieces, so a record stays well under the log stream's line limit. */
const MAX_LINE_BYTES = 16 * 1024;
/** How long the run waits, after the shell exits, for the rest of its output. */
const OUTPUT_WAIT_MS = 500;

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The command was stopped by an abort (its timeout, or the scheduler stopping). */
  aborted: boolean;
}

export interface CommandOptions {
  command: string;
  schedule: string;
  logger: Logger;
  /** Aborting sends the group SIGTERM, then SIGKILL after KILL_AFTER_MS. */
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface RunningCommand {
  result: Promise<CommandResult>;
  /** SIGKILL to the whole group, now. */
  kill(): void;
}

// Groups still running, killed when this process exits.
const live = new Set<number>();
let exitHookInstalled = false;

export function runCommand(options: CommandOptions): RunningCommand {
  installExitHook();
  const child = spawn('sh', ['-c', options.command], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  const pid = child.pid;
  let exited = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (pid === undefined || exited) return;
    try {
      process.kill(-pid, signal);
    } catch (error) {
      // ESRCH: the group is already gone, which is what we wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  const onAbort = (): void => {
    aborted = true;
    signalGroup('SIGTERM');
    killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS);
  };

  if (pid !== undefined) live.add(pid);
  const relays = [relayLines(child.stdout, 'stdout', options), relayLines(child.stderr, 'stderr', options)];
  const result = new Promise<CommandResult>((resolve) => {
    child.once('error', (error) => {
      // spawn itself failed (no `sh`): report it as a failed run.
      exited = true;
      options.logger.error(`${options.schedule}: could not start the command: ${error.message}`, { schedule: options.schedule });
      resolve({ exitCode: null, signal: null, aborted });
    });
    child.once('exit', (exitCode, signal) => {
      exited = true;
      if (pid !== undefined) live.delete(pid);
      clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      // The shell's last lines may still be in the pipes; a background process it left may
      // hold them open for good, so the run ends at most OUTPUT_WAIT_MS after the shell. What
      // such a process writes later is still relayed, after the run's record.
      const wait = setTimeout(finish, OUTPUT_WAIT_MS);
      void Promise.all(relays).then(finish);
      function finish(): void {
        clearTimeout(wait);
        resolve({ exitCode, signal, aborted });
      }
    });
  });
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });

  return { result, kill: () => signalGroup('SIGKILL') };
}

function relayLines(stream: Readable, name: 'stdout' | 'stderr', options: CommandOptions): Promise<void> {
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const level = name === 'stdout' ? 'info' : 'error';
  const fields = { schedule: options.schedule, stream: name };
  const sink = (buf: Buffer, start: number, end: number, part: Part): void => {
    const text = buf.toString('utf8', start, end);
    options.logger.log(level, text, part === CONTINUED ? { ...fields, continued: true } : fields);
  };
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => splitter.push(chunk, sink));
    stream.once('close', () => {
      splitter.end(sink);
      resolve();
    });
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch (error) {
        // ESRCH: it ended meanwhile. Anything else cannot be mended while exiting; say so.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
          process.stderr.write(`crew scheduler: could not kill command group ${pid}: ${(error as Error).message}\n`);
        }
      }
    }
  });
}
