// What switching metrics on costs the work crew exists for: HTTP throughput and job throughput,
// each with metrics off and on, alternating in the same run (off, on, on, off, …) so that a
// machine that slows down or speeds up during the run weighs on both sides alike.
// - HTTP: `--server 2` on the metrics bench app (five named routes, so the per-route histogram
//   is the one filled), a fresh crew each round, with `--metrics PORT` or without; after
//   WARM_SECONDS of load to warm it, autocannon (as a library) with CONNECTIONS keep-alive
//   connections for SECONDS; a crew with metrics is scraped every SCRAPE_EVERY seconds
//   meanwhile (by default once a second: far more often than Prometheus' usual 15 s, so the
//   scrapes' own cost weighs in the figure too).
// - Jobs: `--worker --component producer` with the embedded queue (its throughput is the
//   highest, so a per-job cost shows most there): the producer enqueues JOBS trivial jobs, the
//   clock runs from the signal that starts it to the last success (`jobs.stats` over the
//   control socket). A fresh crew each round, metrics on or off in turn.
// - The counting itself, in this process: what the server's observeRequest and the worker's
//   jobStarted + jobEnded cost per call with metrics off and on (ns), set against the cpu a
//   request or a job costs the crew. It does not move with the machine's load the way the
//   rates do.
// The cost is 1 − median(on) / median(off). Target: ≤ 3% for each. Beside the rates, the cpu
// time the crew's processes (primary and children, from /proc) spent per request or per job:
// on a machine shared with other work, a steadier figure than the rate, which follows whatever
// else runs.
//
// node dist/bench/metrics-overhead.js [--rounds 4] [--seconds 10] [--connections 50] [--jobs 30000] [--scrape-every 1] [--only http|jobs]
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { callControl } from '../lib/control/client.js';
import type { QueueStats } from '../lib/queue/types.js';
import { freePort } from '../spec/helpers/ports.js';
import { readyMs, runCrew, startedPid, type CrewRun } from './lib/crew-run.js';
import { get, waitForAnswer } from './lib/http.js';
import { benchApp } from './lib/paths.js';
import { childPids, cpuMs } from './lib/proc-stat.js';
import { enableMetrics, jobEnded, jobStarted, observeRequest } from '../lib/metrics/recorder.js';
import { runMain } from './lib/run-main.js';
import { int, machine, median, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '4' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, jobs: { type: 'string', default: '30000' }, 'scrape-every': { type: 'string', default: '1' }, only: { type: 'string' } },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const JOBS = Number(values.jobs);
const SCRAPE_EVERY_MS = Number(values['scrape-every']) * 1000;
const WARM_SECONDS = 2;
const TARGET = 3;

/** off, on, on, off, off, on, …: each side comes first as often as second. */
const order = (rounds: number): boolean[] => Array.from({ length: rounds * 2 }, (_, i) => [false, true, true, false][i % 4]!);
const percent = (n: number) => `${n.toFixed(1)}%`;

interface Side {
  metrics: boolean;
  rates: number[];
  /** µs of cpu (every process of the crew) per request or job. */
  cpu: number[];
}

interface Round {
  rate: number;
  cpu: number;
}

const newSides = (): [Side, Side] => [
  { metrics: false, rates: [], cpu: [] },
  { metrics: true, rates: [], cpu: [] },
];

function record(sides: [Side, Side], metrics: boolean, round: Round, unit: string): void {
  const side = sides[metrics ? 1 : 0];
  side.rates.push(round.rate);
  side.cpu.push(round.cpu);
  console.log(`    metrics ${metrics ? 'on ' : 'off'}: ${int(round.rate)} ${unit}, ${round.cpu.toFixed(0)} µs cpu each`);
}

function report(what: string, unit: string, sides: [Side, Side]): boolean {
  const [off, on] = sides;
  const cost = (1 - median(on.rates) / median(off.rates)) * 100;
  const cpuCost = (median(on.cpu) / median(off.cpu) - 1) * 100;
  const pass = cost <= TARGET;
  console.log(`  ${what}: off ${off.rates.map(int).join(', ')} ${unit}; on ${on.rates.map(int).join(', ')} ${unit}`);
  console.log(`  ${what}: medians off ${int(median(off.rates))}, on ${int(median(on.rates))}: metrics cost ${percent(cost)} of the throughput (target ≤ ${TARGET}%: ${verdict(pass)})`);
  console.log(`  ${what}: cpu each, medians off ${median(off.cpu).toFixed(1)} µs, on ${median(on.cpu).toFixed(1)} µs: ${percent(cpuCost)} more with metrics`);
  return pass;
}

