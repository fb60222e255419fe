// `crew scheduler`: the project's schedules — list them, run one now, pause and resume them.
import type { Argv } from 'yargs';
import * as list from './scheduler/list.js';
import * as run from './scheduler/run.js';
import { pauseCommand } from './scheduler/pause.js';

export const command = 'scheduler';
export const describe = 'List the schedules, run one now, pause or resume one';

export function builder(yargs: Argv) {
  return yargs
    .command(list)
    .command(run)
    .command(pauseCommand('pause'))
    .command(pauseCommand('resume'))
    .demandCommand(1, 'crew scheduler: name a command: list, run <name>, pause <name> or resume <name>')
    .example('crew scheduler list', 'every schedule with its next three fire times, state and last run')
    .example('crew scheduler run nightly-report', 'run one schedule\'s action now, in the foreground')
    .example('crew scheduler pause nightly-report', 'no tick of it fires until `crew scheduler resume nightly-report`');
}

export function handler(): void {
  // The subcommands do the work; yargs refuses `crew scheduler` alone.
}
