// The shape of an app a user writes (SPEC "The app a user writes") and the context crew hands
// to every piece of user code.
import type Koa from 'koa';
import type { Logger } from 'winston';
import type { CrewConfig } from '../config/types.js';

export interface EnqueueOptions {
  /** Run no sooner than this from now: milliseconds, or a duration such as '30s'. */
  delay?: number | string;
  /** How many times to retry after a failure (overrides the job's own setting). */
  retries?: number;
}

/** What every piece of user code receives: routes, jobs, schedules and components. */
export interface CrewContext {
  config: CrewConfig;
  logger: Logger;
  env: string;
  component: string;
  instance: number;
  /** Puts a job on the queue and resolves to its id. Rejects for a job name the app does not define. */
  enqueue(job: string, data?: unknown, opts?: EnqueueOptions): Promise<string>;
}

export type JobHandler = (data: any, ctx: CrewContext & { job: JobInfo }) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface JobInfo {
  id: string;
  name: string;
  /** 1 for the first run, 2 for the first retry…; a re-run after a worker died keeps its number. */
  attempt: number;
  /** The most attempts this job gets (1 + its retries). */
  attempts: number;
  /**
   * Aborted when the attempt's `timeout` passes. crew cannot stop a running function: a handler
   * that ignores the signal keeps running in the background, its outcome discarded.
   */
  signal: AbortSignal;
}

export interface JobDefinition {
  run: JobHandler;
  /** Runs of this job at a time in one worker process (default 1). */
  concurrency?: number;
  /** Further attempts after a failure (default 0). */
  retries?: number;
  /** Wait before a retry (default exponential from 1s): fixed waits `delay` each time, exponential doubles it. */
  backoff?: { type?: 'fixed' | 'exponential'; delay?: number | string };
  /** How long one attempt may take (a duration; default: no limit). Past it the attempt fails. */
  timeout?: number | string;
}

/** What a schedule's `run` function gets besides the context: which tick it is running. */
export interface ScheduleRun {
  /** The schedule's name. */
  name: string;
  /** The fire time this run is for (not when it started). */
  tick: Date;
  /** Aborted when the run's timeout passes or crew stops past its grace: stop then. */
  signal: AbortSignal;
}

export interface ScheduleDefinition {
  cron: string;
  timezone?: string;
  run?: (ctx: CrewContext & { schedule: ScheduleRun }) => unknown;
  job?: string;
  data?: unknown;
  command?: string;
  timeout?: number | string;
  overlap?: 'skip' | 'allow';
}

export interface ComponentDefinition {
  /** Starts the component; crew reports it ready when the promise resolves. */
  start(ctx: CrewContext): unknown;
  /** Stops it; crew waits for the promise until the shutdown deadline. */
  stop?(deadline: number): unknown;
}

export interface AppDefinition {
  name?: string;
  server?: (app: Koa, ctx: CrewContext) => unknown;
  jobs?: Record<string, JobHandler | JobDefinition>;
  schedules?: Record<string, ScheduleDefinition>;
  components?: Record<string, ComponentDefinition>;
  /** Extra checks shown by `/_health`: name -> resolves truthy when healthy, throws or falsy when not. */
  health?: Record<string, (ctx: CrewContext) => unknown>;
}
