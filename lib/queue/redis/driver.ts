// The redis driver (SPEC "Queues"): bee-queue on `queue.url`, durable and shared by every host.
// One bee-queue Queue per job name under `queue.prefix`; one command connection per process.
import type { JobSettings } from '../../app/job-settings.js';
import { redisTarget } from '../../config/redis-url.js';
import type { CrewConfig } from '../../config/types.js';
import type { QueueDriver, QueueStats } from '../types.js';
import { connectRedis, type QueueLog } from './connection.js';
import { consumeFromRedis } from './consumer.js';
import { createProducer } from './producer.js';
import { readStats } from './stats.js';
import { countSuccesses } from './success-counter.js';
import { settlesWithin } from '../../util/with-timeout.js';

/** How long closing may wait on Redis: a frozen one never answers, and the process exits anyway. */
const GOODBYE_MS = 200;

export interface RedisDriver extends QueueDriver {
  stats(): Promise<QueueStats>;
  /** Resolves once Redis is usable; rejects as soon as an attempt failed, or after `timeoutMs`, saying why not. */
  whenConnected(timeoutMs: number): Promise<void>;
}

export function createRedisDriver(queue: CrewConfig['queue'], jobs: ReadonlyMap<string, JobSettings>, log: QueueLog): RedisDriver {
  // The URL passed config validation, which parses it the same way: this does not throw.
  const connection = connectRedis(redisTarget(queue.url), log);
  const enqueue = createProducer(connection, queue.prefix, jobs, queue.maxPayload);
  const counter = countSuccesses(connection, queue.prefix, queue.keepSucceeded);
  const consumptions: Array<{ stop(deadline: number): Promise<void> }> = [];
  let closing: Promise<void> | undefined;

  return {
    driver: 'redis',
    enqueue,
    async consume(consumed, run) {
      // Waits as long as Redis is away; a refusal of the credentials rejects at once.
      await connection.whenUsable(2 ** 31 - 1);
      const consumption = await consumeFromRedis({ connection, prefix: queue.prefix, stallInterval: queue.stallInterval, counter, keepFailed: queue.keepFailed, log }, consumed, run);
      consumptions.push(consumption);
      return consumption;
    },
    check: () => connection.check(),
    watch: (listener) => connection.watch(listener),
    stats: () => readStats(connection, queue.prefix, [...jobs.keys()]),
    whenConnected: (timeoutMs) => connection.whenUsable(timeoutMs, true),
    close() {
      closing ??= (async () => {
        // Stopped already, normally; this covers a process that stops while still starting.
        await Promise.allSettled(consumptions.map((c) => c.stop(Date.now() + 1000)));
        await settlesWithin(counter.stop(), GOODBYE_MS);
        await settlesWithin(connection.close(), GOODBYE_MS);
      })();
      return closing;
    },
  };
}
