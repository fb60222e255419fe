// The primary's part of the queue and the schedules. Whatever the driver, the running primary
// answers the `jobs.*` and `scheduler.*` control verbs on the queue and schedules its crew
// really uses, so `crew jobs …` and `crew scheduler …` run from this project act on them
// whatever the caller's environment says.
// - embedded: the primary holds the queue — a broker that follows the children through the
//   supervisor's hooks (their queue messages, and every exit, which gives a dead worker's runs
//   back) — and the schedules' pauses and last runs, which it tells the scheduler child.
// - redis: children talk to Redis themselves; for the verbs the primary opens a Redis
//   connection of its own on first use, and closes it at shutdown.
import { jobSettings } from '../app/job-settings.js';
import type { AppDefinition } from '../app/types.js';
import { redactUrl } from '../config/redact.js';
import { redisTarget } from '../config/redis-url.js';
import type { CrewConfig } from '../config/types.js';
import type { VerbTable } from '../control/verbs.js';
import type { CrewLogger } from '../log/index.js';
import type { QueueAdmin } from '../queue/admin.js';
import { adminVerbs } from '../queue/admin-verbs.js';
import { embeddedAdmin } from '../queue/embedded/admin.js';
import { EmbeddedBroker } from '../queue/embedded/broker.js';
import { isScheduleOp } from '../queue/embedded/protocol.js';
import { CrewScheduleKeeper } from '../queue/embedded/schedule-keeper.js';
import { jobVerbs } from '../queue/embedded/verbs.js';
import { resolveDriver } from '../queue/resolve-driver.js';
import type { ScheduleKeeper } from '../schedule/state.js';
import { resolveSchedules } from '../schedule/validate.js';
import { scheduleVerbs } from '../schedule/verbs.js';
import type { ExitInfo } from './child.js';
import type { PlannedComponent } from './plan.js';
import type { SupervisorHooks } from './supervisor.js';

export interface PrimaryQueue {
  hooks: SupervisorHooks;
  verbs: VerbTable;
  /** The queue this crew uses, for its metrics (depth by state, oldest waiting). */
  admin: QueueAdmin;
}

export function createPrimaryQueue(config: CrewConfig, app: AppDefinition, plan: PlannedComponent[], log: CrewLogger): PrimaryQueue {
  const jobs = jobSettings(app.jobs);
  // Checked already before anything was forked; resolved again for their listing.
  const schedules = resolveSchedules(app, config);
  const runsScheduler = plan.some((c) => c.component === 'scheduler');

  if (resolveDriver(config.queue) === 'redis') {
    const lazy = lazyRedis(config, jobs);
    return {
      admin: lazy.admin,
      hooks: { stop: () => lazy.close() },
      verbs: { ...jobVerbs(lazy.admin, config.queue.maxPayload), ...adminVerbs(lazy.admin), ...scheduleVerbs(schedules, lazy.schedules, runsScheduler) },
    };
  }

  const workers = plan.some((c) => c.component === 'worker');
  const consumed = workers ? (config.worker.queues.length > 0 ? config.worker.queues : [...jobs.keys()]) : [];
  const { maxQueued, keepFailed, keepSucceeded } = config.queue;
  const broker = new EmbeddedBroker({ jobs, maxQueued, keepFailed, keepSucceeded, log, consumedJobs: new Set(consumed) });
  const keeper = new CrewScheduleKeeper(new Set(schedules.map((s) => s.name)), (text) => log.warn(text));
  const admin = embeddedAdmin(broker);
  return {
    admin,
    hooks: {
      onQueueMessage: (child, body) => (isScheduleOp(body) ? keeper.receive(child, body) : broker.receive(child, body)),
      onChildExit: (child, info) => {
        keeper.forget(child);
        broker.release(child, exitWords(info));
      },
      stop: () => broker.stop(),
    },
    verbs: { ...jobVerbs(admin, config.queue.maxPayload), ...adminVerbs(admin), ...scheduleVerbs(schedules, () => keeper, runsScheduler) },
  };
}

/** The redis driver's admin and schedules' state, on one connection opened by the first verb that needs it. */
function lazyRedis(config: CrewConfig, jobs: QueueAdmin['jobs']) {
  let opened: Promise<{ admin: QueueAdmin; schedules: ScheduleKeeper; close(): Promise<void> }> | undefined;
  const open = () =>
    (opened ??= (async () => {
      // bee-queue and node-redis load only once an operator asks.
      const [{ connectRedis }, { redisAdmin }, { redisScheduleState }] = await Promise.all([
        import('../queue/redis/connection.js'),
        import('../queue/redis/admin.js'),
        import('../queue/redis/schedule-state.js'),
      ]);
      // The children report Redis going away; a verb that cannot reach it says so in its answer.
      const connection = connectRedis(redisTarget(config.queue.url), { info: () => undefined, warn: () => undefined });
      const { prefix, keepFailed, keepSucceeded } = config.queue;
      return { admin: redisAdmin({ connection, prefix, jobs, keepFailed, keepSucceeded }), schedules: redisScheduleState(connection, prefix), close: () => connection.close() };
    })());
  const on = <T>(use: (admin: QueueAdmin) => Promise<T>) => open().then(({ admin }) => use(admin));
  const admin: QueueAdmin = {
    driver: 'redis',
    jobs,
    enqueue: (request) => on((a) => a.enqueue(request)),
    stats: () => on((a) => a.stats()),
    oldestWaiting: () => on((a) => a.oldestWaiting()),
    list: (query) => on((a) => a.list(query)),
    show: (ref) => on((a) => a.show(ref)),
    retry: (refs) => on((a) => a.retry(refs)),
    retryFailed: (job) => on((a) => a.retryFailed(job)),
    remove: (refs) => on((a) => a.remove(refs)),
    purge: (query) => on((a) => a.purge(query)),
    close: async () => undefined,
  };
  const keeper = (): ScheduleKeeper => ({
    scope: redactUrl(config.queue.url),
    states: (names) => open().then(({ schedules }) => schedules.states(names)),
    pause: (name) => open().then(({ schedules }) => schedules.pause(name)),
    resume: (name) => open().then(({ schedules }) => schedules.resume(name)),
    close: async () => undefined,
  });
  return { admin, schedules: keeper, close: async () => (opened ? (await opened).close() : undefined) };
}

function exitWords(info: ExitInfo): string {
  if (info.killedAtGrace) return 'was killed at the end of the grace';
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}
