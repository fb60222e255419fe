// `crew jobs retry <id...>` and `crew jobs retry --failed [--job NAME]`: failed jobs run again,
// with the data they had, their attempts counted afresh and the same id, printed one per line.
// An id that is not a failed job is named on stderr and the command exits 1; the rest are
// still retried.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { RetryResult } from '../../../lib/queue/admin.js';
import { parseJobName, parseJobRefs } from '../../../lib/queue/admin-args.js';
import { UsageError } from '../../../lib/util/usage-error.js';
import { projectOptions, type ProjectArgs } from '../scheduler/project-options.js';
import { reportRefusals } from './format.js';
import { checked, withQueue } from './open-queue.js';

export const command = 'retry [ids..]';
export const describe = 'Run failed jobs again, with a fresh attempt count';

export function builder(yargs: Argv) {
  return projectOptions(yargs)
    .positional('ids', { type: 'string', array: true, describe: 'Failed jobs, as `crew jobs list` names them (email:42)' })
    .option('failed', { type: 'boolean', describe: 'Every failed job (of --job, when given)' })
    .option('job', { type: 'string', describe: 'With --failed: only this job\'s failed jobs' })
    .option('json', { type: 'boolean', describe: 'Print JSON: { retried: [ids], refused: [{ id, why }] }' })
    .example('crew jobs retry email:42 email:43', 'two failed jobs run again')
    .example('crew jobs retry --failed --job email', 'every failed email job runs again');
}

type RetryArgs = ArgumentsCamelCase<ProjectArgs & { ids?: string[]; failed?: boolean; job?: string; json?: boolean }>;

export async function handler(argv: RetryArgs): Promise<void> {
  const ids = (argv.ids ?? []).map(String);
  if (argv.failed && ids.length > 0) throw new UsageError('jobs retry: name job ids or --failed, not both');
  if (!argv.failed && argv.job !== undefined) throw new UsageError('jobs retry: --job goes with --failed; to retry one job, name its id');
  if (!argv.failed && ids.length === 0) throw new UsageError('jobs retry: name the failed jobs to retry (email:42 …), or --failed for all of them');
  await withQueue(argv, async ({ queue, jobs }) => {
    let args: Record<string, unknown>;
    if (argv.failed) args = { failed: true, ...(argv.job !== undefined ? { job: checked('retry', () => parseJobName(argv.job, jobs)) } : {}) };
    else {
      checked('retry', () => parseJobRefs(ids, jobs));
      args = { ids };
    }
    const result = await queue.ask<RetryResult>('jobs.retry', args);
    if (argv.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.retried.length === 0 && result.refused.length === 0) process.stdout.write('no failed jobs to retry\n');
    else process.stdout.write(result.retried.map((id) => `retried ${id}\n`).join(''));
    if (reportRefusals(result.refused)) process.exitCode = 1;
  });
}
