// The shape of an app, checked once by the primary before anything is forked (and again by
// each child, which loads the same module): every key of the default export is one crew knows,
// and every entry under them is what crew will call. A mistake is an AppError naming the
// module, the key and what was found, never an app that silently does less than it says.
import { didYouMean } from '../config/did-you-mean.js';
import { APP_KEYS, type AppDefinition, type JobDefinition } from './types.js';
import { resolveJob } from './job-settings.js';

export class AppError extends Error {
  override name = 'AppError';
}

const BUILT_IN_COMPONENTS = ['server', 'worker', 'scheduler', 'crew'];

/** Words other tools use for what an app calls differently, too far apart for did-you-mean. */
const OTHER_WORDS: Record<string, (typeof APP_KEYS)[number]> = {
  routes: 'server',
  router: 'server',
  middleware: 'server',
  handlers: 'jobs',
  workers: 'jobs',
  tasks: 'jobs',
  cron: 'schedules',
  crons: 'schedules',
  checks: 'health',
};

/** What a value is, as a message says it: `a function`, `an array`, `null`, `a string`. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A plain object holding at least one of the app's keys: what an app left out of `export default` looks like. */
export function looksLikeApp(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.keys(value).some((key) => (APP_KEYS as readonly string[]).includes(key));
}

export function checkApp(app: unknown, where: string): AppDefinition {
  if (typeof app !== 'object' || app === null || Array.isArray(app)) {
    const hint = typeof app === 'function' ? ': to mount routes, write `export default defineApp({ server(app, ctx) { ... } })`' : '';
    throw new AppError(`${where}: the default export must be an app, defineApp({ ... }), found ${describeKind(app)}${hint}`);
  }
  const value = app as Record<string, unknown>;
  checkKeys(value, where);
  if (value.server !== undefined && typeof value.server !== 'function') {
    throw new AppError(`${where}: server must be a function (app, ctx) => void, found ${describeKind(value.server)}`);
  }
  for (const key of ['jobs', 'schedules', 'components', 'health'] as const) {
    const entry = value[key];
    if (entry !== undefined && (typeof entry !== 'object' || entry === null || Array.isArray(entry))) {
      throw new AppError(`${where}: ${key} must be an object of named entries, found ${describeKind(entry)}`);
    }
  }
  for (const [name, job] of Object.entries((value.jobs ?? {}) as Record<string, unknown>)) {
    const run = typeof job === 'function' ? job : (job as { run?: unknown } | null)?.run;
    if (typeof run !== 'function') throw new AppError(`${where}: jobs.${name} must be a function or { run, ... }`);
    try {
      resolveJob(name, job as JobDefinition);
    } catch (error) {
      throw new AppError(`${where}: ${(error as Error).message}`);
    }
  }
  for (const [name, component] of Object.entries((value.components ?? {}) as Record<string, unknown>)) {
    if (BUILT_IN_COMPONENTS.includes(name)) {
      throw new AppError(`${where}: components.${name}: "${name}" is a built-in component name; choose another`);
    }
    if (typeof (component as { start?: unknown } | null)?.start !== 'function') {
      throw new AppError(`${where}: components.${name} must be { start(ctx), stop?() }`);
    }
  }
  for (const [name, check] of Object.entries((value.health ?? {}) as Record<string, unknown>)) {
    if (typeof check !== 'function') throw new AppError(`${where}: health.${name} must be a function`);
  }
  return value as AppDefinition;
}

/** Refuses any key but the app's own: `job:` for `jobs:` would otherwise leave the jobs out, silently. */
function checkKeys(app: Record<string, unknown>, where: string): void {
  const unknown = Object.keys(app).filter((key) => !(APP_KEYS as readonly string[]).includes(key));
  if (unknown.length === 0) return;
  const named = unknown.map((key) => {
    const suggestion = didYouMean(key, APP_KEYS) ?? (Object.hasOwn(OTHER_WORDS, key) ? OTHER_WORDS[key] : undefined);
    if (suggestion) return `${JSON.stringify(key)} (did you mean "${suggestion}"?)`;
    // `module.exports.app = defineApp(...)` in CommonJS: the app is one level down.
    if (looksLikeApp(app[key])) return `${JSON.stringify(key)} (it looks like an app itself: make it the default export)`;
    return JSON.stringify(key);
  });
  const which = unknown.length === 1 ? 'a key' : 'keys';
  throw new AppError(`${where}: the default export has ${which} crew does not know: ${named.join(', ')}; an app has only ${APP_KEYS.join(', ')}`);
}
