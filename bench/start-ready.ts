// Start to ready: `crew start --server` with a hello-world app until GET /_ping answers,
// against the same hello-world server on bare Koa started with plain `node`, in the same run,
// alternating the two. Each start gets a fresh port; each server is stopped before the next
// start. For crew, the time is also split by crew's own records: spawn until the child was
// forked ("server.1 started"), and the child's start as crew measured it ("ready in N ms").
//
// node dist/bench/start-ready.js [--rounds 7]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { waitForAnswer } from './lib/http.js';
import { benchApp } from './lib/paths.js';
import { freePort } from '../spec/helpers/ports.js';
import { spawnGroup, stopGroup } from './lib/processes.js';
import { readyMs, runCrew, startedPid } from './lib/crew-run.js';
import { machine, median, ms, ratio, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';
import { runMain } from './lib/run-main.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(values.rounds);
const START_TIMEOUT_MS = 30_000;
const RATIO_TARGET = 2;

interface CrewStart {
  total: number;
  forked: number;
  childReady: number;
}

async function bareStart(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnGroup(process.execPath, [benchApp('bare-koa'), String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    return (await waitForAnswer(port, '/_ping', START_TIMEOUT_MS)) - started;
  } finally {
    await stopGroup(child);
  }
}

async function crewStart(cwd: string): Promise<CrewStart> {
  const port = await freePort();
  const started = performance.now();
  const crew = runCrew(['--server', '--app', benchApp('hello'), '--port', String(port)], { cwd, env: { NODE_ENV: 'production' } });
  try {
    const answered = await waitForAnswer(port, '/_ping', START_TIMEOUT_MS);
    const forked = await crew.waitFor((r) => startedPid(r, 'server.1') !== undefined, 'server.1 started');
    const ready = await crew.waitFor((r) => readyMs(r, 'server.1') !== undefined, 'server.1 ready');
    return { total: answered - started, forked: forked.readAt - started, childReady: readyMs(ready, 'server.1')! };
  } finally {
    await crew.stop();
  }
}

async function main(): Promise<boolean> {
  const config = tempConfig('# start benchmark: defaults\n{}\n');
  try {
    console.log(`start to ready: ${ROUNDS} rounds (after one warm-up of each), ${machine(os.availableParallelism())}`);
    // The first start of each reads files the page cache may not hold yet; it is not counted.
    await bareStart();
    await crewStart(config.dir);
    const bare: number[] = [];
    const crew: CrewStart[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = await bareStart();
      bare.push(a);
      const b = await crewStart(config.dir);
      crew.push(b);
      console.log(`  bare koa ${ms(a).padStart(7)}   crew ${ms(b.total).padStart(7)} (spawn → child forked ${ms(b.forked)}, child start → ready ${ms(b.childReady)})`);
    }
    const bareMedian = median(bare);
    const crewMedian = median(crew.map((c) => c.total));
    const pass = crewMedian / bareMedian <= RATIO_TARGET;
    console.log('medians:');
    console.log(
      `  crew ${ms(crewMedian)} (child forked after ${ms(median(crew.map((c) => c.forked)))}, child ready ${ms(median(crew.map((c) => c.childReady)))} later), ` +
        `bare koa ${ms(bareMedian)}: ${ratio(crewMedian / bareMedian)} (target ≤ ${RATIO_TARGET}×: ${verdict(pass)})`,
    );
    return pass;
  } finally {
    config.remove();
  }
}

runMain('start', main);
