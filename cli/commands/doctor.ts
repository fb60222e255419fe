// `crew doctor`: checks what `crew start` needs, one line each, and says what to do about a
// failure. Exit 0 when everything passed, 1 otherwise.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { Check } from '../doctor-checks.js';
import { projectOptions, type ProjectArgs } from './scheduler/project-options.js';

export const command = 'doctor';
export const describe = 'Check Node, config, app, schedules, queue, port and a running crew';

export const builder = (yargs: Argv) => projectOptions(yargs).example('crew doctor --env production', 'before a deploy');

export async function handler(argv: ArgumentsCamelCase<ProjectArgs>): Promise<void> {
  const { runChecks } = await import('../doctor-checks.js');
  const checks: Check[] = await runChecks(argv);
  for (const check of checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(failed === 0 ? 'everything crew start needs is in place\n' : `${failed} check(s) failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
}
