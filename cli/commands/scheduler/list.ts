// `crew scheduler list [--json]`: every schedule of the app and config, checked, with its
// next three fire times.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { projectFrom, projectOptions, type ProjectArgs } from './project-options.js';

export const command = 'list';
export const describe = 'List every schedule with its next three fire times';

export function builder(yargs: Argv) {
  return projectOptions(yargs).option('json', { type: 'boolean', describe: 'Print JSON instead of a table' });
}

export async function handler(argv: ArgumentsCamelCase<ProjectArgs & { json?: boolean }>): Promise<void> {
  const [{ loadProject }, { formatListing, listSchedules, resolveSchedules }] = await Promise.all([import('../../../lib/project/load-project.js'), import('../../../lib/schedule/index.js')]);
  const project = await loadProject(projectFrom(argv));
  const schedules = resolveSchedules(project.app, project.config, project.blame);
  const now = Date.now();
  process.stdout.write(argv.json ? `${JSON.stringify(listSchedules(schedules, now), null, 2)}\n` : formatListing(schedules, now));
}
