// `crew start`: the flags of SPEC "crew start", parsed and checked, handed to prepareStart.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { prepareAhead } from '../../lib/primary/fork-child.js';
import { likelyFirstComponent, type Selection } from '../../lib/primary/plan.js';
import { parseComponents, parseCount, parseGrace, parseLogLevels, parseMetricsPort, parseNodeArgs, parsePort, parseQueues } from '../options.js';
import { skipHelpCache } from '../skip-help-cache.js';

export const command = 'start';
export const describe = 'Start the app\'s components, each in its own supervised process';

export function builder(yargs: Argv) {
  return skipHelpCache(yargs)
    .option('server', { describe: 'Run the web server; N instances share one port (`max` = CPU count)', coerce: parseCount('server', true), requiresArg: false })
    .option('worker', { describe: 'Run N job worker processes', coerce: parseCount('worker', false) })
    .option('scheduler', { type: 'boolean', describe: 'Run the cron scheduler (one per crew)' })
    .option('component', { type: 'string', array: true, describe: 'Run an app-defined component, NAME or NAME=N (repeatable)', coerce: parseComponents })
    .option('all', { type: 'boolean', describe: 'Run server, worker, scheduler and every app-defined component' })
    .option('server-and-worker', { type: 'boolean', describe: 'Deprecated: use --server --worker', hidden: false })
    .option('queues', { type: 'string', describe: 'Limit workers to these jobs (a,b)', coerce: parseQueues })
    .option('port', { describe: 'Port the server listens on (else PORT, else config)', coerce: parsePort })
    .option('host', { type: 'string', describe: 'Host the server listens on (else HOST, else config)' })
    .option('log-format', { choices: ['pretty', 'json'] as const, describe: 'Log format (default: pretty on a terminal, else json; CREW_LOG_FORMAT)' })
    .option('log-level', { type: 'string', array: true, describe: 'LEVEL or COMPONENT=LEVEL (repeatable)', coerce: parseLogLevels })
    .option('grace', { type: 'string', describe: 'Shutdown grace, e.g. 8s (default from config)', coerce: parseGrace })
    .option('env', { type: 'string', describe: 'Environment name (else CREW_ENV, NODE_ENV, development)' })
    .option('config', { type: 'string', describe: 'Config directory (default ./config)' })
    .option('app', { type: 'string', describe: 'App module (else config `app`)' })
    .option('watch', { type: 'boolean', describe: 'Reload the children when the sources change (development)' })
    .option('node-args', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: 'Node options for the children, "--opt --opt=value" or COMPONENT="…" (repeatable; after config nodeArgs). --inspect gives each child its own port',
      coerce: parseNodeArgs,
    })
    .option('metrics', { describe: 'Serve Prometheus metrics on PORT at /metrics (config metrics.port; 0 = off)', coerce: parseMetricsPort })
    .example('crew start', 'run what config start.components lists (default: the server)')
    .example('crew start --all', 'server, worker, scheduler and every app component')
    .example('crew start --server 2 --worker 3', 'two server instances on one port, three workers')
    .example('crew start --server max --port 8080', 'one server per CPU on port 8080')
    .example('crew start --worker --queues email,report', 'one worker running only two jobs')
    .example('crew start --component mailer=2 --log-level worker=debug', 'an app component, debug logs from workers')
    .example('crew start --all --log-format json --grace 20s', 'JSON logs, a 20-second shutdown grace')
    .example('crew start --all --watch', 'development: reload every child when a source file changes')
    .example('crew start --all --node-args=--inspect', 'a debugger in every child, each on its own port from 9229 (crew says which)')
    .example('crew start --worker 2 --node-args worker=--max-old-space-size=2048', 'a larger heap for the workers')
    .example('crew start --server --node-args="--cpu-prof --cpu-prof-dir=prof"', 'a CPU profile per child in ./prof when crew stops')
    .example('crew start --all --metrics 9464', 'Prometheus metrics at http://127.0.0.1:9464/metrics');
}

type StartArgs = ArgumentsCamelCase<{
  server?: number | 'max' | true;
  worker?: number | 'max' | true;
  scheduler?: boolean;
  component?: Array<{ name: string; instances?: number }>;
  all?: boolean;
  serverAndWorker?: boolean;
  queues?: string[];
  port?: number;
  host?: string;
  logFormat?: 'pretty' | 'json';
  logLevel?: { level?: import('../../lib/config/types.js').Level; levels: Record<string, import('../../lib/config/types.js').Level> };
  grace?: number;
  env?: string;
  config?: string;
  app?: string;
  watch?: boolean;
  nodeArgs?: import('../../lib/primary/prepare-node-args.js').CliNodeArgs;
  metrics?: number;
}>;

export async function handler(argv: StartArgs): Promise<void> {
  const deprecations: string[] = [];
  let server = argv.server;
  let worker = argv.worker === 'max' ? undefined : argv.worker;
  if (argv.serverAndWorker) {
    deprecations.push('--server-and-worker is deprecated and will be removed: use --server --worker');
    server ??= true;
    worker ??= true;
  }
  const selection: Selection = {
    ...(server !== undefined ? { server } : {}),
    ...(worker !== undefined ? { worker } : {}),
    ...(argv.scheduler ? { scheduler: true } : {}),
    ...(argv.component ? { components: argv.component } : {}),
    ...(argv.all ? { all: true } : {}),
    ...(argv.queues ? { queues: argv.queues } : {}),
  };
  const first = likelyFirstComponent(selection);
  if (first) prepareAhead(first);
  const { prepareStart } = await import('../../lib/primary/start-crew.js');
  const prepared = await prepareStart({
    selection,
    deprecations,
    ...(argv.env !== undefined ? { env: argv.env } : {}),
    ...(argv.config !== undefined ? { configDir: argv.config } : {}),
    ...(argv.app !== undefined ? { app: argv.app } : {}),
    ...(argv.port !== undefined ? { port: argv.port } : {}),
    ...(argv.host !== undefined ? { host: argv.host } : {}),
    ...(argv.grace !== undefined ? { grace: argv.grace } : {}),
    ...(argv.logFormat !== undefined ? { logFormat: argv.logFormat } : {}),
    ...(argv.logLevel?.level !== undefined ? { logLevel: argv.logLevel.level } : {}),
    logLevels: argv.logLevel?.levels ?? {},
    ...(argv.watch ? { watch: true } : {}),
    ...(argv.nodeArgs ? { nodeArgs: argv.nodeArgs } : {}),
    ...(argv.metrics !== undefined ? { metricsPort: argv.metrics } : {}),
    cwd: process.cwd(),
    environ: process.env,
  });
  const code = await prepared.run();
  // Everything is written and flushed: exit now. Left to drain, the event loop would end with
  // Node tearing its heap down first, tens of milliseconds more after every child has gone.
  process.exit(code);
}
