// `crew jobs list [--state S] [--job NAME] [--limit N] [--json]`: the jobs in a state (every
// state when none is named: active, waiting, delayed, failed, succeeded), each with its id,
// state, attempts, last error and times, on the queue of the crew running here (or config's
// Redis). The footer says what the listing leaves out: past --limit, and failed jobs dropped
// past queue.keepFailed.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { JobList } from '../../../lib/queue/admin.js';
import { JOB_STATES } from '../../../lib/queue/admin.js';
import { DEFAULT_LIMIT, MAX_LIMIT, parseJobName, parseLimit, parseState } from '../../../lib/queue/admin-args.js';
import { projectOptions, type ProjectArgs } from '../scheduler/project-options.js';
import { formatList } from './format.js';
import { checked, withQueue } from './open-queue.js';

export const command = 'list';
export const describe = 'List jobs by state, with attempts, last error and times';

export function builder(yargs: Argv) {
  return projectOptions(yargs)
    .option('state', { type: 'string', describe: `Only jobs in this state: ${JOB_STATES.join(', ')} (default: all)` })
    .option('job', { type: 'string', describe: 'Only jobs of this name' })
    .option('limit', { type: 'string', describe: `At most this many (1 to ${MAX_LIMIT}; default ${DEFAULT_LIMIT})` })
    .option('json', { type: 'boolean', describe: 'Print JSON: { driver, jobs: [{ id, job, jobId, state, attempts, maxAttempts, error, created, finished, runAt }], total, limit, keep, dropped }' })
    .example('crew jobs list --state failed', 'the newest failures first, with their errors')
    .example('crew jobs list --job email --limit 200', 'every state of the email job');
}

type ListArgs = ArgumentsCamelCase<ProjectArgs & { state?: string; job?: string; limit?: string; json?: boolean }>;

export async function handler(argv: ListArgs): Promise<void> {
  const state = argv.state === undefined ? undefined : checked('list', () => parseState(argv.state));
  const limit = checked('list', () => parseLimit(argv.limit));
  await withQueue(argv, async ({ queue, jobs }) => {
    const job = argv.job === undefined ? undefined : checked('list', () => parseJobName(argv.job, jobs));
    const list = await queue.ask<JobList>('jobs.list', { ...(state ? { state } : {}), ...(job ? { job } : {}), limit });
    process.stdout.write(argv.json ? `${JSON.stringify(list, null, 2)}\n` : formatList(list, state));
  });
}
