// What every `crew jobs` subcommand does first: load the project (env, config, the app's jobs)
// and open the queue it acts on (../../command-queue.ts), closed again however the command ends.
// An argument the app cannot satisfy (an id's job name, --job) is a usage error, exit 2.
import type { ArgumentsCamelCase } from 'yargs';
import { AdminArgumentError } from '../../../lib/queue/admin-args.js';
import type { AppDefinition } from '../../../lib/app/types.js';
import { jobSettings, type JobSettings } from '../../../lib/app/job-settings.js';
import { UsageError } from '../../../lib/util/usage-error.js';
import type { CommandQueue } from '../../command-queue.js';
import { projectFrom, type ProjectArgs } from '../scheduler/project-options.js';

export interface Opened {
  queue: CommandQueue;
  app: AppDefinition;
  jobs: ReadonlyMap<string, JobSettings>;
}

export async function withQueue<T>(argv: ArgumentsCamelCase<ProjectArgs>, use: (opened: Opened) => Promise<T>): Promise<T> {
  const [{ loadProject }, { openCommandQueue }] = await Promise.all([import('../../../lib/project/load-project.js'), import('../../command-queue.js')]);
  const project = await loadProject(projectFrom(argv));
  const queue = openCommandQueue({ config: project.config, app: project.app, cwd: process.cwd(), environ: process.env });
  try {
    return await use({ queue, app: project.app, jobs: jobSettings(project.app.jobs) });
  } finally {
    await queue.close();
  }
}

/** Runs an argument reader; its refusal becomes a usage error naming the command. */
export function checked<T>(command: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AdminArgumentError) throw new UsageError(`jobs ${command}: ${error.message}`);
    throw error;
  }
}
