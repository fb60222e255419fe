// `crew jobs`: put a job on the queue, or look at its counts, from the shell.
import type { Argv } from 'yargs';
import * as enqueue from './jobs/enqueue.js';
import * as stats from './jobs/stats.js';

export const command = 'jobs';
export const describe = 'Enqueue a job, or show the queue\'s counts per job';

export function builder(yargs: Argv) {
  return yargs
    .command(enqueue)
    .command(stats)
    .demandCommand(1, 'crew jobs: name a command, `enqueue <job> [json]` or `stats`')
    .example('crew jobs enqueue email \'{"to":"ada@example.com"}\'', 'put one email job on the queue; prints its id')
    .example('crew jobs stats --json', 'waiting / active / succeeded / failed / delayed per job, as JSON');
}

export function handler(): void {
  // The subcommands do the work; yargs refuses `crew jobs` alone.
}
