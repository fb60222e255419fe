// `crew restart <component|component.N>`: gracefully replace children of the running crew;
// exit 1 naming each child whose replacement did not become ready.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { askCrew } from '../ask-crew.js';
import { printReplacements, replaceAnswer } from '../replace-report.js';

export const command = 'restart <target>';
export const describe = "Gracefully replace a component's children (worker) or one child (worker.2)";

export const builder = (yargs: Argv) =>
  yargs
    .positional('target', { type: 'string', describe: 'component or component.N', demandOption: true })
    .example('crew restart worker', 'replace every worker, one at a time')
    .example('crew restart server.2', 'replace one server instance');

export async function handler(argv: ArgumentsCamelCase<{ target: string }>): Promise<void> {
  const answer = await askCrew<unknown>('restart', { target: argv.target });
  printReplacements('restarted', replaceAnswer(answer, 'restarted'));
}
