// The values a label may take, and how an observation is brought into them. Every label set
// crew exports is bounded: methods are a fixed list, statuses a class, outcomes a fixed list;
// job and schedule names are the app's own (the primary drops any other); a route is what the
// app's router named (`ctx._matchedRoute`), never the raw path, and at most MAX_ROUTES of them
// are kept, later ones counted under OTHER_ROUTE, so even a router that names routes by their
// path cannot grow the series without bound. No job id and no URL path is ever a label.

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'] as const;
export type Method = (typeof METHODS)[number];

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** A job attempt: it succeeded, failed and runs again, or failed for good. */
export const JOB_OUTCOMES = ['succeeded', 'retried', 'failed'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

/** What became of a tick: it fired, or why it did not (and ticks missed while the scheduler was held up). */
export const TICK_OUTCOMES = ['fired', 'skipped_overlap', 'skipped_another_host', 'paused', 'skipped_unavailable', 'skipped_stopping', 'missed'] as const;
export type TickOutcome = (typeof TICK_OUTCOMES)[number];

/** How a fired run ended (lib/components/scheduler/run-action.ts). */
export const RUN_OUTCOMES = ['ok', 'failed', 'timeout', 'stopped'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const MAX_ROUTES = 100;
export const OTHER_ROUTE = '(other)';
/** Longer names (routes, jobs, schedules) are cut: a label value is for reading, not for storing data. */
export const MAX_NAME = 200;
/** Upper bounds on what one report may carry, whatever the child: what the primary accepts. */
export const MAX_SERIES = 2000;

/** The index of `method` in METHODS; any method outside the common ones is OTHER. */
export function methodIndex(method: string): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'HEAD':
      return 1;
    case 'POST':
      return 2;
    case 'PUT':
      return 3;
    case 'PATCH':
      return 4;
    case 'DELETE':
      return 5;
    case 'OPTIONS':
      return 6;
    default:
      return 7;
  }
}

/** 0 for 1xx … 4 for 5xx; a status outside 100–599 counts as 5xx (it is a server's mistake). */
export function statusClassIndex(status: number): number {
  const tens = Math.floor(status / 100);
  return tens >= 1 && tens <= 5 ? tens - 1 : 4;
}

/** The route the app's router named, as a label value: '' when none (or not a string). */
export function routeName(route: unknown): string {
  if (typeof route !== 'string') return '';
  return route.length > MAX_NAME ? route.slice(0, MAX_NAME) : route;
}
