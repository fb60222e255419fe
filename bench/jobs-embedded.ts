// Throughput of the embedded driver: trivial jobs/s from one producer child to one worker child
// through the primary (`crew start --worker --component producer`, nothing installed), and the
// primary's memory with 100k jobs queued. The producer enqueues N jobs as fast as it can, with
// at most 2,000 enqueues outstanding; the clock runs from the signal that starts it to the last
// success, read from the running crew's `jobs.stats` over its control socket. For memory, a crew
// without a worker takes 100k jobs, and the primary's RSS is read from /proc before and after.
//
// node dist/bench/jobs-embedded.js [--jobs 100000] [--rounds 3] [--concurrency 50]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { callControl } from '../lib/control/client.js';
import type { QueueStats } from '../lib/queue/types.js';
import { runCrew, startedPid, type CrewRun } from './lib/crew-run.js';
import { benchApp } from './lib/paths.js';
import { int, machine, median, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '50' } } });
const JOBS = Number(values.jobs);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const TARGET = 10_000;
const QUEUED = 100_000;

async function startCrew(args: string[], jobs: number): Promise<{ run: CrewRun; socket: string; producer: number; remove(): void }> {
  const config = tempConfig('queue: { driver: embedded }\n');
  const socket = path.join(config.dir, 'control.sock');
  const run = runCrew([...args, '--app', benchApp('jobs')], { cwd: config.dir, env: { CREW_CONTROL: socket, BENCH_JOBS: String(jobs), BENCH_CONCURRENCY: String(CONCURRENCY), REDIS_URL: '' } });
  const started = await run.waitFor((r) => startedPid(r, 'producer.1') !== undefined, 'producer.1 started');
  const children = args.includes('--worker') ? 2 : 1;
  for (let n = 0; n < children; n++) {
    let seen = 0;
    await run.waitFor((r) => / ready in /.test(r.message) && ++seen > n, `${n + 1} child(ren) ready`);
  }
  return { run, socket, producer: startedPid(started, 'producer.1')!, remove: config.remove };
}

async function stats(socket: string): Promise<QueueStats> {
  return (await callControl(socket, 'jobs.stats', null, 5000)) as QueueStats;
}

async function until(socket: string, done: (s: QueueStats) => boolean, what: string): Promise<number> {
  const deadline = performance.now() + 120_000;
  for (;;) {
    if (done(await stats(socket))) return performance.now();
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

async function throughput(): Promise<number> {
  const crew = await startCrew(['--worker', '--component', 'producer'], JOBS);
  try {
    const began = performance.now();
    process.kill(crew.producer, 'SIGUSR2');
    const ended = await until(crew.socket, (s) => s.jobs.trivial!.succeeded >= JOBS, `${JOBS} jobs done`);
    return (JOBS / (ended - began)) * 1000;
  } finally {
    await crew.run.stop();
    crew.remove();
  }
}

async function memory(): Promise<{ before: number; after: number; ms: number }> {
  const crew = await startCrew(['--component', 'producer'], QUEUED);
  try {
    const pid = crew.run.process.pid!;
    const before = rssMb(pid);
    const began = performance.now();
    process.kill(crew.producer, 'SIGUSR2');
    const ended = await until(crew.socket, (s) => s.jobs.trivial!.waiting >= QUEUED, `${QUEUED} jobs queued`);
    return { before, after: rssMb(pid), ms: ended - began };
  } finally {
    await crew.run.stop();
    crew.remove();
  }
}

async function main(): Promise<boolean> {
  console.log(`embedded throughput: ${int(JOBS)} trivial jobs per round, one producer child, one worker child at concurrency ${CONCURRENCY}, ${ROUNDS} rounds, ${machine(os.availableParallelism())}`);
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rate = await throughput();
    rates.push(rate);
    console.log(`  round ${round + 1}: ${int(rate)} jobs/s`);
  }
  const rate = median(rates);
  const pass = rate >= TARGET;
  console.log(`median: ${int(rate)} jobs/s (target ≥ ${int(TARGET)}: ${verdict(pass)})`);
  const mem = await memory();
  console.log(`primary RSS: ${mem.before.toFixed(0)} MB idle, ${mem.after.toFixed(0)} MB with ${int(QUEUED)} jobs queued (+${(mem.after - mem.before).toFixed(0)} MB; queued in ${int(mem.ms)} ms)`);
  return pass;
}

process.exitCode = (await main()) ? 0 : 1;
