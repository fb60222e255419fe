// The queue as a one-shot command sees it (`crew jobs enqueue`, `crew jobs stats`, and any
// command that runs user code needing `ctx.enqueue`). With the redis driver the command talks
// to Redis itself; with the embedded driver the queue lives in the running primary, reached
// over its control socket. Either way a command fails within a bound, saying why, instead of
// waiting forever.
import type { EnqueueOptions } from '../lib/app/types.js';
import { jobSettings } from '../lib/app/job-settings.js';
import type { AppDefinition } from '../lib/app/types.js';
import type { CrewConfig } from '../lib/config/types.js';
import { callControl } from '../lib/control/client.js';
import { controlSocketPath } from '../lib/control/socket-path.js';
import { CommandError } from '../lib/util/command-error.js';
import { COMMAND_CONNECT_TIMEOUT_MS, ENQUEUE_TIMEOUT_MS } from '../lib/queue/defaults.js';
import { checkEnqueue } from '../lib/queue/enqueue-request.js';
import { resolveDriver } from '../lib/queue/resolve-driver.js';
import type { DriverName, QueueStats } from '../lib/queue/types.js';

export interface CommandQueue {
  driver: DriverName;
  /** Rejects with an EnqueueError for a bad call (unknown job, bad option), a CommandError when the queue cannot be reached. */
  enqueue(job: string, data?: unknown, opts?: EnqueueOptions): Promise<string>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

export interface CommandQueueOptions {
  config: CrewConfig;
  app: AppDefinition;
  cwd: string;
  environ: NodeJS.ProcessEnv;
}

// A command reports the outcome itself; the connection's running commentary would only repeat it.
const quiet = { info: () => undefined, warn: () => undefined };

export function openCommandQueue({ config, app, cwd, environ }: CommandQueueOptions): CommandQueue {
  const jobs = jobSettings(app.jobs);
  if (resolveDriver(config.queue) === 'redis') {
    // bee-queue and its node-redis are loaded only when this driver is chosen.
    const opening = import('../lib/queue/redis/driver.js').then(({ createRedisDriver }) => createRedisDriver(config.queue, jobs, quiet));
    let driver: Awaited<typeof opening> | undefined;
    const connected = async () => {
      driver = await opening;
      try {
        await driver.whenConnected(COMMAND_CONNECT_TIMEOUT_MS);
      } catch (error) {
        throw new CommandError((error as Error).message);
      }
    };
    return {
      driver: 'redis',
      async enqueue(job, data, opts) {
        checkEnqueue(jobs, job, data, opts, config.queue.maxPayload);
        await connected();
        return driver!.enqueue(job, data, opts);
      },
      async stats() {
        await connected();
        return driver!.stats();
      },
      close: async () => (await opening).close(),
    };
  }
  const socket = controlSocketPath(cwd, environ);
  const ask = async (verb: string, args: unknown): Promise<unknown> => {
    try {
      return await callControl(socket, verb, args, ENQUEUE_TIMEOUT_MS);
    } catch (error) {
      throw new CommandError(`${(error as Error).message} (embedded queue: it lives in the running crew)`);
    }
  };
  return {
    driver: 'embedded',
    async enqueue(job, data, opts) {
      checkEnqueue(jobs, job, data, opts, config.queue.maxPayload);
      const { id } = (await ask('jobs.enqueue', { job, data, ...(opts !== undefined ? { opts } : {}) })) as { id: string };
      return id;
    },
    stats: async () => (await ask('jobs.stats', null)) as QueueStats,
    close: async () => undefined,
  };
}
