// `crew jobs stats [--json]`: waiting / active / succeeded / failed / delayed per job, from the
// crew running here (either driver), else from the Redis config names.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { QueueStats } from '../../../lib/queue/types.js';
import { projectFrom, projectOptions, type ProjectArgs } from '../scheduler/project-options.js';

export const command = 'stats';
export const describe = 'Show waiting / active / succeeded / failed / delayed per job';

export function builder(yargs: Argv) {
  return projectOptions(yargs).option('json', { type: 'boolean', describe: 'Print JSON: { driver, jobs: { <job>: { waiting, active, succeeded, failed, delayed } } }' });
}

export async function handler(argv: ArgumentsCamelCase<ProjectArgs & { json?: boolean }>): Promise<void> {
  const [{ loadProject }, { openCommandQueue }] = await Promise.all([import('../../../lib/project/load-project.js'), import('../../command-queue.js')]);
  const project = await loadProject(projectFrom(argv));
  const queue = openCommandQueue({ config: project.config, app: project.app, cwd: process.cwd(), environ: process.env });
  try {
    const stats = await queue.stats();
    process.stdout.write(argv.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
  } finally {
    await queue.close();
  }
}

const COLUMNS = ['waiting', 'active', 'succeeded', 'failed', 'delayed'] as const;

export function formatStats(stats: QueueStats): string {
  const rows = Object.entries(stats.jobs).map(([job, counts]) => [job, ...COLUMNS.map((c) => String(counts[c]))]);
  const header = ['JOB', ...COLUMNS.map((c) => c.toUpperCase())];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const body = rows.length > 0 ? rows.map(line).join('\n') : '(the app defines no jobs)';
  const since = stats.driver === 'redis' ? 'succeeded counts since the jobs were first run' : 'succeeded counts since this crew started';
  return `${line(header)}\n${body}\n(${stats.driver} queue; ${since}; failed counts the failed jobs kept, queue.keepFailed per job)\n`;
}
