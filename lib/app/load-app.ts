// Loads the app module and checks its shape, so a mistake is reported once by the primary with
// the file and the key, instead of as a crash loop in every child.
import { pathToFileURL } from 'node:url';
import type { AppDefinition } from './types.js';
import { AppError, checkApp, describeKind, looksLikeApp } from './check-app.js';
import { syntaxErrorLocation } from './syntax-error-location.js';

export { AppError, checkApp };

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
  return checkApp(defaultExport(module, shownPath), shownPath);
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

