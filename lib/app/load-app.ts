// Loads the app module and checks its shape, so a mistake is reported once by the primary with
// the file and the key, instead of as a crash loop in every child. A module that does not
// parse is reported as `file:line`, the line of code and a caret, in plain JavaScript as in
// TypeScript, never as a stack of the compiler's or Node's own internals.
import { pathToFileURL } from 'node:url';
import type { AppDefinition } from './types.js';
import { AppError, checkApp, describeKind, looksLikeApp } from './check-app.js';
import { describeTransformError, isTransformError, syntaxErrorLocation } from './syntax-error-location.js';
import { isTypeScript } from './typescript-path.js';

export { AppError, checkApp };

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
    const compiled = describeTransformError(error);
    if (compiled) throw new AppError(`app module ${shownPath} failed to load: ${compiled}`, { cause: error });
    const where = await syntaxErrorLocation(error, absolutePath);
    if (where) throw new AppError(`app module ${shownPath} failed to load: ${err.name}: ${err.message} at ${where}`, { cause: error });
    // A missing import says which module and from where; Node's stack below it is its own.
    if (isModuleNotFound(error)) throw new AppError(`app module ${shownPath} failed to load: ${err.message}`, { cause: error });
    throw new AppError(`app module ${shownPath} failed to load: ${err.stack ?? err.message}`, { cause: error });
  }
  return checkApp(defaultExport(module, shownPath), shownPath);
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * An app that failed to load in a way only a change to its code can mend: a module that does
 * not parse, an import that does not exist, an export of the wrong shape, no tsx for a
 * TypeScript app. Restarting the child would fail the same way. Not so an error the module's
 * own code threw while it ran (a service not up yet, say): a restart may mend that.
 */
export function mendedOnlyByChange(error: AppError): boolean {
  const cause = error.cause;
  return cause === undefined || cause instanceof SyntaxError || isTransformError(cause) || isModuleNotFound(cause);
}

/**
 * The module's default export: the app. A module without one is refused (with `export const
 * app = …` crew would otherwise find no jobs, no routes, and start an empty app). A CommonJS
 * module's `module.exports` is its default export; one compiled from TypeScript or Babel
 * (`exports.default = …` with `__esModule`) holds the app one level down.
 */
export function defaultExport(module: Record<string, unknown>, shownPath: string): unknown {
  if (!Object.hasOwn(module, 'default')) {
    const names = Object.keys(module);
    const exported = names.length === 0 ? 'it exports nothing' : `it exports only ${names.join(', ')}`;
    const app = names.find((name) => looksLikeApp(module[name]));
    const fix = app ? `write \`export default ${app}\`` : 'write `export default defineApp({ ... })`';
    throw new AppError(`app module ${shownPath} has no default export (${exported}): ${fix}`);
  }
  const value = module.default;
  if (typeof value === 'object' && value !== null && (value as { __esModule?: unknown }).__esModule === true && Object.hasOwn(value, 'default')) {
    return (value as { default: unknown }).default;
  }
  if (value === undefined) throw new AppError(`app module ${shownPath}: the default export is ${describeKind(value)}: write \`export default defineApp({ ... })\``);
  return value;
}

