// `crew jobs remove <id...>`: waiting, delayed, failed or succeeded jobs leave the queue for
// good, printed one per line. A running job is refused (it would run to its end anyway):
// remove it once it has finished or failed. Each refusal is named on stderr, exit 1.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { RemoveResult } from '../../../lib/queue/admin.js';
import { parseJobRefs } from '../../../lib/queue/admin-args.js';
import { projectOptions, type ProjectArgs } from '../scheduler/project-options.js';
import { reportRefusals } from './format.js';
import { checked, withQueue } from './open-queue.js';

export const command = 'remove <ids..>';
export const describe = 'Remove waiting, delayed, failed or succeeded jobs';

export function builder(yargs: Argv) {
  return projectOptions(yargs)
    .positional('ids', { type: 'string', array: true, describe: 'Jobs, as `crew jobs list` names them (email:42)', demandOption: true })
    .option('json', { type: 'boolean', describe: 'Print JSON: { removed: [ids], refused: [{ id, why }] }' })
    .example('crew jobs remove email:42', 'email job 42 will not run (again)');
}

export async function handler(argv: ArgumentsCamelCase<ProjectArgs & { ids: string[]; json?: boolean }>): Promise<void> {
  const ids = argv.ids.map(String);
  await withQueue(argv, async ({ queue, jobs }) => {
    checked('remove', () => parseJobRefs(ids, jobs));
    const result = await queue.ask<RemoveResult>('jobs.remove', { ids });
    process.stdout.write(argv.json ? `${JSON.stringify(result, null, 2)}\n` : result.removed.map((id) => `removed ${id}\n`).join(''));
    if (reportRefusals(result.refused)) process.exitCode = 1;
  });
}
