// The `crew` command line. Every subcommand lives in ./commands; usage mistakes and config
// errors are reported here, once, on stderr, with exit code 2.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import * as start from './commands/start.js';
import * as scheduler from './commands/scheduler.js';
import * as jobs from './commands/jobs.js';
import * as status from './commands/status.js';
import * as restart from './commands/restart.js';
import * as reload from './commands/reload.js';
import * as stop from './commands/stop.js';
import * as health from './commands/health.js';
import * as config from './commands/config.js';
import * as doctor from './commands/doctor.js';
import { reportAndExit } from './report-error.js';
import { typedPath } from './project-folder.js';
import { crewVersion } from './version.js';
import { CONTROL_VARIABLE } from '../lib/control/socket-path.js';

// The command runs in the project's folder (./project-folder.ts); paths typed where it was
// started keep their meaning.
const control = process.env[CONTROL_VARIABLE];
if (control) process.env[CONTROL_VARIABLE] = typedPath(control);

const cli = yargs(hideBin(process.argv))
  .scriptName('crew')
  .usage('$0 <command> [options]\n\nStart and supervise a Node.js app\'s web server, job workers and cron scheduler.')
  .command(start)
  .command(scheduler)
  .command(jobs)
  .command(status)
  .command(restart)
  .command(reload)
  .command(stop)
  .command(health)
  .command(config)
  .command(doctor)
  .middleware((argv) => {
    for (const key of ['app', 'config'] as const) if (typeof argv[key] === 'string' && argv[key] !== '') argv[key] = typedPath(argv[key]);
  })
  .demandCommand(1, 'crew: name a command, e.g. `crew start --all` (see `crew --help`)')
  .strict()
  .recommendCommands()
  .example('crew start --all', 'run server, worker, scheduler and app components')
  .example('crew start --server 2 --worker', 'two server instances and a worker')
  .epilogue('Config: ./config/default.yaml, then ./config/<env>.yaml. Docs: README.md')
  .help()
  .alias('help', 'h')
  .version(crewVersion())
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((message, error) => reportAndExit(error ?? message));

try {
  await cli.parseAsync();
} catch (error) {
  reportAndExit(error);
}
