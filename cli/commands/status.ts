// `crew status [--json]`: the running crew's primary and every child, from its control socket.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { CrewStatus } from '../../lib/primary/status.js';
import { askCrew } from '../ask-crew.js';
import { formatStatus } from '../format-status.js';

export const command = 'status';
export const describe = 'Show the running crew\'s children: state, pid, restarts, uptime, cpu, memory, and what each is doing';

export const builder = (yargs: Argv) =>
  yargs.option('json', { type: 'boolean', describe: 'Print JSON: { pid, env, uptime, children: [{ ..., activity }] }' }).example('crew status --json', 'for scripts and health probes');

export async function handler(argv: ArgumentsCamelCase<{ json?: boolean }>): Promise<void> {
  const status = await askCrew<CrewStatus>('status');
  process.stdout.write(argv.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
}
