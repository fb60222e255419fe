// Starts a crew on the jobs fixture app for a queue spec, with either driver, and reads its job
// records. Each crew gets its own config folder, port, control socket and (redis) key prefix.
import type { TestContext } from 'node:test';
import { runCrew, runCrewToEnd, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { queueCrewConfig } from '../helpers/queue-crew-config.js';

export type Driver = 'embedded' | 'redis';

export interface JobsCrew {
  crew: CrewProcess;
  port: number;
  redis?: RedisServer;
  /** Environment a `crew jobs …` command needs to reach this crew's queue. */
  env: Record<string, string>;
  configDir: string;
  /** GET /enqueue on the crew's server: resolves { status, id?, error?, ms }. */
  enqueue(job: string, data?: unknown, opts?: unknown): Promise<{ status: number; id?: string; error?: string; ms: number }>;
  /** Every run record of one job so far (or to come, with waitRuns). */
  runs(job: string, id?: string): LogRecord[];
  waitRuns(job: string, count: number, id?: string, timeoutMs?: number): Promise<LogRecord[]>;
  jobsCommand(args: string[]): ReturnType<typeof runCrewToEnd>;
}

export interface JobsCrewOptions {
  args: string[];
  /** Extra YAML lines appended to the config. */
  yaml?: string;
  /** An already running Redis to share (else one is started for a redis crew). */
  redis?: RedisServer;
  /** The Redis URL to use instead of the server's own (a password in it, say). */
  url?: string;
  /** How many children to wait for (default: every one the flags ask for). */
  ready?: number;
  /** More keys of the `queue:` mapping, as YAML flow entries ("maxQueued: 3"). */
  queueKeys?: string;
}

const isRun = (job: string, id?: string) => (r: LogRecord) => r.job === job && typeof r.outcome === 'string' && r.outcome !== 'overran' && (id === undefined || r.jobId === id);

/** Returns undefined (the test is skipped) when the driver is redis and redis-server is absent. */
export async function startJobsCrew(t: TestContext, driver: Driver, options: JobsCrewOptions): Promise<JobsCrew | undefined> {
  const redis = driver === 'redis' ? (options.redis ?? (await startRedis(t))) : undefined;
  if (driver === 'redis' && !redis) return undefined;
  const port = await freePort();
  const more = options.queueKeys ? `, ${options.queueKeys}` : '';
  const queue = driver === 'redis' ? `{ driver: redis, url: "${options.url ?? redis!.url}", prefix: "spec${port}", stallInterval: 1s${more} }` : `{ driver: embedded${more} }`;
  const { configDir, env } = queueCrewConfig(t, { app: 'jobs', port, queue, yaml: options.yaml });
  const crew = runCrew(t, ['start', '--config', configDir, ...options.args], { env });
  await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), options.ready ?? readyCount(options.args), 'every child ready', 20_000);
  return {
    crew,
    port,
    ...(redis ? { redis } : {}),
    env,
    configDir,
    async enqueue(job, data, opts) {
      const query = new URLSearchParams({ job });
      if (data !== undefined) query.set('data', JSON.stringify(data));
      if (opts !== undefined) query.set('opts', JSON.stringify(opts));
      const reply = await get(`http://127.0.0.1:${port}/enqueue?${query}`);
      return { status: reply.status, ...(reply.json() as { id?: string; error?: string; ms: number }) };
    },
    runs: (job, id) => crew.records.filter(isRun(job, id)),
    waitRuns: (job, count, id, timeoutMs = 15_000) => crew.waitForCount(isRun(job, id), count, `${count} run record(s) of ${job}${id ? ` ${id}` : ''}`, timeoutMs),
    jobsCommand: (args) => runCrewToEnd(['jobs', ...args, '--config', configDir], { env }),
  };
}

function readyCount(args: string[]): number {
  let count = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--server' || arg === '--worker' || arg === '--component') {
      const next = args[i + 1];
      const n = next && /^\d+$/.test(next) ? Number(next) : 1;
      count += arg === '--component' ? 1 : n;
    }
  }
  return count;
}

export const at = (record: LogRecord): number => Date.parse(record.timestamp);
