// The shape of an app a user writes (SPEC "The app a user writes") and the context crew hands
// to every piece of user code. `Settings` is the type of the app's own config `settings:`
// block, as the app declares it through defineApp<Settings>; it is not checked at run time.
import type Koa from 'koa';
import type { Logger } from 'winston';
import type { CrewConfig } from '../config/types.js';

export interface EnqueueOptions {
  /** Run no sooner than this from now: milliseconds, or a duration such as '30s'. */
  delay?: number | string;
  /** How many times to retry after a failure (overrides the job's own setting). */
  retries?: number;
}

/** The app's own settings when it does not declare their type: any keys, values unknown. */
export type AnySettings = Record<string, unknown>;

/** What every piece of user code receives: routes, jobs, schedules and components. */
export interface CrewContext<Settings extends object = AnySettings> {
  /** The resolved config; `config.settings` is the app's own `settings:` block. */
  config: Omit<CrewConfig, 'settings'> & { settings: Settings };
  logger: Logger;
  env: string;
  component: string;
  instance: number;
  /** Puts a job on the queue and resolves to its id. Rejects for a job name the app does not define. */
  enqueue(job: string, data?: unknown, opts?: EnqueueOptions): Promise<string>;
}

export type JobHandler<Settings extends object = AnySettings> = (data: any, ctx: CrewContext<Settings> & { job: JobInfo }) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

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

export interface JobDefinition<Settings extends object = AnySettings> {
  run: JobHandler<Settings>;
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

export interface ScheduleDefinition<Settings extends object = AnySettings> {
  cron: string;
  timezone?: string;
  run?: (ctx: CrewContext<Settings> & { schedule: ScheduleRun }) => unknown;
  job?: string;
  data?: unknown;
  command?: string;
  timeout?: number | string;
  overlap?: 'skip' | 'allow';
}

export interface ComponentDefinition<Settings extends object = AnySettings> {
  /** Starts the component; crew reports it ready when the promise resolves. */
  start(ctx: CrewContext<Settings>): unknown;
  /** Stops it; crew waits for the promise until the shutdown deadline. */
  stop?(deadline: number): unknown;
}

/**
 * An app: what its module's default export holds. These five keys and nothing else: crew
 * refuses any other key before it starts (a `job:` for `jobs:` would otherwise be ignored).
 */
export interface AppDefinition<Settings extends object = AnySettings> {
  server?: (app: Koa, ctx: CrewContext<Settings>) => unknown;
  jobs?: Record<string, JobHandler<Settings> | JobDefinition<Settings>>;
  schedules?: Record<string, ScheduleDefinition<Settings>>;
  components?: Record<string, ComponentDefinition<Settings>>;
  /** Extra checks shown by `/_health`: name -> resolves truthy when healthy, throws or falsy when not. */
  health?: Record<string, (ctx: CrewContext<Settings>) => unknown>;
}

/** The keys an app may have, in the order messages list them. */
export const APP_KEYS = ['server', 'jobs', 'schedules', 'components', 'health'] as const satisfies ReadonlyArray<keyof AppDefinition>;