/** ms of cpu the crew (primary and its children) has used so far; children that exited are not in it. */
function crewCpu(primary: number): number {
  return [primary, ...childPids(primary)].reduce((sum, pid) => {
    try {
      return sum + cpuMs(pid);
    } catch {
      // The process exited between the listing and the read: a bench round has none that do.
      return sum;
    }
  }, 0);
}

interface HttpCrew {
  run: CrewRun;
  port: number;
  metricsPort: number | undefined;
  remove(): void;
}

async function startHttpCrew(metrics: boolean): Promise<HttpCrew> {
  const config = tempConfig('');
  const port = await freePort();
  const metricsPort = metrics ? await freePort() : undefined;
  const args = ['--server', '2', '--app', benchApp('metrics'), '--port', String(port), ...(metricsPort ? ['--metrics', String(metricsPort)] : [])];
  const run = runCrew(args, { cwd: config.dir, env: { NODE_ENV: 'production', CREW_CONTROL: path.join(config.dir, 'control.sock') } });
  for (const tag of ['server.1', 'server.2']) await run.waitFor((r) => readyMs(r, tag) !== undefined, `${tag} ready`);
  await waitForAnswer(port, '/hello', 10_000);
  return { run, port, metricsPort, remove: config.remove };
}

/** Requests per second over SECONDS at full speed on five named routes; scraped meanwhile when the crew has metrics. */
async function httpRound(crew: HttpCrew): Promise<Round> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let failure: Error | undefined;
  const scrape = () =>
    void get(crew.metricsPort!, '/metrics', { agent, timeoutMs: 5000 }).then(
      (answer) => (failure ??= answer.status === 200 ? undefined : new Error(`a scrape answered ${answer.status}`)),
      (error: Error) => (failure ??= error),
    );
  const cpu0 = crewCpu(crew.run.process.pid!);
  let timer: NodeJS.Timeout | undefined;
  if (crew.metricsPort !== undefined) {
    scrape();
    timer = setInterval(scrape, SCRAPE_EVERY_MS);
  }
  try {
    const requests = ['/hello/a', '/users/42', '/orders/7/items', '/health/deep', '/search'].map((p) => ({ method: 'GET' as const, path: p }));
    const result = await autocannon({ url: `http://127.0.0.1:${crew.port}`, connections: CONNECTIONS, pipelining: 1, duration: SECONDS, requests });
    const failed = result.errors + result.timeouts + result.non2xx;
    if (failed > 0) throw new Error(`${failed} requests failed (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`);
    if (failure) throw new Error(`scraping /metrics failed: ${failure.message}`);
    return { rate: result.requests.total / SECONDS, cpu: ((crewCpu(crew.run.process.pid!) - cpu0) * 1000) / result.requests.total };
  } finally {
    clearInterval(timer);
    agent.destroy();
  }
}

async function httpCost(): Promise<{ pass: boolean; sides: [Side, Side] }> {
  console.log(`HTTP: --server 2, ${CONNECTIONS} connections, ${SECONDS} s a round after ${WARM_SECONDS} s to warm, ${ROUNDS} rounds a side, a fresh crew each; with metrics, scraped every ${SCRAPE_EVERY_MS / 1000} s`);
  const sides = newSides();
  for (const metrics of order(ROUNDS)) {
    const crew = await startHttpCrew(metrics);
    try {
      // The first seconds of a server are its JIT's.
      await autocannon({ url: `http://127.0.0.1:${crew.port}/users/1`, connections: CONNECTIONS, duration: WARM_SECONDS });
      record(sides, metrics, await httpRound(crew), 'req/s');
    } finally {
      await crew.run.stop();
      crew.remove();
    }
  }
  return { pass: report('HTTP', 'req/s', sides), sides };
}

async function jobStats(socket: string): Promise<QueueStats> {
  return (await callControl(socket, 'jobs.stats', null, 5000)) as QueueStats;
}

