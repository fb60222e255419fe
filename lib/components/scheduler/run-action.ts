// Runs a schedule's action once: a function `(ctx) => ...`, a job to enqueue, or a shell
// command (./run-command.ts), under the schedule's timeout. A run that fails is a result, never
// a throw: the scheduler records it and goes on.
//
// A timeout or a stop aborts the run's signal. A command is then killed; a function or an
// enqueue cannot be, so its result says `timeout` at once while `settled` waits for it to
// return, and the overlap rule keeps counting it as running until then.
import type { CrewContext } from '../../app/types.js';
import type { ResolvedSchedule } from '../../schedule/types.js';
import { runCommand } from './run-command.js';

export type Outcome = 'ok' | 'failed' | 'timeout' | 'stopped';
type AbortReason = 'timeout' | 'stopped';

export interface RunResult {
  outcome: Outcome;
  /** ms from the start of the run to its result. */
  duration: number;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  jobId?: string;
  error?: Error;
}

export interface StartedRun {
  readonly startedAt: number;
  /** The run's result: when it finished, or when its timeout or a stop cut it short. */
  result: Promise<RunResult>;
  /** When the action has really returned; never rejects. */
  settled: Promise<void>;
  /** Asks the run to stop (crew is shutting down): aborts its signal, sends a command SIGTERM. */
  stop(): void;
  /** Kills a command's process group at once; a function or an enqueue cannot be killed. */
  kill(): void;
}

export function startRun(schedule: ResolvedSchedule, ctx: CrewContext, tick: number): StartedRun {
  const startedAt = Date.now();
  const controller = new AbortController();
  let reason: AbortReason | undefined;
  const abort = (why: AbortReason): void => {
    if (reason !== undefined) return;
    reason = why;
    controller.abort(new Error(why === 'timeout' ? `${schedule.name}: timed out after ${schedule.timeout} ms` : `${schedule.name}: crew is stopping`));
  };
  const timer = schedule.timeout === undefined ? undefined : setTimeout(() => abort('timeout'), schedule.timeout);
  const elapsed = () => Date.now() - startedAt;
  const aborted = new Promise<RunResult>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve({ outcome: reason ?? 'stopped', duration: elapsed() }), { once: true });
  });

  let done: Promise<RunResult>;
  let kill = (): void => undefined;
  const action = schedule.action;
  if (action.kind === 'command') {
    const running = runCommand({ command: action.command, schedule: schedule.name, logger: ctx.logger, signal: controller.signal });
    kill = running.kill;
    done = running.result.then(({ exitCode, signal, aborted: wasAborted }) => ({
      outcome: wasAborted ? (reason ?? 'stopped') : exitCode === 0 ? 'ok' : 'failed',
      duration: elapsed(),
      exitCode,
      signal,
    }));
  } else {
    const call: Promise<unknown> =
      action.kind === 'function'
        ? Promise.resolve().then(() => action.run({ ...ctx, schedule: { name: schedule.name, tick: new Date(tick), signal: controller.signal } }))
        : Promise.resolve().then(() => ctx.enqueue(action.job, action.data));
    done = call.then(
      (value): RunResult => (action.kind === 'job' ? { outcome: 'ok', duration: elapsed(), jobId: String(value) } : { outcome: 'ok', duration: elapsed() }),
      (error: unknown): RunResult => ({ outcome: 'failed', duration: elapsed(), error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }
  const settled = done.then(() => clearTimeout(timer));
  // A command reports its own abort once it has exited; the others report it at once.
  const result = action.kind === 'command' ? done : Promise.race([done, aborted]);
  return {
    startedAt,
    result: result.then((r) => {
      clearTimeout(timer);
      return r;
    }),
    settled,
    stop: () => abort('stopped'),
    kill,
  };
}
