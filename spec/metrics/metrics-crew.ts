// Starts a crew on the metrics fixture app with its /metrics endpoint on, for a metrics spec:
// its own config folder, server and metrics ports, control socket and (redis) key prefix.
import type { TestContext } from 'node:test';
import { runCrew, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { queueCrewConfig } from '../helpers/queue-crew-config.js';

export interface MetricsCrew {
  crew: CrewProcess;
  port: number;
  metricsPort: number;
  env: Record<string, string>;
  configDir: string;
  /** GET a path on the crew's server. */
  request(pathname: string): Promise<number>;
  /** The pid of a child from its `started` record (the latest one). */
  pidOf(tag: string): number;
}

export interface MetricsCrewOptions {
  args: string[];
  driver?: 'embedded' | 'redis';
  yaml?: string;
  env?: Record<string, string>;
  /** How many children to wait for. */
  ready: number;
  /** A redis-server to share with another crew (the redis driver), and the key prefix they share. */
  redis?: RedisServer;
  prefix?: string;
}

/** Undefined (the test skipped) for a redis crew without redis-server installed. */
export async function startMetricsCrew(t: TestContext, options: MetricsCrewOptions): Promise<MetricsCrew | undefined> {
  const redis = options.redis ?? (options.driver === 'redis' ? await startRedis(t) : undefined);
  if (options.driver === 'redis' && !redis) return undefined;
  const [port, metricsPort] = [await freePort(), await freePort()];
  const queue = redis ? `{ driver: redis, url: "${redis.url}", prefix: "${options.prefix ?? `metrics${port}`}", stallInterval: 1s }` : '{ driver: embedded }';
  const config = queueCrewConfig(t, { app: 'metrics', port, queue, yaml: options.yaml });
  const configDir = config.configDir;
  const env = { ...config.env, ...options.env };
  const crew = runCrew(t, ['start', '--config', configDir, '--metrics', String(metricsPort), ...options.args], { env });
  await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), options.ready, 'every child ready', 20_000);
  await crew.waitFor((r) => r.component === 'crew' && r.message.startsWith('metrics at '), 'the metrics endpoint');
  return {
    crew,
    port,
    metricsPort,
    env,
    configDir,
    request: async (pathname) => (await get(`http://127.0.0.1:${port}${pathname}`)).status,
    pidOf: (tag) => {
      const started = crew.records.filter((r: LogRecord) => r.component === 'crew' && r.message.startsWith(`${tag} started (pid `));
      return Number(/\(pid (\d+)\)/.exec(started.at(-1)?.message ?? '')?.[1]);
    },
  };
}
