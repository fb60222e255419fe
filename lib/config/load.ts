// Resolves crew's config: config/default.yaml, then config/<env>.yaml, then the well-known
// environment variables, then command-line overrides, merged in that order and validated.
// Everything wrong is reported at once as one ConfigError, before anything is forked.

import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, displayPath, type ConfigIssue } from './config-error.js';
import { explainIssues, originOf } from './explain.js';
import type { Environ } from './interpolate.js';
import type { Layer } from './layer.js';
import { deepMerge } from './merge.js';
import { missingEnvFileWarning } from './missing-env-file.js';
import { configSizeIssue } from './size-limit.js';
import { isProduction } from './production.js';
import { readLayer } from './read-layer.js';
import { crewConfigSchema, PARSE_ONCE } from './schema.js';
import { getAt, isPlainObject, type KeyPath } from './tree.js';
import type { CrewConfig } from './types.js';

export interface LoadOptions {
  /** The config folder, e.g. `<cwd>/config`. */
  dir: string;
  /** The folder was named by the user (`--config`), so its absence is an error, not "no config". */
  dirExplicit?: boolean;
  env: string;
  environ: Environ;
  /** Values from command-line flags, in the config's own shape; merged last. */
  overrides?: unknown;
}

export interface LoadedConfig {
  config: CrewConfig;
  env: string;
  dir: string;
  /** The files actually read, in merge order. */
  files: string[];
  /** Said once, as a warning, by whoever reports to the user: an environment with no file of its own. */
  warnings: string[];
  /** Where the value at `path` (or its nearest set ancestor) came from, for checks made after loading. */
  originOf(path: KeyPath): { source: string; file?: string } | undefined;
}

/** Variables that win over the files; each becomes its own layer so errors can name it. */
const WELL_KNOWN: ReadonlyArray<{ name: string; path: readonly [string, string] }> = [
  { name: 'PORT', path: ['server', 'port'] },
  { name: 'HOST', path: ['server', 'host'] },
  { name: 'REDIS_URL', path: ['queue', 'url'] },
];

/** The server's host when nothing sets one and the environment is production. */
export const PRODUCTION_HOST = '0.0.0.0';

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `--env`, else CREW_ENV, else NODE_ENV, else `development`. */
export function resolveEnvName(flag: string | undefined, environ: Environ): string {
  for (const candidate of [flag, environ.CREW_ENV, environ.NODE_ENV]) {
    if (candidate !== undefined && candidate.trim() !== '') return candidate.trim();
  }
  return 'development';
}

function checkDir(dir: string, explicit: boolean): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError({ source: displayPath(dir), detail: `config folder cannot be read: ${(error as Error).message}` });
    }
    if (!explicit) return false;
    throw new ConfigError({
      source: displayPath(dir),
      expected: 'a folder holding default.yaml and/or <env>.yaml',
      found: 'nothing there',
      detail: 'config folder not found (check --config)',
    });
  }
  if (!stat.isDirectory()) {
    throw new ConfigError({
      source: displayPath(dir),
      expected: 'a folder holding default.yaml and/or <env>.yaml',
      found: 'a file',
      detail: 'is not a folder (--config names the folder holding default.yaml, not a file)',
    });
  }
  return true;
}

function isSet(tree: unknown, keyPath: KeyPath): boolean {
  const at = getAt(tree, keyPath);
  return at.found && at.value !== null && at.value !== undefined;
}

export function loadConfig(options: LoadOptions): LoadedConfig {
  const dir = path.resolve(options.dir);
  const env = options.env;
  if (!ENV_NAME.test(env)) {
    throw new ConfigError({
      source: 'environment name',
      expected: 'letters, digits, "_", "-" or "." (it names the file config/<env>.yaml)',
      found: JSON.stringify(env),
    });
  }
  if (options.overrides !== undefined && !isPlainObject(options.overrides)) {
    throw new TypeError(`loadConfig: overrides must be a plain object, got ${typeof options.overrides}`);
  }

  const layers: Layer[] = [];
  const files: string[] = [];
  const readIssues: ConfigIssue[] = [];
  const warnings: string[] = [];
  if (checkDir(dir, options.dirExplicit ?? false)) {
    const names = env === 'default' ? ['default.yaml'] : ['default.yaml', `${env}.yaml`];
    for (const name of names) {
      const file = path.join(dir, name);
      const result = readLayer(file, options.environ);
      if (result.missing) continue;
      files.push(file);
      readIssues.push(...result.issues);
      if (result.layer) layers.push(result.layer);
    }
    const warning = missingEnvFileWarning(dir, env, files);
    if (warning) warnings.push(warning);
  }
  if (readIssues.length > 0) throw new ConfigError(readIssues);

  for (const { name, path: [section, key] } of WELL_KNOWN) {
    const value = options.environ[name];
    if (value !== undefined && value !== '') layers.push({ source: `environment ${name}`, data: { [section]: { [key]: value } } });
  }
  if (options.overrides !== undefined) layers.push({ source: 'command line', data: options.overrides as Record<string, unknown> });

  const merged = layers.reduce<unknown>((acc, layer) => deepMerge(acc, layer.data), {});
  const result = crewConfigSchema.safeParse(merged, PARSE_ONCE);
  if (!result.success) throw new ConfigError(explainIssues(result.error.issues, layers, merged, crewConfigSchema));
  const origin = (keyPath: KeyPath) => {
    const layer = originOf(keyPath, layers);
    return layer && { source: layer.source, ...(layer.file ? { file: layer.source } : {}) };
  };
  const tooBig = configSizeIssue(result.data as unknown as Record<string, unknown>, origin);
  if (tooBig) throw new ConfigError(tooBig);
  // In production the server answers from outside (Docker, a PaaS router) unless told otherwise.
  if (isProduction(env, options.environ) && !layers.some((layer) => isSet(layer.data, ['server', 'host']))) result.data.server.host = PRODUCTION_HOST;
  return { config: result.data, env, dir, files, warnings, originOf: origin };
}
