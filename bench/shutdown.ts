// Shutdown with nothing in flight: `crew start --all` of the example app (embedded queue), once
// every child is ready, SIGTERM, until the primary has exited. Reported per round: the total,
// how long the children took to close (SIGTERM until the last child's exit record reached the
// benchmark), and the primary's own part after that (until its process exit), against the goal
// of at most 100 ms. The same again with a keep-alive connection left idle for 1.5 s before the
// SIGTERM, as a browser tab or a load balancer keeps one open (no target: the drain closes an
// idle connection once it has been idle 1 s, by Node's own clock on it). Also: one walk of the
// process table from a child's pid (lib/util/process-tree.ts), which every child's exit and
// every kill makes, in ms.
//
// node dist/bench/shutdown.js [--rounds 5]
import http from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { get, waitForAnswer } from './lib/http.js';
import { distRoot } from './lib/paths.js';
import { freePort } from '../spec/helpers/ports.js';
import { exited } from './lib/processes.js';
import { runCrew } from './lib/crew-run.js';
import { machine, median, ms, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';
import { runMain } from './lib/run-main.js';
import { descendantsOf } from '../lib/util/process-tree.js';
import path from 'node:path';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const ROUNDS = Number(values.rounds);
const PRIMARY_TARGET_MS = 100;
const WALKS = 200;
/** How long the keep-alive connection of the second series sits idle before the SIGTERM. */
const IDLE_BEFORE_MS = 1500;

interface Round {
  total: number;
  children: number;
  primary: number;
  /** Of the primary's part: from its `stopped` record to its process exit. */
  teardown: number;
}

/** `idleConnection`: a keep-alive connection that answered one request is open and idle at the SIGTERM. */
async function round(dir: string, idleConnection: boolean): Promise<Round> {
  const port = await freePort();
  const crew = runCrew(['--all', '--app', path.join(distRoot, 'example', 'app.js'), '--port', String(port)], { cwd: dir, env: { NODE_ENV: 'development' } });
  const started = await crew.waitFor((r) => /^starting /.test(r.message), 'the plan');
  const count = /starting (.*) \(env/.exec(started.message)![1]!.split(', ').reduce((sum, part) => sum + Number(part.split('×')[1]), 0);
  const ready = () => crew.records.filter((r) => / ready in \d+ ms/.test(r.message)).length;
  await crew.waitFor(() => ready() >= count, `${count} children ready`);
  await waitForAnswer(port, '/_ping', 10_000);
  const agent = idleConnection ? new http.Agent({ keepAlive: true }) : undefined;
  if (agent) {
    await get(port, '/_ping', { agent });
    await delay(IDLE_BEFORE_MS);
  }
  const gone = exited(crew.process);
  const from = crew.records.length;
  const signalled = performance.now();
  crew.process.kill('SIGTERM');
  await gone;
  const end = performance.now();
  agent?.destroy();
  const exits = crew.records.slice(from).filter((r) => / exited with /.test(r.message));
  if (exits.length !== count) throw new Error(`expected ${count} exit records, found ${exits.length}: ${crew.stderr()}`);
  const lastExit = Math.max(...exits.map((r) => r.readAt));
  const stopped = crew.records.slice(from).find((r) => /^stopped in /.test(r.message));
  return { total: end - signalled, children: lastExit - signalled, primary: end - lastExit, teardown: stopped ? end - stopped.readAt : Number.NaN };
}

function walkMs(): number {
  const load = createRequire(import.meta.url);
  const times: number[] = [];
  for (let i = 0; i < WALKS; i++) {
    const began = performance.now();
    descendantsOf(process.pid, load);
    times.push(performance.now() - began);
  }
  return median(times);
}

async function main(): Promise<boolean> {
  const config = tempConfig('');
  try {
    const processes = (await import('node:fs')).readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
    console.log(`shutdown: ${machine(os.availableParallelism())}; crew start --all of the example app, SIGTERM with nothing in flight, alternated with the same while a keep-alive connection is idle`);
    const rounds: Round[] = [];
    const idle: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const idleConnection of i % 2 ? [true, false] : [false, true]) {
        const r = await round(config.dir, idleConnection);
        (idleConnection ? idle : rounds).push(r);
        console.log(
          `  round ${i + 1}${idleConnection ? ', a keep-alive connection idle' : ''}: ${ms(r.total)} (children closed after ${ms(r.children)}, then the primary ${ms(r.primary)}, ${ms(r.teardown)} of it after its "stopped" record)`,
        );
      }
    }
    const primary = median(rounds.map((r) => r.primary));
    const pass = primary <= PRIMARY_TARGET_MS;
    console.log(`  median: SIGTERM to exit ${ms(median(rounds.map((r) => r.total)))}; the children ${ms(median(rounds.map((r) => r.children)))}; the primary after them ${ms(primary)} (target ≤ ${PRIMARY_TARGET_MS} ms: ${verdict(pass)})`);
    console.log(`  with a keep-alive connection idle for ${IDLE_BEFORE_MS} ms: SIGTERM to exit ${ms(median(idle.map((r) => r.total)))}; the children ${ms(median(idle.map((r) => r.children)))} (no target)`);
    console.log(`  a walk of the process table (${processes} processes): median ${walkMs().toFixed(2)} ms over ${WALKS}`);
    return pass;
  } finally {
    config.remove();
  }
}

runMain('shutdown', main);
