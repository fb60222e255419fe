// The body of `crew scheduler run`, loaded only when that command runs.
import { PassThrough } from 'node:stream';
import type { CrewContext } from '../../../lib/app/types.js';
import { didYouMean } from '../../../lib/config/did-you-mean.js';
import { createFormatter, Output, relayChild } from '../../../lib/log/index.js';
import { createChildLogger } from '../../../lib/log/child-logger.js';
import { loadProject } from '../../../lib/project/load-project.js';
import { openCommandQueue, type CommandQueue } from '../../command-queue.js';
import { resolveSchedules } from '../../../lib/schedule/index.js';
import { startRun } from '../../../lib/components/scheduler/run-action.js';
import { runRecord } from '../../../lib/components/scheduler/run-record.js';
import { UsageError } from '../../../lib/util/usage-error.js';
import type { ArgumentsCamelCase } from 'yargs';
import { projectFrom, type ProjectArgs } from './project-options.js';

export type RunArgs = ArgumentsCamelCase<ProjectArgs & { name: string; logFormat?: 'pretty' | 'json' }>;

export async function runOnce(argv: RunArgs): Promise<void> {
  const project = await loadProject(projectFrom(argv));
  const schedules = resolveSchedules(project.app, project.config, project.blame);
  const schedule = schedules.find((s) => s.name === argv.name);
  if (!schedule) {
    const names = schedules.map((s) => s.name);
    const suggestion = didYouMean(argv.name, names);
    const known = names.length === 0 ? 'the app and config define none' : suggestion ? `did you mean "${suggestion}"?` : `known: ${names.join(', ')}`;
    throw new UsageError(`scheduler run: no schedule "${argv.name}" (${known})`);
  }

  const { config } = project;
  const env = process.env.CREW_LOG_FORMAT;
  const format = argv.logFormat ?? (env === 'json' || env === 'pretty' ? env : undefined) ?? (config.log.format === 'auto' ? undefined : config.log.format) ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const color = format === 'pretty' && !process.env.NO_COLOR && (Boolean(process.stdout.isTTY) || Boolean(process.env.FORCE_COLOR));
  const output = new Output(process.stdout, { transports: config.log.transports });
  const lines = new PassThrough();
  // The records take the road a scheduler child's records take: a winston logger writing JSON
  // lines, relayed and tagged as the scheduler's.
  const relayed = relayChild({ stdout: lines, stderr: null, tags: { component: 'scheduler', instance: 1, pid: process.pid }, formatter: createFormatter({ format, color }), output });
  const logger = createChildLogger({ level: config.log.levels.scheduler ?? config.log.level, stream: lines });
  let queue: CommandQueue | undefined;
  const ctx: CrewContext = {
    config,
    logger,
    env: project.env,
    component: 'scheduler',
    instance: 1,
    // Opened on first use: a function or a command may never enqueue.
    enqueue: (job, data, opts) => (queue ??= openCommandQueue({ config, app: project.app, cwd: process.cwd(), environ: process.env })).enqueue(job, data, opts),
  };

  const run = startRun(schedule, ctx, Date.now());
  let interrupts = 0;
  const onSignal = () => (++interrupts === 1 ? run.stop() : run.kill());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const result = await run.result;
  const record = runRecord(schedule, result, run.startedAt, undefined);
  logger.log(record.level, record.message, record.fields);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await queue?.close();
  await new Promise<void>((resolve) => logger.end(resolve));
  lines.end();
  await relayed;
  await output.close();
  process.exitCode = result.outcome === 'ok' ? 0 : 1;
}
