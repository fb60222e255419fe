// `crew scheduler run <name>`: runs one schedule's action once, now, in the foreground, with
// its output and its run record in the log stream's format; exit 0 when the run succeeded,
// 1 when it failed or timed out. No tick lock is taken: asking by hand is not a tick. A job is
// enqueued the way `crew jobs enqueue` does it (Redis, or the running crew's embedded queue).
// Ctrl-C stops the run (a command gets SIGTERM); a second Ctrl-C kills it.
import type { Argv } from 'yargs';
import { projectOptions } from './project-options.js';
import type { RunArgs } from './run-once.js';

export const command = 'run <name>';
export const describe = 'Run one schedule\'s action once, now, in the foreground';

export function builder(yargs: Argv) {
  return projectOptions(yargs)
    .positional('name', { type: 'string', describe: 'The schedule, as `crew scheduler list` names it', demandOption: true })
    .option('log-format', { choices: ['pretty', 'json'] as const, describe: 'Log format (default: pretty on a terminal, else json; CREW_LOG_FORMAT)' });
}

export async function handler(argv: RunArgs): Promise<void> {
  const { runOnce } = await import('./run-once.js');
  await runOnce(argv);
}