/** Jobs per second from the producer's signal to the last success, on a fresh crew (in `dir`: one crew at a time). */
async function jobRound(dir: string, metrics: boolean): Promise<Round> {
  const socket = path.join(dir, 'control.sock');
  const args = ['--worker', '--component', 'producer', '--app', benchApp('metrics'), ...(metrics ? ['--metrics', String(await freePort())] : [])];
  const run = runCrew(args, { cwd: dir, env: { CREW_CONTROL: socket, BENCH_JOBS: String(JOBS), REDIS_URL: '' } });
  try {
    const started = await run.waitFor((r) => startedPid(r, 'producer.1') !== undefined, 'producer.1 started');
    for (const tag of ['worker.1', 'producer.1']) await run.waitFor((r) => readyMs(r, tag) !== undefined, `${tag} ready`);
    const cpu0 = crewCpu(run.process.pid!);
    const began = performance.now();
    process.kill(startedPid(started, 'producer.1')!, 'SIGUSR2');
    const deadline = began + 120_000;
    for (;;) {
      const stats = await jobStats(socket);
      if ((stats.jobs.trivial?.succeeded ?? 0) >= JOBS) return { rate: (JOBS / (performance.now() - began)) * 1000, cpu: ((crewCpu(run.process.pid!) - cpu0) * 1000) / JOBS };
      if (performance.now() > deadline) throw new Error(`${JOBS} jobs not done in 120 s: ${JSON.stringify(stats.jobs.trivial)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await run.stop();
  }
}

async function jobCost(): Promise<{ pass: boolean; sides: [Side, Side] }> {
  console.log(`jobs: embedded queue, one producer, one worker, ${int(JOBS)} trivial jobs a round, ${ROUNDS} rounds a side, a fresh crew each`);
  const config = tempConfig('queue: { driver: embedded }\n');
  try {
    const sides = newSides();
    for (const metrics of order(ROUNDS)) record(sides, metrics, await jobRound(config.dir, metrics), 'jobs/s');
    return { pass: report('jobs', 'jobs/s', sides), sides };
  } finally {
    config.remove();
  }
}

const CALLS = 2_000_000;

/** ns per call of `f`, after as many calls to warm it. */
function perCall(f: (i: number) => void): number {
  for (let i = 0; i < CALLS; i++) f(i);
  const began = performance.now();
  for (let i = 0; i < CALLS; i++) f(i);
  return ((performance.now() - began) * 1e6) / CALLS;
}

/** The recorder's cost per request and per job, off then on (turning metrics on is for the rest of this process). */
function countingCost(): { request: [number, number]; job: [number, number] } {
  const routes = ['/hello/:name', '/users/:id', '/orders/:id/items', '/health/deep', '/search'];
  const request = (i: number) => observeRequest('GET', 200, routes[i % routes.length], (i % 50) / 10);
  const job = () => {
    jobStarted('trivial');
    jobEnded('trivial', 'succeeded', 0.3);
  };
  const off = [perCall(request), perCall(job)] as const;
  enableMetrics();
  const on = [perCall(request), perCall(job)] as const;
  return { request: [off[0], on[0]], job: [off[1], on[1]] };
}

async function main(): Promise<boolean> {
  console.log(`metrics overhead: ${machine(os.availableParallelism())}`);
  const skipped = { pass: true, sides: newSides() };
  const httpSides = values.only === 'jobs' ? skipped : await httpCost();
  const jobSides = values.only === 'http' ? skipped : await jobCost();
  const counting = countingCost();
  console.log(`counting, in-process, ${int(CALLS)} calls in a tight loop: a request ${counting.request[0].toFixed(0)} ns off, ${counting.request[1].toFixed(0)} ns on; a job ${counting.job[0].toFixed(0)} ns off, ${counting.job[1].toFixed(0)} ns on`);
  const share = (ns: number, side: Side) => (side.cpu.length > 0 ? `${((ns / 1000 / median(side.cpu)) * 100).toFixed(2)}%` : 'not measured');
  console.log(`  the counting with metrics on is ${share(counting.request[1], httpSides.sides[0])} of a request's cpu, ${share(counting.job[1], jobSides.sides[0])} of a job's (medians with metrics off above)`);
  return httpSides.pass && jobSides.pass;
}

runMain('metrics-overhead', main);
