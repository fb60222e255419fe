// Loads the app module and checks its shape, so a mistake is reported once by the primary with
// the file and the key, instead of as a crash loop in every child.
import { pathToFileURL } from 'node:url';
import type { AppDefinition, JobDefinition } from './types.js';
import { resolveJob } from './job-settings.js';
import { syntaxErrorLocation } from './syntax-error-location.js';

export class AppError extends Error {
  override name = 'AppError';
}

const TYPESCRIPT = /\.[mc]?tsx?$/;

export function isTypeScript(path: string): boolean {
  return TYPESCRIPT.test(path);
}

/** Makes `import()` of .ts files work in this process (development only; production runs compiled JavaScript). */
async function enableTypeScript(): Promise<void> {
  try {
    // Both loaders, as `node --import tsx` has them: a .ts file outside a `"type": "module"`
    // package is CommonJS to Node, and only tsx's require hook compiles it.
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    esm.register();
    cjs.register();
  } catch (error) {
    throw new AppError(`cannot load a TypeScript app without the tsx package (${(error as Error).message}): install it with \`npm install --save-dev tsx\`, or build the app and point --app at the compiled .js`);
  }
}

export async function loadApp(absolutePath: string, shownPath = absolutePath): Promise<AppDefinition> {
  if (isTypeScript(absolutePath) && !process.execArgv.some((arg) => arg.includes('tsx'))) await enableTypeScript();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(absolutePath).href)) as Record<string, unknown>;
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(absolutePath)) {
      throw new AppError(`app module ${shownPath} does not exist: pass --app PATH or set \`app:\` in config${absolutePath.includes('/dist/') ? ' (run `npm run build` first?)' : ''}`);
    }
    const where = await syntaxErrorLocation(error, absolutePath);
    if (where) throw new AppError(`app module ${shownPath} failed to load: ${err.name}: ${err.message} at ${where}`, { cause: error });
    throw new AppError(`app module ${shownPath} failed to load: ${err.stack ?? err.message}`, { cause: error });
  }
  const app = (module.default ?? module) as unknown;
  return checkApp(app, shownPath);
}

export function checkApp(app: unknown, where: string): AppDefinition {
  if (typeof app !== 'object' || app === null) {
    throw new AppError(`${where}: the default export must be an app (defineApp({...})), found ${typeof app}`);
  }
  const value = app as Record<string, unknown>;
  if (value.server !== undefined && typeof value.server !== 'function') {
    throw new AppError(`${where}: server must be a function (app, ctx) => void, found ${typeof value.server}`);
  }
  for (const key of ['jobs', 'schedules', 'components', 'health'] as const) {
    const entry = value[key];
    if (entry !== undefined && (typeof entry !== 'object' || entry === null || Array.isArray(entry))) {
      throw new AppError(`${where}: ${key} must be an object of named entries, found ${Array.isArray(entry) ? 'an array' : typeof entry}`);
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
    if (['server', 'worker', 'scheduler', 'crew'].includes(name)) {
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
