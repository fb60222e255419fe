// The worker component (`--worker [N]`): runs the app's jobs from the queue — every job, or the
// ones `worker.queues` / `--queues` names — each at its own concurrency. Ready means connected
// to the queue and processing. On stop it takes no new jobs and lets the running ones finish by
// the deadline; any still running then are named in one record and the process is left to be
// killed at the grace, so their jobs run again on another worker (at least once: worse to lose
// a job than to run it twice).
import { jobSettings } from '../../app/job-settings.js';
import { QueueCredentialsError } from '../../queue/credentials-error.js';
import { ABANDON_NOTICE_MS } from '../../queue/defaults.js';
import type { Consumption } from '../../queue/types.js';
import type { ComponentRunner } from '../component.js';
import { FatalStartError } from '../component.js';
import { createJobRunner, type JobRunner } from './run-job.js';
import { createRunRecorder } from './run-record.js';
import { settlesWithin } from '../../util/with-timeout.js';

export const runWorker: ComponentRunner = async ({ app, ctx, queue, recordMark }) => {
  if (!queue) throw new FatalStartError('the worker has no job queue to take jobs from');
  const settings = jobSettings(app.jobs);
  const names = ctx.config.worker.queues.length > 0 ? ctx.config.worker.queues : [...settings.keys()];
  const unknown = names.filter((name) => !settings.has(name));
  if (unknown.length > 0) throw new FatalStartError(`worker.queues names jobs the app does not define: ${unknown.join(', ')}`);
  if (names.length === 0) throw new FatalStartError('the app defines no jobs, so there is nothing for a worker to run');

  const runner = createJobRunner(settings, ctx, createRunRecorder(ctx.logger, process.stdout, recordMark));
  const consumption = await queue
    .consume(
      names.map((name) => ({ name, concurrency: settings.get(name)!.concurrency })),
      runner.run,
    )
    .catch((error: unknown) => {
      // Refused credentials stay refused however often the worker starts again.
      throw error instanceof QueueCredentialsError ? new FatalStartError(error.message) : error;
    });
  ctx.logger.info(`taking jobs ${names.join(', ')} from the ${queue.driver} queue`, { jobs: names, driver: queue.driver });

  let stopping: Promise<void> | undefined;
  return {
    stop(deadline) {
      stopping ??= stopWorker(consumption, runner, deadline, ctx.logger);
      return stopping;
    },
  };
};

async function stopWorker(consumption: Consumption, runner: JobRunner, deadline: number, logger: { info: (m: string, f?: object) => unknown; warn: (m: string, f?: object) => unknown }): Promise<void> {
  const running = runner.active();
  if (running.length > 0) logger.info(`stopping: no new jobs; waiting for ${running.length} running job(s)`, { running: running.length });
  const notice = setTimeout(() => {
    const left = runner.active();
    if (left.length === 0) return;
    const names = left.map((a) => `${a.run.name} ${a.run.id}`);
    logger.warn(`${left.length} job(s) still running as the grace ends: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}; they will run again (at least once)`, {
      unfinished: names,
    });
  }, Math.max(0, deadline - ABANDON_NOTICE_MS - Date.now()));
  await consumption.stop(deadline);
  clearTimeout(notice);
  runner.flush();
  const left = runner.active();
  if (left.length === 0) return;
  // Past the deadline with jobs still running: stay until the primary's kill, which marks this
  // stop as cut short (exit code 1), rather than exit as if the work were done.
  await settlesWithin(Promise.allSettled(left.map((a) => a.settled)), 2000);
}
