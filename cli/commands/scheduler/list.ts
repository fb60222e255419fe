// `crew scheduler list [--json]`: every schedule of the app and config, checked, with its next
// three fire times, whether it is paused and how it last ran. With a crew running here, the
// schedules and state are that crew's; else the project's schedules, with their state from the
// Redis config names — or, with neither, without it.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { SchedulerListing } from '../../../lib/schedule/verbs.js';
import { projectFrom, projectOptions, type ProjectArgs } from './project-options.js';

export const command = 'list';
export const describe = 'List every schedule: next fire times, paused or not, last run';

export function builder(yargs: Argv) {
  return projectOptions(yargs).option('json', { type: 'boolean', describe: 'Print JSON (a list of schedules) instead of a table' });
}

export async function handler(argv: ArgumentsCamelCase<ProjectArgs & { json?: boolean }>): Promise<void> {
  const [{ loadProject }, { formatListing, resolveSchedules }, { openCommandQueue }] = await Promise.all([
    import('../../../lib/project/load-project.js'),
    import('../../../lib/schedule/index.js'),
    import('../../command-queue.js'),
  ]);
  const project = await loadProject(projectFrom(argv));
  const schedules = resolveSchedules(project.app, project.config, project.blame);
  const queue = openCommandQueue({ config: project.config, app: project.app, cwd: process.cwd(), environ: process.env, schedules });
  try {
    const listing = await queue.ask<SchedulerListing>('scheduler.list');
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(listing.schedules, null, 2)}\n`);
      return;
    }
    const notes: string[] = [];
    if (listing.scope === '') notes.push('(no crew runs here and config names no Redis: whether each is paused, and its last run, are not known)');
    else if (!listing.scheduler && listing.scope === 'this crew') notes.push('(the crew running here runs no scheduler: nothing fires; start one with --scheduler)');
    process.stdout.write(formatListing(listing.schedules) + notes.map((note) => `${note}\n`).join(''));
  } finally {
    await queue.close();
  }
}
