// `crew start --watch` (development): watches the project's sources and has the supervisor
// replace the children when they change. It is responsible for:
// - what counts as a source: files ending in a JavaScript, TypeScript or JSON extension under
//   the working folder (and the app's and the config's folders when they lie outside it),
//   never under node_modules, .git, coverage or a dot-folder, and never a log file crew writes;
// - one reload per burst of changes (an editor's save, a `git checkout`): events are gathered
//   until DEBOUNCE_MS pass without one, and a burst arriving during a reload runs once after it;
// - config files: read once at start (flags and the environment were merged into them), so a
//   change is reported with what to do, not half-applied to new children.
import fs from 'node:fs';
import path from 'node:path';
import type { CrewLogger } from '../log/index.js';

export interface WatchSourcesOptions {
  cwd: string;
  appPath: string;
  configDir: string;
  /** Files crew itself writes (log transports): never sources. */
  written: string[];
  log: CrewLogger;
  /** Replaces the children; resolves when that is done. */
  reload(reason: string): Promise<void>;
}

export interface SourceWatch {
  close(): Promise<void>;
}

const DEBOUNCE_MS = 150;
const SOURCE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx', '.json']);
const CONFIG_EXTENSIONS = new Set(['.yaml', '.yml']);
const SKIPPED_FOLDERS = new Set(['node_modules', 'coverage']);

export async function watchSources(options: WatchSourcesOptions): Promise<SourceWatch> {
  const { cwd, configDir, log } = options;
  // Loaded only for --watch, like every part a plain start does not use.
  const { watch } = await import('chokidar');
  // A config folder is optional: one that does not exist is not watched.
  const candidates = [...new Set([cwd, path.dirname(options.appPath), configDir])].filter((dir) => fs.existsSync(dir));
  const roots = candidates.filter((dir) => !candidates.some((other) => other !== dir && inside(dir, other)));
  const written = new Set(options.written.map((file) => path.resolve(cwd, file)));
  const kindOf = (file: string): 'source' | 'config' | undefined => {
    if (written.has(file)) return undefined;
    const extension = path.extname(file);
    if (inside(file, configDir)) return CONFIG_EXTENSIONS.has(extension) ? 'config' : undefined;
    return SOURCE_EXTENSIONS.has(extension) ? 'source' : undefined;
  };
  const skipped = (file: string): boolean => {
    const root = roots.find((dir) => inside(file, dir));
    if (!root) return false;
    return path
      .relative(root, file)
      .split(path.sep)
      .some((part) => SKIPPED_FOLDERS.has(part) || (part.startsWith('.') && part !== '.' && part !== '..'));
  };

  const watcher = watch(roots, {
    ignoreInitial: true,
    // Files of no interest are not watched at all; a folder is decided on by its name alone.
    ignored: (file, stats) => skipped(file) || (stats?.isFile() === true && kindOf(file) === undefined),
  });

  const sources = new Set<string>();
  const configs = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const shown = (file: string) => path.relative(cwd, file) || '.';

  const flush = () => {
    timer = undefined;
    if (configs.size > 0) {
      const files = [...configs].map(shown);
      configs.clear();
      log.warn(`${files.join(', ')} changed: config is read once, at start; stop and start crew to apply it (--watch reloads sources only)`, { changed: files });
    }
    if (sources.size === 0) return;
    if (reloading) {
      again = true;
      return;
    }
    const files = [...sources].map(shown);
    sources.clear();
    const reason = `${files[0]}${files.length > 1 ? ` and ${files.length - 1} more` : ''} changed`;
    log.info(`${reason}: reloading (--watch)`, { changed: files });
    reloading = options
      .reload(reason)
      .catch((error: Error) => log.warn(`--watch: the reload after ${reason} failed: ${error.message}`))
      .finally(() => {
        reloading = undefined;
        if (again && !closed) {
          again = false;
          flush();
        }
      });
  };

  watcher.on('all', (event, file) => {
    if (closed || (event !== 'add' && event !== 'change' && event !== 'unlink')) return;
    const kind = kindOf(path.resolve(file));
    if (kind === undefined) return;
    (kind === 'config' ? configs : sources).add(path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(flush, DEBOUNCE_MS);
  });
  watcher.on('error', (error) => log.warn(`--watch: ${(error as Error).message}; changes may go unnoticed`));
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  log.info(`watching ${roots.map(shown).join(', ')} for changes to sources (--watch)`, { watching: roots });

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

function inside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
