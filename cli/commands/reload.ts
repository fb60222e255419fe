// `crew reload [component]`: a rolling restart of the running crew, as SIGHUP does; exit 1
// naming each child whose replacement did not become ready.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { askCrew } from '../ask-crew.js';
import { printReplacements, replaceAnswer } from '../replace-report.js';

export const command = 'reload [component]';
export const describe = "Rolling restart: replace every child (or one component's), one at a time";

export const builder = (yargs: Argv) =>
  yargs
    .positional('component', { type: 'string', describe: 'only this component' })
    .example('crew reload', 'after a deploy: every child, one at a time')
    .example('crew reload server || echo "the old servers still run"', 'exit 1 when a replacement did not become ready');

export async function handler(argv: ArgumentsCamelCase<{ component?: string }>): Promise<void> {
  const answer = await askCrew<unknown>('reload', argv.component === undefined ? undefined : { target: argv.component });
  printReplacements('reloaded', replaceAnswer(answer, 'reloaded'));
}
