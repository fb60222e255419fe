// `crew jobs`: put a job on the queue, look at its counts, and see and steer its jobs — on the
// queue of the crew running in this project, else on the Redis config names (../command-queue.ts).
import type { Argv } from 'yargs';
import * as enqueue from './jobs/enqueue.js';
import * as stats from './jobs/stats.js';
import * as list from './jobs/list.js';
import * as show from './jobs/show.js';
import * as retry from './jobs/retry.js';
import * as remove from './jobs/remove.js';
import * as purge from './jobs/purge.js';

export const command = 'jobs';
export const describe = 'Enqueue, count, list, show, retry, remove and purge jobs';

export function builder(yargs: Argv) {
  return yargs
    .command(enqueue)
    .command(stats)
    .command(list)
    .command(show)
    .command(retry)
    .command(remove)
    .command(purge)
    .demandCommand(1, 'crew jobs: name a command: enqueue, stats, list, show, retry, remove or purge')
    .example('crew jobs enqueue email \'{"to":"ada@example.com"}\'', 'put one email job on the queue; prints its id')
    .example('crew jobs list --state failed', 'failed jobs, newest first, with their errors')
    .example('crew jobs retry --failed', 'every failed job runs again')
    .epilogue('They act on the queue of the crew running in this folder (whatever REDIS_URL says here), else on the Redis config names.');
}

export function handler(): void {
  // The subcommands do the work; yargs refuses `crew jobs` alone.
}
