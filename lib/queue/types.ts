// The job queue as the rest of crew sees it, whichever driver is behind it: `enqueue` for every
// piece of user code, `consume` for the worker component, `check` for `/_health`. Both drivers
// promise the same semantics (see ../components/worker and the drivers' own headers).
import type { EnqueueOptions } from '../app/types.js';

export type DriverName = 'embedded' | 'redis';

/** One run of one job, as the driver hands it to a worker. */
export interface JobRun {
  id: string;
  name: string;
  data: unknown;
  /** 1 for the first run, 2 for the first retry…; a re-run after a worker died keeps its number. */
  attempt: number;
  /** The most attempts the job gets (1 + its retries). A failure of attempt < attempts is retried. */
  attempts: number;
}

/** Runs one job: resolves when it succeeded, rejects with its error when it failed. */
export type RunJob = (run: JobRun) => Promise<void>;

export interface ConsumedJob {
  name: string;
  /** Runs of this job at a time in this process. */
  concurrency: number;
}

export interface Consumption {
  /** Takes no new jobs, then resolves once the driver has let go: active runs settled or the deadline passed. */
  stop(deadline: number): Promise<void>;
}

export interface QueueDriver {
  readonly driver: DriverName;
  /** Resolves to the job's id once the queue holds it; rejects, with a message saying why, within a bound. */
  enqueue(job: string, data?: unknown, opts?: EnqueueOptions): Promise<string>;
  /** Starts taking the named jobs; resolves once connected and processing. */
  consume(jobs: ConsumedJob[], run: RunJob): Promise<Consumption>;
  /** Resolves when the queue is reachable; rejects saying why not. */
  check(): Promise<void>;
  /** Hears the queue becoming unusable (the reason) and usable again (undefined); drivers with nothing to lose leave it out. */
  watch?(listener: (problem: string | undefined) => void): void;
  /** Lets go of connections and timers. Safe to call twice. */
  close(): Promise<void>;
}

export interface JobCounts {
  waiting: number;
  active: number;
  succeeded: number;
  failed: number;
  delayed: number;
}

export interface QueueStats {
  driver: DriverName;
  jobs: Record<string, JobCounts>;
}

export const emptyCounts = (): JobCounts => ({ waiting: 0, active: 0, succeeded: 0, failed: 0, delayed: 0 });
