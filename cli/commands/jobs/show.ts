// `crew jobs show <id> [--json]`: one job whole — its data, state, attempts, times, and every
// failed attempt's error with its stack. The id is `<job>:<id>` as `crew jobs list` prints it,
// or the bare id when only one job name holds it.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { JobDetail } from '../../../lib/queue/admin.js';
import { parseJobRef } from '../../../lib/queue/admin-args.js';
import { projectOptions, type ProjectArgs } from '../scheduler/project-options.js';
import { formatDetail } from './format.js';
import { checked, withQueue } from './open-queue.js';

export const command = 'show <id>';
export const describe = 'Show one job: data, attempts, every error with its stack';

export function builder(yargs: Argv) {
  return projectOptions(yargs)
    .positional('id', { type: 'string', describe: 'The job, as `crew jobs list` names it (email:42), or its bare id', demandOption: true })
    .option('json', { type: 'boolean', describe: 'Print JSON' })
    .example('crew jobs show email:42', 'what email job 42 was given and how each attempt failed');
}

export async function handler(argv: ArgumentsCamelCase<ProjectArgs & { id: string; json?: boolean }>): Promise<void> {
  await withQueue(argv, async ({ queue, jobs }) => {
    checked('show', () => parseJobRef(argv.id, jobs));
    const job = await queue.ask<JobDetail>('jobs.show', { id: String(argv.id) });
    process.stdout.write(argv.json ? `${JSON.stringify(job, null, 2)}\n` : formatDetail(job));
  });
}
