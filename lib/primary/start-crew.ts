// `crew start` from resolved options to an exit code: load and validate config, load the app,
// check the schedules, plan the components (every mistake so far is a ConfigError, AppError or
// UsageError: exit 2, nothing forked), then set up the log stream and run the supervisor until
// it is done.
import path from 'node:path';
import { resolveEnvName } from '../config/index.js';
import { isProduction } from '../config/production.js';
import { portProblem } from '../util/port-probe.js';
import { supervisorFor } from '../config/supervisor-for.js';
import type { CrewConfig, Level } from '../config/types.js';
import { createCrewLogger, createFormatter, Output } from '../log/index.js';
import { UsageError } from '../util/usage-error.js';
import { planComponents, type Selection } from './plan.js';
import { loadProject } from '../project/load-project.js';
import { resolveSchedules } from '../schedule/validate.js';
import { Supervisor, cpuCount } from './supervisor.js';
import { handleSignals } from './signals.js';
import { watchSources } from './watch-sources.js';
import { createPrimaryQueue } from './queue-admin.js';
import { resolveDriver } from '../queue/resolve-driver.js';
import { startControlServer } from '../control/server.js';
import { supervisorVerbs } from './supervisor-verbs.js';
import { CONTROL_VARIABLE, controlSocketPath } from '../control/socket-path.js';

export interface StartOptions {
  selection: Selection;
  /** Deprecated flags used, each warned about once. */
  deprecations: string[];
  env?: string;
  configDir?: string;
  app?: string;
  port?: number;
  host?: string;
  grace?: number;
  logFormat?: 'pretty' | 'json';
  /** `--log-level LEVEL` and `--log-level COMPONENT=LEVEL`. */
  logLevel?: Level;
  logLevels: Record<string, Level>;
  /** `--watch`: replace the children when the sources change (development). */
  watch?: boolean;
  cwd: string;
  environ: NodeJS.ProcessEnv;
}

export interface Prepared {
  config: CrewConfig;
  env: string;
  appPath: string;
  run(): Promise<number>;
}

/** Everything that can be refused before a fork. Throws ConfigError, AppError or UsageError. */
export async function prepareStart(options: StartOptions): Promise<Prepared> {
  const env = resolveEnvName(options.env, options.environ);
  const overrides: Record<string, unknown> = {};
  const server: Record<string, unknown> = {};
  if (options.port !== undefined) server.port = options.port;
  if (options.host !== undefined) server.host = options.host;
  if (Object.keys(server).length > 0) overrides.server = server;
  if (options.selection.queues) overrides.worker = { queues: options.selection.queues };
  const log: Record<string, unknown> = {};
  if (options.logLevel) log.level = options.logLevel;
  if (Object.keys(options.logLevels).length > 0) log.levels = options.logLevels;
  if (Object.keys(log).length > 0) overrides.log = log;
  if (options.grace !== undefined) overrides.supervisor = { grace: `${options.grace}ms` };

  const project = await loadProject({
    env,
    ...(options.configDir !== undefined ? { configDir: options.configDir } : {}),
    ...(options.app !== undefined ? { app: options.app } : {}),
    overrides,
    cwd: options.cwd,
    environ: options.environ,
  });
  const { config, app, appPath } = project;
  if (options.grace !== undefined) applyGraceEverywhere(config, options.grace);
  resolveSchedules(app, config, project.blame);

  const plan = planComponents(options.selection, config, app, cpuCount());
  const serverGrace = supervisorFor(config, 'server').grace;
  if (plan.components.some((c) => c.component === 'server') && config.server.drainDelay > 0 && config.server.drainDelay >= serverGrace) {
    throw new UsageError(
      `server.drainDelay (${config.server.drainDelay} ms) must be shorter than the server's grace (${serverGrace} ms): the server would be killed before it stopped accepting; lower drainDelay or raise the grace (--grace, supervisor.grace or server.supervisor.grace)`,
    );
  }
  resolveDriver(config.queue);
  if (plan.components.some((c) => c.component === 'worker') && config.queue.driver === 'auto' && !config.queue.url && isProduction(env, options.environ)) {
    throw new UsageError('worker: no Redis URL in production; set REDIS_URL or queue.url, or choose the in-memory queue explicitly with `queue: { driver: embedded }`');
  }
  if (plan.components.some((c) => c.component === 'server')) {
    const busy = await portProblem(config.server.port, config.server.host);
    if (busy) throw new UsageError(`server: ${busy}`);
  }

  return {
    config,
    env,
    appPath,
    run: async () => {
      const stdout = process.stdout;
      const format = options.logFormat ?? parseFormat(options.environ.CREW_LOG_FORMAT) ?? (config.log.format === 'auto' ? undefined : config.log.format) ?? (stdout.isTTY ? 'pretty' : 'json');
      const color = format === 'pretty' && !options.environ.NO_COLOR && (Boolean(stdout.isTTY) || Boolean(options.environ.FORCE_COLOR));
      const tags = plan.components.flatMap((c) => Array.from({ length: c.instances }, (_, i) => `${c.component}.${i + 1}`));
      const formatter = createFormatter({ format, color, tagWidth: Math.max('crew'.length, ...tags.map((t) => t.length)) });
      const output = new Output(stdout, { transports: config.log.transports });
      const logger = createCrewLogger({ output, formatter, level: config.log.levels.crew ?? config.log.level, pid: process.pid });
      for (const message of [...options.deprecations, ...project.loaded.warnings]) logger.warn(message);
      for (const { component, why } of plan.skipped) logger.info(`--all: not starting ${component}: ${why}`);

      const queue = createPrimaryQueue(config, app, plan.components, logger);
      if (options.watch && isProduction(env, options.environ)) logger.warn('--watch is meant for development: in production, deploy a new release instead');
      const supervisor = new Supervisor({ config, env, appPath, plan: plan.components, log: logger, output, formatter, watching: options.watch === true, ...(queue.hooks ? { hooks: queue.hooks } : {}) });
      const control = await startControlServer({
        path: controlSocketPath(options.cwd, options.environ),
        privateDir: !options.environ[CONTROL_VARIABLE],
        verbs: { ...queue.verbs, ...supervisorVerbs(supervisor, env) },
        log: logger,
      });
      const unhandle = handleSignals(supervisor);
      void supervisor.start();
      const watch = options.watch
        ? await watchSources({
            cwd: options.cwd,
            appPath,
            configDir: path.resolve(options.cwd, options.configDir ?? 'config'),
            written: config.log.transports.map((transport) => transport.filename),
            log: logger,
            reload: async (reason) => {
              await supervisor.reloadForChange(reason);
            },
          }).catch((error: Error) => {
            // The children are running already: without the watch they still serve.
            logger.warn(`--watch could not start (${error.message}): running without it`);
            return undefined;
          })
        : undefined;
      const code = await supervisor.done;
      await watch?.close();
      await control?.close();
      unhandle();
      // Every line on its way out, log files complete: the caller may exit at once.
      await output.close();
      return code;
    },
  };
}

function applyGraceEverywhere(config: CrewConfig, grace: number): void {
  for (const block of [config.server, config.worker, config.scheduler, ...Object.values(config.components)]) {
    if (block.supervisor) block.supervisor.grace = grace;
  }
}

function parseFormat(value: string | undefined): 'pretty' | 'json' | undefined {
  return value === 'pretty' || value === 'json' ? value : undefined;
}
