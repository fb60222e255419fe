// The child's side of the job queue: `ctx.enqueue` for all user code in the child, the `queue`
// health check behind the server's `/_health` (503 while Redis is away), the embedded driver's
// messages from the primary, and the driver the worker component consumes from. The driver
// is chosen from `queue` in config (auto: redis when a URL is set, else embedded) once the app
// is loaded, since its jobs' settings travel with every enqueue.
import type { Logger } from 'winston';
import type { AppDefinition } from '../app/types.js';
import { jobSettings } from '../app/job-settings.js';
import type { ChildSpec } from '../protocol/child-spec.js';
import { message, type ChildMessage, type QueueBody } from '../protocol/messages.js';
import { createEmbeddedClient, type EmbeddedClient } from '../queue/embedded/client.js';
import { EnqueueError } from '../queue/enqueue-request.js';
import { resolveDriver } from '../queue/resolve-driver.js';
import type { QueueDriver } from '../queue/types.js';
import type { Enqueue } from './context.js';

export interface ChildQueue {
  enqueue: Enqueue;
  receive(body: QueueBody): void;
  /** Filled by `attach`; the same object throughout. */
  checks: Record<string, () => unknown>;
  /** Binds the queue to the loaded app; returns the driver, or undefined when the app has no jobs. */
  attach(app: AppDefinition, logger: Logger): Promise<QueueDriver | undefined>;
  close(): Promise<void>;
}

export function createChildQueue(spec: ChildSpec, send: (msg: ChildMessage) => void): ChildQueue {
  let driver: QueueDriver | undefined;
  let embedded: EmbeddedClient | undefined;
  let noJobs = false;
  const checks: Record<string, () => unknown> = {};
  process.on('disconnect', () => embedded?.disconnected());

  return {
    enqueue: (job, data, opts) => {
      if (driver) return driver.enqueue(job, data, opts);
      const why = noJobs ? 'the app defines no jobs' : 'the queue is not ready yet (the app is still loading)';
      return Promise.reject(new EnqueueError(`cannot enqueue "${job}": ${why}`));
    },
    receive: (body) => embedded?.receive(body),
    checks,
    async attach(app, logger) {
      const jobs = jobSettings(app.jobs);
      if (jobs.size === 0) {
        noJobs = true;
        return undefined;
      }
      if (resolveDriver(spec.config.queue) === 'redis') {
        // bee-queue and its node-redis are loaded only by children that use them.
        const { createRedisDriver } = await import('../queue/redis/driver.js');
        driver = createRedisDriver(spec.config.queue, jobs, logger);
      } else {
        embedded = createEmbeddedClient({ jobs, maxPayload: spec.config.queue.maxPayload, send, connected: () => process.connected === true, warn: (text) => logger.warn(text) });
        driver = embedded;
      }
      checks.queue = () => driver!.check();
      // The supervisor shows a child whose queue is lost as degraded (`crew status`).
      driver.watch?.((reason) => send(message('degraded', { reason })));
      return driver;
    },
    close: async () => driver?.close(),
  };
}
