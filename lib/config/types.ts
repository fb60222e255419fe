// The resolved configuration every part of crew reads. Durations are milliseconds and sizes
// are bytes by the time a value reaches this shape; the schema in ./schema.ts produces it.

export type Level = 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';
export const LEVELS: readonly Level[] = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

/** `queue.maxPayload` unless set: far above a typical job's data, far below what hurts Redis or the primary. */
export const DEFAULT_MAX_PAYLOAD = 1024 ** 2;

export interface BackoffConfig {
  initial: number;
  factor: number;
  max: number;
  resetAfter: number;
}

export interface RestartConfig {
  backoff: BackoffConfig;
  intensity: { max: number; window: number };
  giveUp: 'exit' | 'stay';
}

export interface SupervisorConfig {
  grace: number;
  readyTimeout: number;
  watchdog: number;
  memoryLimit: number;
  restart: RestartConfig;
}

/** A component's own `supervisor:` block: any subset, merged over the defaults. */
export type SupervisorOverride = {
  grace?: number;
  readyTimeout?: number;
  watchdog?: number;
  memoryLimit?: number;
  restart?: {
    backoff?: Partial<BackoffConfig>;
    intensity?: Partial<RestartConfig['intensity']>;
    giveUp?: RestartConfig['giveUp'];
  };
};

export interface FileTransportConfig {
  type: 'file';
  filename: string;
  level?: Level;
}

export interface ScheduleConfig {
  cron: string;
  timezone?: string;
  job?: string;
  data?: unknown;
  command?: string;
  timeout?: number;
  overlap?: 'skip' | 'allow';
}

export interface CrewConfig {
  app?: string;
  start: { components: string[] };
  server: {
    port: number;
    host: string;
    instances: number | 'max';
    /** At shutdown, how long the server keeps serving (with /_health at 503) before it stops accepting (ms). */
    drainDelay: number;
    supervisor?: SupervisorOverride;
  };
  worker: { instances: number; queues: string[]; supervisor?: SupervisorOverride };
  scheduler: { supervisor?: SupervisorOverride };
  queue: {
    driver: 'auto' | 'embedded' | 'redis';
    url: string;
    prefix: string;
    maxQueued: number;
    /** The most bytes one job's data may take as JSON; a larger enqueue is refused at the call. */
    maxPayload: number;
    /** redis: how long a job of a worker that stopped answering waits before it runs again (ms). */
    stallInterval: number;
    /** Failed jobs kept per job name for `crew jobs list`, newest first; the oldest beyond are dropped. */
    keepFailed: number;
    /** Succeeded jobs kept per job name for `crew jobs list --state succeeded`. */
    keepSucceeded: number;
  };
  supervisor: SupervisorConfig;
  log: {
    format: 'auto' | 'pretty' | 'json';
    level: Level;
    levels: Record<string, Level>;
    transports: FileTransportConfig[];
  };
  schedules: Record<string, ScheduleConfig>;
  components: Record<string, { instances: number; supervisor?: SupervisorOverride; [key: string]: unknown }>;
  /** The app's own settings (config `settings:`), free-form; typed by the app through defineApp. */
  settings: Record<string, unknown>;
}
