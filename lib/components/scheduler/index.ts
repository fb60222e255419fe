// The scheduler component (`--scheduler`, one per crew): arms every schedule of the app and
// of config, and is ready once all are armed. With the redis queue driver its ticks are
// claimed in Redis, so crews sharing it fire each tick once between them, and pauses and last
// runs live there too; with the embedded driver there is one crew and nothing to share, and
// the primary keeps the pauses and last runs (lib/schedule/state.ts).
import type { CrewConfig } from '../../config/types.js';
import type { CrewContext } from '../../app/types.js';
import type { ScheduleGate } from '../../schedule/state.js';
import { resolveSchedules } from '../../schedule/validate.js';
import { FatalStartError, type ComponentRunner, type RunningComponent } from '../component.js';
import { ArmedSchedule } from './armed-schedule.js';
import { redisTickLock } from './redis-tick-lock.js';
import { armedRecord } from './run-record.js';
import { localTickLock } from './tick-lock.js';
import { settlesWithin } from '../../util/with-timeout.js';

/** How long the scheduler waits, before arming, for its primary or Redis to say what is paused. */
const STATE_WAIT_MS = 5000;

/** How long the tick lock's and the pause gate's connections may take to say goodbye: a frozen Redis never answers. */
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
  const [lock, gate] = await Promise.all([
    url ? redisTickLock({ url, prefix: ctx.config.queue.prefix, logger: ctx.logger }) : Promise.resolve(localTickLock()),
    openGate(url, ctx, schedules.map((s) => s.name)),
  ]);

  const armed = schedules.map((schedule) => new ArmedSchedule({ schedule, ctx, lock, gate }));
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
        await settlesWithin(Promise.all([lock.close(), gate.close()]), GOODBYE_MS);
      })();
      return stopping;
    },
  };
  return running;
};

/** Where the scheduler learns of pauses and reports its runs: Redis, or the primary. */
async function openGate(url: string | undefined, ctx: CrewContext, names: string[]): Promise<ScheduleGate> {
  if (!url) {
    const { linkToPrimary } = await import('../../queue/embedded/schedule-link.js');
    return linkToPrimary({ names, timeoutMs: STATE_WAIT_MS, warn: (text) => ctx.logger.warn(text) });
  }
  const [{ connectRedis }, { redisScheduleState }, { redisTarget }] = await Promise.all([import('../../queue/redis/connection.js'), import('../../queue/redis/schedule-state.js'), import('../../config/redis-url.js')]);
  // The tick lock reports Redis going away and coming back for the scheduler: this connection
  // stays quiet, and a tick it cannot serve is skipped and recorded by the armed schedule.
  const connection = connectRedis(redisTarget(url), { info: () => undefined, warn: () => undefined });
  await connection.whenUsable(STATE_WAIT_MS).catch(() => {
    // Not reachable yet: ticks are skipped (and recorded) until it is, as the tick lock's are.
  });
  return redisScheduleState(connection, ctx.config.queue.prefix);
}

/**
 * The Redis the tick lock lives in: the queue's, when the queue's driver is redis by the same
 * rule the queue follows (SPEC "Queues": `redis`, or `auto` with a URL set); none otherwise.
 */
export function lockUrl(config: CrewConfig): string | undefined {
  const { driver, url } = config.queue;
  if (driver === 'redis' || (driver === 'auto' && url)) return url || undefined;
  return undefined;
}
