// `crew health [--timeout 5s]`: exit 0 when every child of this folder's running crew is ready
// and its server's /_health answers 200; otherwise exit 1 with one line saying why. Made for
// Docker's HEALTHCHECK and exec probes: it needs no curl, finds the crew from the working
// directory like the other operating commands, and gives up within --timeout, under the
// probe's own timeout, so that the probe logs the reason instead of "timed out".
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { CrewStatus } from '../../lib/primary/status.js';
import { parseDuration } from '../../lib/config/duration.js';
import { CommandError } from '../../lib/util/command-error.js';
import { UsageError } from '../../lib/util/usage-error.js';
import { askCrew } from '../ask-crew.js';
import { describeUnhealthy, getHealth, healthUrl, oneLine, unreadyChildren } from '../health-probe.js';

export const command = 'health';
export const describe = 'Exit 0 when every child is ready and /_health answers 200, else 1 saying why (for HEALTHCHECK)';

export const builder = (yargs: Argv) =>
  yargs
    .option('timeout', { type: 'string', default: '5s', describe: 'give up (exit 1) after this long: keep it under the probe\'s own timeout', coerce: parseTimeout })
    .example('crew health', 'in a Dockerfile: HEALTHCHECK --timeout=10s CMD ["node", "dist/bin/crew.js", "health"]')
    .example('crew health --timeout 2s', 'a tighter bound');

export async function handler(argv: ArgumentsCamelCase<{ timeout: number }>): Promise<void> {
  const deadline = Date.now() + argv.timeout;
  const left = () => Math.max(1, deadline - Date.now());
  const unhealthy = (why: string) => new CommandError(oneLine(`not healthy: ${why}`));
  let status: CrewStatus;
  let server: { host: string; port: number } | null;
  try {
    status = await askCrew<CrewStatus>('status', undefined, left());
    server = await askCrew<{ host: string; port: number } | null>('server', undefined, left());
  } catch (error) {
    throw unhealthy((error as Error).message);
  }
  const unready = unreadyChildren(status.children);
  if (unready) throw unhealthy(unready);
  const tags = status.children.map((child) => `${child.component}.${child.instance}`).join(', ');
  if (!server) {
    process.stdout.write(`healthy: ${tags} ready\n`);
    return;
  }
  const started = Date.now();
  let answer;
  try {
    answer = await getHealth(server.host, server.port, left());
  } catch (error) {
    throw unhealthy((error as Error).message);
  }
  if (answer.status !== 200) throw unhealthy(`GET ${healthUrl(server.host, server.port)} ${describeUnhealthy(answer)}`);
  process.stdout.write(`healthy: ${tags} ready; GET ${healthUrl(server.host, server.port)} answered 200 in ${Date.now() - started} ms\n`);
}

function parseTimeout(value: unknown): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new UsageError(`--timeout: expected a duration greater than 0 such as 500ms, 5s or 1m, found "${String(value)}"`);
  return ms;
}
