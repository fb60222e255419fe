// `crew jobs purge --state failed|succeeded [--older-than DURATION] [--job NAME]`: removes the
// kept failed (or succeeded) jobs — those that ended longer ago than the duration, when given —
// and prints how many. Jobs still to run are never purged: `crew jobs remove` takes them one
// by one.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { PURGEABLE_STATES } from '../../../lib/queue/admin.js';
import { parseAge, parseJobName, parsePurgeState } from '../../../lib/queue/admin-args.js';
import { UsageError } from '../../../lib/util/usage-error.js';
import { projectOptions, type ProjectArgs } from '../scheduler/project-options.js';
import { checked, withQueue } from './open-queue.js';

export const command = 'purge';
export const describe = 'Remove kept failed or succeeded jobs; prints how many';

export function builder(yargs: Argv) {
  return projectOptions(yargs)
    .option('state', { type: 'string', describe: `What to purge: ${PURGEABLE_STATES.join(' or ')}` })
    .option('older-than', { type: 'string', describe: 'Only jobs that ended longer ago than this: 30m, 12h, 7d' })
    .option('job', { type: 'string', describe: 'Only jobs of this name' })
    .option('json', { type: 'boolean', describe: 'Print JSON: { purged }' })
    .example('crew jobs purge --state failed --older-than 7d', 'failures older than a week go');
}

type PurgeArgs = ArgumentsCamelCase<ProjectArgs & { state?: string; olderThan?: string; job?: string; json?: boolean }>;

export async function handler(argv: PurgeArgs): Promise<void> {
  if (argv.state === undefined) throw new UsageError(`jobs purge: --state is required: ${PURGEABLE_STATES.join(' or ')}`);
  const state = checked('purge', () => parsePurgeState(argv.state));
  const olderThan = argv.olderThan === undefined ? undefined : checked('purge', () => parseAge(argv.olderThan));
  await withQueue(argv, async ({ queue, jobs }) => {
    const job = argv.job === undefined ? undefined : checked('purge', () => parseJobName(argv.job, jobs));
    const { purged } = await queue.ask<{ purged: number }>('jobs.purge', { state, ...(job ? { job } : {}), ...(olderThan !== undefined ? { olderThan } : {}) });
    process.stdout.write(argv.json ? `${JSON.stringify({ purged }, null, 2)}\n` : `purged ${purged} ${state} job${purged === 1 ? '' : 's'}\n`);
  });
}
