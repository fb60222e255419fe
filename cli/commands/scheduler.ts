// `crew scheduler`: looks at the project's schedules without starting a crew.
import type { Argv } from 'yargs';
import * as list from './scheduler/list.js';
import * as run from './scheduler/run.js';

export const command = 'scheduler';
export const describe = 'List the schedules, or run one now';

export function builder(yargs: Argv) {
  return yargs
    .command(list)
    .command(run)
    .demandCommand(1, 'crew scheduler: name a command, `list` or `run <name>`')
    .example('crew scheduler list', 'every schedule with its next three fire times')
    .example('crew scheduler run nightly-report', 'run one schedule\'s action now, in the foreground');
}

export function handler(): void {
  // The subcommands do the work; yargs refuses `crew scheduler` alone.
}
