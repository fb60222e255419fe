// Loads what every command that works on a project needs, the same way for each: the
// environment name, the config (files, environment, flags) and the app module, then the config
// that names parts of the app (components, log levels, queues) against what the app defines.
// Throws ConfigError, AppError or UsageError; nothing is started.
import path from 'node:path';
import { loadConfig, resolveEnvName, type LoadedConfig } from '../config/index.js';
import { checkAppNames } from '../config/check-app-names.js';
import type { CrewConfig } from '../config/types.js';
import type { AppDefinition } from '../app/types.js';
import { loadApp } from '../app/load-app.js';
import type { Blame } from '../schedule/validate.js';
import { UsageError } from '../util/usage-error.js';

export interface ProjectOptions {
  env?: string;
  configDir?: string;
  app?: string;
  /** Values from flags, in the config's own shape; they win over everything. */
  overrides?: Record<string, unknown>;
  cwd: string;
  environ: NodeJS.ProcessEnv;
}

export interface ProjectConfig {
  env: string;
  loaded: LoadedConfig;
  config: CrewConfig;
}

export interface Project extends ProjectConfig {
  /** Absolute path of the app module, and as messages show it. */
  appPath: string;
  appShown: string;
  app: AppDefinition;
  /** Who to blame for a schedule's mistake, for resolveSchedules. */
  blame: Blame;
}

export async function loadProject(options: ProjectOptions): Promise<Project> {
  return loadProjectApp(loadProjectConfig(options), options);
}

/** The first half: env and config, no user code run. */
export function loadProjectConfig(options: ProjectOptions): ProjectConfig {
  const env = resolveEnvName(options.env, options.environ);
  const loaded = loadConfig({
    dir: path.resolve(options.cwd, options.configDir ?? 'config'),
    dirExplicit: options.configDir !== undefined,
    env,
    environ: options.environ,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  return { env, loaded, config: loaded.config };
}

/** The app a loaded config names (or --app), or undefined when neither names one. */
export function appOf(project: ProjectConfig, options: Pick<ProjectOptions, 'app' | 'cwd'>): { appPath: string; appShown: string } | undefined {
  const appOption = options.app ?? project.config.app;
  if (!appOption) return undefined;
  const appPath = path.resolve(options.cwd, appOption);
  return { appPath, appShown: path.relative(options.cwd, appPath) || appPath };
}

/** The second half: the app module, loaded and checked, and the config checked against it. */
export async function loadProjectApp(project: ProjectConfig, options: Pick<ProjectOptions, 'app' | 'cwd'>): Promise<Project> {
  const where = appOf(project, options);
  if (!where) throw new UsageError('no app to run: pass --app PATH or set `app:` in config/default.yaml');
  const app = await loadApp(where.appPath, where.appShown);
  checkAppNames(project.config, { components: Object.keys(app.components ?? {}), jobs: Object.keys(app.jobs ?? {}) }, project.loaded.originOf);
  return { ...project, ...where, app, blame: { appShown: where.appShown, configOrigin: project.loaded.originOf } };
}
