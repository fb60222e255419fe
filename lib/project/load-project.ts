// Loads what every command that works on a project needs, the same way for each: the
// environment name, the config (files, environment, flags) and the app module. Throws
// ConfigError, AppError or UsageError; nothing is started.
import path from 'node:path';
import { loadConfig, resolveEnvName, type LoadedConfig } from '../config/index.js';
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

export interface Project {
  env: string;
  loaded: LoadedConfig;
  config: CrewConfig;
  /** Absolute path of the app module, and as messages show it. */
  appPath: string;
  appShown: string;
  app: AppDefinition;
  /** Who to blame for a schedule's mistake, for resolveSchedules. */
  blame: Blame;
}

export async function loadProject(options: ProjectOptions): Promise<Project> {
  const env = resolveEnvName(options.env, options.environ);
  const loaded = loadConfig({
    dir: path.resolve(options.cwd, options.configDir ?? 'config'),
    dirExplicit: options.configDir !== undefined,
    env,
    environ: options.environ,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const config = loaded.config;
  const appOption = options.app ?? config.app;
  if (!appOption) throw new UsageError('no app to run: pass --app PATH or set `app:` in config/default.yaml');
  const appPath = path.resolve(options.cwd, appOption);
  const appShown = path.relative(options.cwd, appPath) || appPath;
  const app = await loadApp(appPath, appShown);
  return { env, loaded, config, appPath, appShown, app, blame: { appShown, configOrigin: loaded.originOf } };
}
