// The scheduler component (`--scheduler`, one per crew): arms every schedule of the app and
// of config, and is ready once all are armed. With the redis queue driver its ticks are
// claimed in Redis, so crews sharing it fire each tick once between them; with the embedded
// driver there is one crew and nothing to share.
import type { CrewConfig } from '../../config/types.js';
import { resolveSchedules } from '../../schedule/validate.js';
import { FatalStartError, type ComponentRunner, type RunningComponent } from '../component.js';
import { ArmedSchedule } from './armed-schedule.js';
import { redisTickLock } from './redis-tick-lock.js';
import { armedRecord } from './run-record.js';
import { localTickLock, type TickLock } from './tick-lock.js';
import { settlesWithin } from '../../util/with-timeout.js';

/** How long the tick lock's connection may take to say goodbye: a frozen Redis never answers. */
const GOODBYE_MS = 200;

export const runScheduler: ComponentRunner = async ({ app, ctx }) => {
  let schedules;
  try {
    schedules = resolveSchedules(app, ctx.config);
  } catch (error) {
    // The primary checked the same schedules before forking; this is only reached when the
    // app module reads differently in the child (it changed on disk, say). Restarting cannot help.
    throw new FatalStartError(`scheduler: ${(error as Error).message}`);
  }
  const url = lockUrl(ctx.config);
  const lock: TickLock = url ? await redisTickLock({ url, prefix: ctx.config.queue.prefix, logger: ctx.logger }) : localTickLock();

  const armed = schedules.map((schedule) => new ArmedSchedule({ schedule, ctx, lock }));
  for (const one of armed) {
    const record = armedRecord(one.schedule, one.arm(), lock.scope);
    ctx.logger.log(record.level, record.message, record.fields);
  }

  let stopping: Promise<void> | undefined;
  const running: RunningComponent = {
    // No new tick from now on; runs in flight go on until stop's deadline.
    async quiet() {
      for (const one of armed) one.quiet();
    },
    stop(deadline) {
      stopping ??= (async () => {
        await Promise.all(armed.map((one) => one.drain(deadline)));
        await settlesWithin(lock.close(), GOODBYE_MS);
      })();
      return stopping;
    },
  };
  return running;
};

/**
 * The Redis the tick lock lives in: the queue's, when the queue's driver is redis by the same
 * rule the queue follows (SPEC "Queues": `redis`, or `auto` with a URL set); none otherwise.
 */
export function lockUrl(config: CrewConfig): string | undefined {
  const { driver, url } = config.queue;
  if (driver === 'redis' || (driver === 'auto' && url)) return url || undefined;
  return undefined;
}
