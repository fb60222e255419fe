// The queue and the schedules as a one-shot command sees them (`crew jobs …`, `crew scheduler
// …`, and any command that runs user code needing `ctx.enqueue`). Which ones it acts on:
// 1. the running crew of this project, when its control socket answers: the queue and the
//    schedules that crew really uses, whatever this shell's environment says (a REDIS_URL
//    here does not send a job to a Redis that crew does not read);
// 2. else the Redis that config names (queue.url / REDIS_URL), directly;
// 3. else nothing: one sentence saying so, exit 1.
// Either way a request is one control verb (lib/queue/admin-verbs.ts, lib/schedule/verbs.ts):
// without a crew, the same verbs run here on a Redis connection of the command's own, so the
// answers read the same. Every request fails within a bound, saying why.
import type { EnqueueOptions } from '../lib/app/types.js';
import { jobSettings } from '../lib/app/job-settings.js';
import type { AppDefinition } from '../lib/app/types.js';
import type { CrewConfig } from '../lib/config/types.js';
import { redisTarget } from '../lib/config/redis-url.js';
import { callControl, NoCrewError } from '../lib/control/client.js';
import { controlSocketPath } from '../lib/control/socket-path.js';
import { defineVerb, type VerbTable } from '../lib/control/verbs.js';
import { CommandError } from '../lib/util/command-error.js';
import { checkEnqueue } from '../lib/queue/enqueue-request.js';
import type { QueueStats } from '../lib/queue/types.js';
import type { ResolvedSchedule } from '../lib/schedule/types.js';
import type { SchedulerListing } from '../lib/schedule/verbs.js';

export interface CommandQueue {
  /** One request: to the running crew, else to config's Redis. Rejects with a CommandError saying why not. */
  ask<T>(verb: string, args?: unknown): Promise<T>;
  /** Rejects with an EnqueueError for a bad call (unknown job, bad option), a CommandError when the queue cannot be reached or refuses. */
  enqueue(job: string, data?: unknown, opts?: EnqueueOptions): Promise<string>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

export interface CommandQueueOptions {
  config: CrewConfig;
  app: AppDefinition;
  cwd: string;
  environ: NodeJS.ProcessEnv;
  /** The project's schedules, for `scheduler.*` without a crew; resolved on first need otherwise. */
  schedules?: readonly ResolvedSchedule[];
}

/** Long enough for `retry --failed` over thousands of jobs on a busy Redis. */
const ANSWER_TIMEOUT_MS = 60_000;

/** The errors a verb answers with: a sentence for the person at the terminal, not a bug. */
const REFUSALS = new Set(['AdminError', 'AdminArgumentError', 'VerbArgumentError', 'EnqueueError', 'RedisCommandError', 'CommandError']);

// A command reports the outcome itself; the connection's running commentary would only repeat it.
const quiet = { info: () => undefined, warn: () => undefined };

/** The Redis config names, by the rule the queue follows (lib/queue/resolve-driver.ts); undefined for none. */
function configuredRedis(queue: CrewConfig['queue']): string | undefined {
  return queue.driver !== 'embedded' && queue.url ? queue.url : undefined;
}

export function openCommandQueue(options: CommandQueueOptions): CommandQueue {
  const { config, app } = options;
  const jobs = jobSettings(app.jobs);
  const socket = controlSocketPath(options.cwd, options.environ);
  const url = configuredRedis(config.queue);
  /** Set once no crew answered: the verbs, run here; `refusal` answers the ones it cannot serve. */
  let local: Promise<{ verbs: VerbTable; refusal: string; close(): Promise<void> }> | undefined;

  const openLocal = async (noCrew: string) => {
    const [{ resolveSchedules }, { listSchedules }, { scheduleVerbs }] = await Promise.all([
      import('../lib/schedule/validate.js'),
      import('../lib/schedule/listing.js'),
      import('../lib/schedule/verbs.js'),
    ]);
    const schedules = options.schedules ?? resolveSchedules(app, config);
    const nothing = `${noCrew}; config names no Redis either (queue.url / REDIS_URL), so there is nothing to act on`;
    if (!url) {
      // The schedules themselves are config: they list, without their state.
      const list = defineVerb({ describe: 'the schedules, their state unknown', parse: () => undefined, run: (): SchedulerListing => ({ schedules: listSchedules(schedules, Date.now()), scope: '', scheduler: false }) });
      return { verbs: { 'scheduler.list': list }, refusal: nothing, close: async () => undefined };
    }
    // bee-queue and its node-redis are loaded only when Redis is used from here.
    const [{ connectRedis }, { redisAdmin }, { adminVerbs }, { jobVerbs }, { redisScheduleState }] = await Promise.all([
      import('../lib/queue/redis/connection.js'),
      import('../lib/queue/redis/admin.js'),
      import('../lib/queue/admin-verbs.js'),
      import('../lib/queue/embedded/verbs.js'),
      import('../lib/queue/redis/schedule-state.js'),
    ]);
    const connection = connectRedis(redisTarget(url), quiet);
    const { prefix, keepFailed, keepSucceeded } = config.queue;
    const admin = redisAdmin({ connection, prefix, jobs, keepFailed, keepSucceeded });
    const state = redisScheduleState(connection, prefix);
    // Whether a scheduler runs is not known from here: another host may run one.
    return { verbs: { ...jobVerbs(admin, config.queue.maxPayload), ...adminVerbs(admin), ...scheduleVerbs(schedules, () => state, true) }, refusal: nothing, close: () => connection.close() };
  };

  const ask = async <T>(verb: string, args?: unknown): Promise<T> => {
    if (!local) {
      try {
        return (await callControl(socket, verb, args, ANSWER_TIMEOUT_MS)) as T;
      } catch (error) {
        if (!(error instanceof NoCrewError)) throw new CommandError((error as Error).message);
        local = openLocal(error.message);
      }
    }
    const { verbs, refusal } = await local;
    const found = Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
    if (!found) throw new CommandError(refusal);
    try {
      return (await found.run(found.parse(args))) as T;
    } catch (error) {
      // What the crew would have answered as an error is the same sentence here.
      if (error instanceof Error && REFUSALS.has(error.name)) throw new CommandError(error.message);
      throw error;
    }
  };

  return {
    ask,
    async enqueue(job, data, opts) {
      checkEnqueue(jobs, job, data, opts, config.queue.maxPayload);
      const { id } = await ask<{ id: string }>('jobs.enqueue', { job, data, ...(opts !== undefined ? { opts } : {}) });
      return id;
    },
    stats: () => ask<QueueStats>('jobs.stats', null),
    close: async () => (local ? (await local).close() : undefined),
  };
}
