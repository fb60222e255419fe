// The flags every `crew scheduler` subcommand takes to find the project, as `crew start` has them.
import type { Argv } from 'yargs';

export function projectOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('env', { type: 'string', describe: 'Environment name (else CREW_ENV, NODE_ENV, development)' })
    .option('config', { type: 'string', describe: 'Config directory (default ./config)' })
    .option('app', { type: 'string', describe: 'App module (else config `app`)' });
}

export interface ProjectArgs {
  env?: string;
  config?: string;
  app?: string;
}

/** The flags as loadProject takes them. */
export function projectFrom(argv: ProjectArgs) {
  return {
    ...(argv.env !== undefined ? { env: argv.env } : {}),
    ...(argv.config !== undefined ? { configDir: argv.config } : {}),
    ...(argv.app !== undefined ? { app: argv.app } : {}),
    cwd: process.cwd(),
    environ: process.env,
  };
}
