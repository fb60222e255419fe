// What a scrape of /metrics costs, with 8 children (`--server 3 --worker 3 --scheduler
// --component idle`, the embedded queue) that have served requests and run jobs, so every
// family has series:
// - latency: SCRAPES scrapes one after another on a kept-alive connection (after 10 to warm
//   up): median, p95, most. Target: median ≤ 20 ms.
// - the primary's cpu per scrape: its cpu time (/proc) across those scrapes, divided by their
//   number (an upper bound: the primary's own idle work in that time is in it too), and the
//   children's, summed.
// - one scrape a second: the primary's cpu share in WINDOW-second windows without scrapes and
//   with one a second, alternating, ROUNDS of each; the cost is the difference of the medians.
//   Target: ≤ 1% of a core.
//
// node dist/bench/metrics-scrape.js [--scrapes 200] [--rounds 3] [--window 20]
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../spec/helpers/ports.js';
import { runCrew, readyMs } from './lib/crew-run.js';
import { get, waitForAnswer } from './lib/http.js';
import { benchApp } from './lib/paths.js';
import { childPids, cpuMs } from './lib/proc-stat.js';
import { runMain } from './lib/run-main.js';
import { int, machine, median, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';

const { values } = parseArgs({ options: { scrapes: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' }, window: { type: 'string', default: '20' } } });
const SCRAPES = Number(values.scrapes);
const ROUNDS = Number(values.rounds);
const WINDOW_MS = Number(values.window) * 1000;
const LATENCY_TARGET_MS = 20;
const CPU_TARGET = 1;
const TAGS = ['server.1', 'server.2', 'server.3', 'worker.1', 'worker.2', 'worker.3', 'scheduler.1', 'idle.1'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<boolean> {
  const config = tempConfig('queue: { driver: embedded }\n');
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env = { NODE_ENV: 'production', CREW_CONTROL: path.join(config.dir, 'control.sock') };
  const args = ['--server', '3', '--worker', '3', '--scheduler', '--component', 'idle', '--app', benchApp('metrics'), '--port', String(port), '--metrics', String(metricsPort)];
  const crew = runCrew(args, { cwd: config.dir, env });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const tag of TAGS) await crew.waitFor((r) => readyMs(r, tag) !== undefined, `${tag} ready`);
    await waitForAnswer(port, '/hello', 10_000);
    console.log(`metrics scrape: ${machine(os.availableParallelism())}; 8 children (${args.slice(0, 7).join(' ')})`);
    // Something in every family: requests on 20 paths (5 routes), 2,000 jobs.
    const traffic = new http.Agent({ keepAlive: true, maxSockets: 8 });
    await Promise.all(Array.from({ length: 2000 }, (_, i) => get(port, `/p${'x'.repeat(i % 20)}`, { agent: traffic })));
    await Promise.all(Array.from({ length: 20 }, () => get(port, '/enqueue', { agent: traffic })));
    traffic.destroy();

    const scrape = () => get(metricsPort, '/metrics', { agent, timeoutMs: 5000 });
    let body = '';
    for (let i = 0; i < 10; i++) body = (await scrape()).body;
    const primary = crew.process.pid!;
    // The primary is `node crew.js`; its children are the eight.
    const children = childPids(primary);
    const childCpu = () => children.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const times: number[] = [];
    const [primaryBefore, childrenBefore] = [cpuMs(primary), childCpu()];
    for (let i = 0; i < SCRAPES; i++) {
      const began = performance.now();
      const answer = await scrape();
      times.push(performance.now() - began);
      if (answer.status !== 200) throw new Error(`a scrape answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
    const perScrape = (cpuMs(primary) - primaryBefore) / SCRAPES;
    const childrenPerScrape = (childCpu() - childrenBefore) / SCRAPES;
    const sorted = [...times].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    console.log(`  one scrape: ${int(body.length)} bytes, ${int(body.split('\n').filter((l) => l && !l.startsWith('#')).length)} samples`);
    console.log(`  latency over ${SCRAPES} scrapes: median ${p50.toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, most ${sorted.at(-1)!.toFixed(1)} ms (target median ≤ ${LATENCY_TARGET_MS} ms: ${verdict(p50 <= LATENCY_TARGET_MS)})`);
    console.log(`  cpu per scrape: primary ${perScrape.toFixed(2)} ms (with its idle work in that time), the eight children together ${childrenPerScrape.toFixed(2)} ms`);

    const idle: number[] = [];
    const scraping: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const withScrapes of [false, true]) {
        const [cpu0, t0] = [cpuMs(primary), performance.now()];
        const end = t0 + WINDOW_MS;
        while (performance.now() < end) {
          if (withScrapes) await scrape();
          await sleep(Math.min(1000, end - performance.now()));
        }
        const share = ((cpuMs(primary) - cpu0) / (performance.now() - t0)) * 100;
        (withScrapes ? scraping : idle).push(share);
      }
      console.log(`  round ${round + 1}: primary ${idle.at(-1)!.toFixed(2)}% of a core without scrapes, ${scraping.at(-1)!.toFixed(2)}% with one a second`);
    }
    const cost = median(scraping) - median(idle);
    const pass = { latency: p50 <= LATENCY_TARGET_MS, cpu: cost <= CPU_TARGET };
    console.log(`  one scrape a second costs the primary ${cost.toFixed(2)}% of a core (medians ${median(scraping).toFixed(2)}% − ${median(idle).toFixed(2)}%; by the per-scrape figure ${(perScrape / 10).toFixed(2)}%; target ≤ ${CPU_TARGET}%: ${verdict(pass.cpu)})`);
    return pass.latency && pass.cpu;
  } finally {
    agent.destroy();
    await crew.stop();
    config.remove();
  }
}

runMain('metrics-scrape', main);
