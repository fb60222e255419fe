// Reload under load: `crew start --server 2` with a hello-world app, autocannon (used as a
// library) with CONNECTIONS keep-alive connections at full speed, and three `crew reload`s
// during the run, against the same load without a reload, in the same run, alternating.
//
// Reported per run: requests, failed requests (connection errors, timeouts, non-2xx), and
// latency p50 / p99 — for the reload runs, of the responses that arrived while a reload was
// under way (from `crew reload` being sent until it answered), for the steady runs of all.
// Targets: 0 failed requests over at least REQUESTS requests across the three reloads; p99
// during the reloads at most 2× the steady p99 (a goal on two cores: the new child's start
// takes a core from the servers for a moment).
//
// node dist/bench/reload-under-load.js [--requests 300000] [--connections 50] [--rounds 1]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { waitForAnswer } from './lib/http.js';
import { benchApp, crewBin } from './lib/paths.js';
import { freePort } from '../spec/helpers/ports.js';
import { runCrew, readyMs } from './lib/crew-run.js';
import { int, machine, median, ms, ratio, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';
import { runMain } from './lib/run-main.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '300000' }, connections: { type: 'string', default: '50' }, rounds: { type: 'string', default: '1' } } });
const REQUESTS = Number(values.requests);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const RELOADS = 3;
const BEFORE_FIRST_RELOAD_MS = 2000;
const BETWEEN_RELOADS_MS = 2000;
const P99_TARGET = 2;

interface RunResult {
  requests: number;
  failed: { errors: number; timeouts: number; non2xx: number };
  /** Latencies (ms) of the responses measured: during reloads, or all of a steady run. */
  p50: number;
  p99: number;
  measured: number;
  reloadMs: number[];
}

const lat = (value: number) => `${value.toFixed(1)} ms`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const run = promisify(execFile);
const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

async function loadRun(dir: string, withReloads: boolean): Promise<RunResult> {
  const port = await freePort();
  const env = { NODE_ENV: 'production', CREW_CONTROL: path.join(dir, 'control.sock') };
  const crew = runCrew(['--server', '2', '--app', benchApp('hello'), '--port', String(port)], { cwd: dir, env });
  try {
    await crew.waitFor((r) => readyMs(r, 'server.2') !== undefined, 'server.2 ready');
    await crew.waitFor((r) => readyMs(r, 'server.1') !== undefined, 'server.1 ready');
    await waitForAnswer(port, '/', 10_000);

    // Every response's latency with the time it arrived: a window's percentiles come from these.
    const latencies: number[] = [];
    const arrived: number[] = [];
    let total = 0;
    let done!: (result: autocannon.Result) => void;
    const finished = new Promise<autocannon.Result>((resolve) => (done = resolve));
    const load = autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, pipelining: 1, duration: 600 }, (error, result) => {
      if (error) throw error;
      done(result);
    });
    load.on('response', (_client, _status, _bytes, responseTime) => {
      total += 1;
      latencies.push(responseTime);
      arrived.push(performance.now());
    });

    const windows: Array<[number, number]> = [];
    await sleep(BEFORE_FIRST_RELOAD_MS);
    if (withReloads) {
      for (let i = 0; i < RELOADS; i++) {
        const began = performance.now();
        // Asynchronously: the load runs in this process, and must go on during the reload.
        await run(process.execPath, [crewBin, 'reload'], { cwd: dir, env: { ...process.env, ...env } });
        windows.push([began, performance.now()]);
        await sleep(BETWEEN_RELOADS_MS);
      }
    }
    while (total < REQUESTS) await sleep(100);
    load.stop();
    const result = await finished;

    const measured = withReloads ? latencies.filter((_, i) => windows.some(([from, to]) => arrived[i]! >= from && arrived[i]! <= to)) : latencies;
    const sorted = [...measured].sort((a, b) => a - b);
    return {
      requests: result.requests.total,
      failed: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      measured: sorted.length,
      reloadMs: windows.map(([from, to]) => to - from),
    };
  } finally {
    await crew.stop();
  }
}

async function main(): Promise<boolean> {
  const config = tempConfig('');
  try {
    console.log(`reload under load: ${machine(os.availableParallelism())}; 2 server instances, ${CONNECTIONS} keep-alive connections, ${int(REQUESTS)} requests a run`);
    const steady: RunResult[] = [];
    const reloaded: RunResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = await loadRun(config.dir, false);
      steady.push(a);
      console.log(`  steady:  ${int(a.requests)} requests, failed ${JSON.stringify(a.failed)}, p50 ${lat(a.p50)}, p99 ${lat(a.p99)}`);
      const b = await loadRun(config.dir, true);
      reloaded.push(b);
      console.log(
        `  reloads: ${int(b.requests)} requests, failed ${JSON.stringify(b.failed)}; during the ${RELOADS} reloads (${b.reloadMs.map((x) => ms(x)).join(', ')}; ${int(b.measured)} responses): p50 ${lat(b.p50)}, p99 ${lat(b.p99)}`,
      );
    }
    const failed = reloaded.reduce((sum, r) => sum + r.failed.errors + r.failed.timeouts + r.failed.non2xx, 0);
    const requests = reloaded.reduce((sum, r) => sum + r.requests, 0);
    const p99Ratio = median(reloaded.map((r) => r.p99)) / median(steady.map((r) => r.p99));
    const pass = { failed: failed === 0 && reloaded.every((r) => r.requests >= REQUESTS), p99: p99Ratio <= P99_TARGET };
    console.log(`  ${failed} of ${int(requests)} requests failed across ${RELOADS * ROUNDS} reloads (target 0: ${verdict(pass.failed)})`);
    console.log(
      `  p99 during reloads ${ratio(p99Ratio)} the steady p99 (p50 ${lat(median(reloaded.map((r) => r.p50)))} against ${lat(median(steady.map((r) => r.p50)))}; target p99 ≤ ${P99_TARGET}×: ${verdict(pass.p99)})`,
    );
    return pass.failed && pass.p99;
  } finally {
    config.remove();
  }
}

runMain('reload-under-load', main);
