// `crew jobs enqueue <job> [json]`: what `ctx.enqueue` does, from the shell. Prints the job's id.
// A job the app does not define, data that is not JSON or a bad option is a usage error (exit
// 2); a queue that cannot be reached or refuses the job is a failure (exit 1).
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { EnqueueOptions } from '../../../lib/app/types.js';
import { jobSettings } from '../../../lib/app/job-settings.js';
import { parseDuration } from '../../../lib/config/duration.js';
import { checkEnqueue, EnqueueError } from '../../../lib/queue/enqueue-request.js';
import { CommandError } from '../../../lib/util/command-error.js';
import { UsageError } from '../../../lib/util/usage-error.js';
import { projectFrom, projectOptions, type ProjectArgs } from '../scheduler/project-options.js';

export const command = 'enqueue <job> [json]';
export const describe = 'Put a job on the queue and print its id';

export function builder(yargs: Argv) {
  return projectOptions(yargs)
    .positional('job', { type: 'string', describe: 'The job, as the app names it in `jobs`', demandOption: true })
    .positional('json', { type: 'string', describe: 'The job\'s data, as JSON (default {})' })
    .option('delay', { type: 'string', describe: 'Run no sooner than this from now, e.g. 30s' })
    .option('retries', { type: 'number', describe: 'Retries after a failure (default: the job\'s own)' })
    .example('crew jobs enqueue report', 'a report job with no data')
    .example('crew jobs enqueue email \'{"to":"ada@example.com"}\' --delay 1m', 'an email job, run in a minute');
}

type EnqueueArgs = ArgumentsCamelCase<ProjectArgs & { job: string; json?: string; delay?: string; retries?: number }>;

export async function handler(argv: EnqueueArgs): Promise<void> {
  const data = parseData(argv.json);
  const opts: EnqueueOptions = {};
  if (argv.delay !== undefined) {
    const delay = parseDuration(argv.delay);
    if (delay === undefined) throw new UsageError(`--delay: expected a duration such as 500ms, 10s or 2m, found "${argv.delay}"`);
    opts.delay = delay;
  }
  if (argv.retries !== undefined) opts.retries = argv.retries;

  const [{ loadProject }, { openCommandQueue }] = await Promise.all([import('../../../lib/project/load-project.js'), import('../../command-queue.js')]);
  const project = await loadProject(projectFrom(argv));
  try {
    checkEnqueue(jobSettings(project.app.jobs), argv.job, data, opts);
  } catch (error) {
    throw new UsageError(`jobs enqueue: ${(error as Error).message}`);
  }
  const queue = openCommandQueue({ config: project.config, app: project.app, cwd: process.cwd(), environ: process.env });
  try {
    const id = await queue.enqueue(argv.job, data, opts);
    process.stdout.write(`${id}\n`);
  } catch (error) {
    if (error instanceof EnqueueError) throw new CommandError(error.message);
    throw error;
  } finally {
    await queue.close();
  }
}

function parseData(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`jobs enqueue: the data must be JSON, e.g. '{"to":"ada@example.com"}' (${(error as Error).message})`);
  }
}
