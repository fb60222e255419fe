// What crew knows of a schedule beyond its definition: whether an operator paused it, and its
// last run (when, how it ended, on which host). The scheduler asks before each tick whether the
// schedule is paused and tells how each run went (ScheduleGate); `crew scheduler list`, `pause`
// and `resume` read and change it (ScheduleKeeper). With the redis driver both live in Redis,
// for every crew sharing it and across restarts (lib/queue/redis/schedule-state.ts); with the embedded driver
// the running crew's primary holds them (lib/queue/embedded/schedule-keeper.ts).

export const RUN_OUTCOMES = ['running', 'ok', 'failed', 'timeout', 'stopped'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface LastRun {
  /** The fire time it ran for (ISO 8601). */
  tick: string;
  started: string;
  /** ms; null while it runs. */
  duration: number | null;
  outcome: RunOutcome;
  /** `hostname:pid` of the scheduler that ran it. */
  host: string;
  /** The first line of its error, when it failed. */
  error?: string;
}

export interface ScheduleState {
  /** When it was paused (ISO 8601), or null. */
  pausedSince: string | null;
  lastRun: LastRun | null;
}

export interface ScheduleGate {
  /** Where a pause holds: `this crew` or the Redis URL, password masked. */
  readonly scope: string;
  /** Rejects when it cannot be known: the tick is then skipped, not fired unguarded. */
  isPaused(name: string): Promise<boolean>;
  recordRun(name: string, run: LastRun): Promise<void>;
  close(): Promise<void>;
}

export interface PauseResult {
  name: string;
  /** False when it already was paused (or, for resume, was not). */
  changed: boolean;
  pausedSince: string | null;
  scope: string;
}

export interface ScheduleKeeper {
  readonly scope: string;
  states(names: readonly string[]): Promise<Record<string, ScheduleState>>;
  pause(name: string): Promise<PauseResult>;
  resume(name: string): Promise<PauseResult>;
  close(): Promise<void>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is string => typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));

/** A last run as another process (or Redis) handed it over; null when it is not one. */
export function parseLastRun(value: unknown): LastRun | null {
  if (typeof value === 'string') {
    try {
      return parseLastRun(JSON.parse(value));
    } catch {
      // Not JSON: no last run can be told.
      return null;
    }
  }
  if (!isObject(value)) return null;
  const { tick, started, duration, outcome, host, error } = value;
  if (!isTime(tick) || !isTime(started) || !(RUN_OUTCOMES as readonly unknown[]).includes(outcome)) return null;
  if (duration !== null && !(typeof duration === 'number' && Number.isFinite(duration) && duration >= 0)) return null;
  if (typeof host !== 'string' || host.length > 300) return null;
  const run: LastRun = { tick, started, duration, outcome: outcome as RunOutcome, host };
  if (typeof error === 'string') run.error = error.slice(0, 500);
  return run;
}

/** A pause as Redis keeps it: `{ since }`; null when unreadable (the schedule counts as paused anyway). */
export function parsePause(value: unknown): string | null {
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return isObject(parsed) && isTime(parsed.since) ? parsed.since : null;
  } catch {
    // Hand-written, say: paused, since an unknown time.
    return null;
  }
}
