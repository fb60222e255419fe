// Throughput of the redis driver: trivial jobs/s through one crew worker (`crew start --worker`,
// each run a record in the log stream, relayed by the primary to a discarded stdout) against a bare bee-queue worker
// script with the same bee-queue settings, on the same Redis, at the same concurrency, in the
// same run, alternating them. A second baseline, the bare worker with crew's write coalescing
// (lib/queue/redis/coalesce-writes.ts), leaves only the cost of crew's own work per job: the
// record, the timeout bookkeeping, the relay. Each round fills the queue with N jobs first, then starts the
// consumer and polls Redis until the queue is empty; the rate counts from the first job taken
// to the last job done, so neither side's start-up is in it.
//
// node dist/bench/jobs-redis.js [--jobs 30000] [--rounds 3] [--concurrency 50]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { BeeQueue, beeScripts, redisV3, type RedisV3Client } from '../lib/queue/redis/bee.js';
import { producerSettings } from '../lib/queue/redis/settings.js';
import { benchApp, crewBin } from './lib/paths.js';
import { freePort } from '../spec/helpers/ports.js';
import { spawnGroup, stopGroup } from './lib/processes.js';
import { int, machine, median, ratio, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '30000' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '50' } } });
const JOBS = Number(values.jobs);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const TARGET = 0.9;

async function startRedis(port: number) {
  const child = spawnGroup('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error(`redis-server exited: ${seen}`)));
  });
  child.stdout!.resume();
  return child;
}

function call<T>(fn: (done: (error: Error | null, reply: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, reply) => (error ? reject(error) : resolve(reply))));
}

async function fill(client: RedisV3Client, prefix: string): Promise<void> {
  const queue = new BeeQueue('trivial', producerSettings(prefix, client));
  await queue.ready();
  for (let at = 0; at < JOBS; at += 1000) {
    const batch = Array.from({ length: Math.min(1000, JOBS - at) }, (_, i) => queue.createJob({ i: at + i }));
    const errors = await queue.saveAll(batch);
    if (errors.size > 0) throw new Error(`filling the queue failed: ${[...errors.values()][0]!.message}`);
  }
}

/** Polls the waiting and active lists every 5 ms; resolves with jobs/s from first take to empty. */
async function drain(client: RedisV3Client, prefix: string): Promise<number> {
  const remaining = async () => {
    const [waiting, active] = await call<unknown[]>((done) => client.multi().llen(`${prefix}:trivial:waiting`).llen(`${prefix}:trivial:active`).exec(done));
    return Number(waiting) + Number(active);
  };
  let first: { at: number; left: number } | undefined;
  const deadline = performance.now() + 120_000;
  for (;;) {
    const left = await remaining();
    const now = performance.now();
    if (!first && left < JOBS) first = { at: now, left };
    if (left === 0 && first) return (first.left / (now - first.at)) * 1000;
    if (now > deadline) throw new Error(`the queue did not drain: ${left} jobs left`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function bare(url: string, client: RedisV3Client, prefix: string, variant: 'plain' | 'coalesced'): Promise<number> {
  await fill(client, prefix);
  const worker = spawnGroup(process.execPath, [benchApp('bare-bee-worker'), url, String(CONCURRENCY), prefix, variant], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    return await drain(client, prefix);
  } finally {
    await stopGroup(worker);
  }
}

async function crew(url: string, client: RedisV3Client, prefix: string): Promise<number> {
  await fill(client, prefix);
  const config = tempConfig(`queue: { driver: redis, url: "${url}", prefix: "${prefix}" }\n${process.env.BENCH_YAML ?? ''}`);
  // crew's log stream (a record per job) goes where a container's stdout would: away, without
  // this process spending the machine's two cores on reading it.
  const run = spawnGroup(process.execPath, [crewBin, 'start', '--worker', '--app', benchApp('jobs'), '--log-format', 'json'], {
    cwd: config.dir,
    env: { ...process.env, BENCH_CONCURRENCY: String(CONCURRENCY), REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    return await drain(client, prefix);
  } finally {
    await stopGroup(run);
    config.remove();
  }
}

async function main(): Promise<boolean> {
  const port = await freePort();
  const redis = await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const client = redisV3.createClient({ url, retry_strategy: () => 100, connect_timeout: 10_000 });
  // Each round's filler queue adds an 'error' listener to this one client.
  client.setMaxListeners(0);
  try {
    await call((done) => client.ping(done as never));
    // crew's producers leave loading bee-queue's scripts to the connection: do it here.
    await beeScripts.buildCache(client);
    console.log(`redis throughput: ${int(JOBS)} trivial jobs per round, concurrency ${CONCURRENCY}, ${ROUNDS} rounds each, ${machine(os.availableParallelism())}`);
    const bareRates: number[] = [];
    const coalescedRates: number[] = [];
    const crewRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = await bare(url, client, `bare${round}`, 'plain');
      bareRates.push(a);
      const c = await bare(url, client, `coalesced${round}`, 'coalesced');
      coalescedRates.push(c);
      const b = await crew(url, client, `crew${round}`);
      crewRates.push(b);
      console.log(`  bare bee-queue ${int(a).padStart(7)}   bare, coalesced writes ${int(c).padStart(7)}   crew worker ${int(b).padStart(7)} jobs/s   ${ratio(b / a)} bare, ${ratio(b / c)} coalesced`);
    }
    const bareMedian = median(bareRates);
    const coalescedMedian = median(coalescedRates);
    const crewMedian = median(crewRates);
    const pass = crewMedian / bareMedian >= TARGET;
    console.log(`medians: crew ${int(crewMedian)} jobs/s, bare bee-queue ${int(bareMedian)} jobs/s: ${ratio(crewMedian / bareMedian)} (target ≥ ${TARGET}×: ${verdict(pass)})`);
    console.log(`         bare bee-queue with coalesced writes ${int(coalescedMedian)} jobs/s: crew is ${ratio(crewMedian / coalescedMedian)} of it`);
    return pass;
  } finally {
    client.end(true);
    await stopGroup(redis);
  }
}

process.exitCode = (await main()) ? 0 : 1;
