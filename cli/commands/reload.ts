// `crew reload [component]`: a rolling restart of the running crew, as SIGHUP does.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { askCrew } from '../ask-crew.js';

export const command = 'reload [component]';
export const describe = 'Rolling restart: replace every child (or one component\'s), one at a time';

export const builder = (yargs: Argv) =>
  yargs.positional('component', { type: 'string', describe: 'only this component' }).example('crew reload', 'after a deploy: every child, one at a time');

export async function handler(argv: ArgumentsCamelCase<{ component?: string }>): Promise<void> {
  const { reloaded } = await askCrew<{ reloaded: string[] }>('reload', argv.component === undefined ? undefined : { target: argv.component });
  process.stdout.write(`reloaded ${reloaded.join(', ')}\n`);
}
