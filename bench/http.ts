// HTTP throughput of the server component: requests/s and p99 latency on the hello route of
// bench/apps/hello.ts under `crew start --server N`, against the same route on bare Koa under
// node:cluster with N workers (bench/apps/bare-koa-cluster.ts) and under PM2's cluster mode,
// in the same run, alternating, for N = 1 and N = 2. Each round starts every server afresh,
// in an order that rotates from round to round, loads it with autocannon for a warm-up and
// then for the measured run, reads the CPU time of the server's processes from /proc around
// the measured run, and stops it. Every byte a server writes to stdout is read by this
// process, as a container runtime or a log shipper would.
//
// The servers:
//   bare koa           no log line
//   bare koa + log     one JSON line per request, process.stdout.write in the worker
//   pm2 + log          the same app and line under `pm2-runtime start -i N` (PM2 relays it)
//   crew on            crew's request records on (json log stream to a pipe)
//   crew off           the same with `log: { levels: { server: warn } }`: no request records
//   bare koa + id      bare koa setting the X-Request-Id crew sets on every response (a
//                      per-process prefix and a counter), in a middleware of its own: what
//                      the header costs by itself, and crew against a server that sends it too
//
// Targets, on the median over rounds of each round's ratio: crew on ≥ 0.9× bare koa + log and
// ahead of PM2; crew off ≥ 0.95× bare koa; the p99 of each within 1.2× of its bare server.
//
// PM2 is a dependency of this benchmark only: it is installed with npm into
// node_modules/.cache/crew-bench-pm2 on first use (not into package.json); --no-pm2 leaves it out.
//
// node dist/bench/http.js [--rounds 3] [--duration 8] [--warmup 2] [--connections 50]
//   [--workers 2] [--instances 1,2] [--servers crew-on,crew-off,...] [--no-pm2]
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort } from '../spec/helpers/ports.js';
import { runCrew } from './lib/crew-run.js';
import { waitForAnswer } from './lib/http.js';
import { benchApp, repoRoot } from './lib/paths.js';
import { spawnGroup, stopGroup } from './lib/processes.js';
import { int, machine, median, ratio, verdict } from './lib/stats.js';
import { tempConfig, type TempConfig } from './lib/temp-config.js';
import { runMain } from './lib/run-main.js';

const SERVERS = ['bare', 'bare-log', 'pm2-log', 'crew-on', 'crew-off', 'bare-id'] as const;
/** Run unless --servers says otherwise. */
const DEFAULT_SERVERS: readonly ServerName[] = ['bare', 'bare-log', 'pm2-log', 'crew-on', 'crew-off', 'bare-id'];
type ServerName = (typeof SERVERS)[number];
const LABEL: Record<ServerName, string> = { bare: 'bare koa', 'bare-log': 'bare koa + log', 'pm2-log': 'pm2 + log', 'crew-on': 'crew, records on', 'crew-off': 'crew, records off', 'bare-id': 'bare koa + id' };

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    workers: { type: 'string', default: '2' },
    instances: { type: 'string', default: '1,2' },
    servers: { type: 'string', default: DEFAULT_SERVERS.join(',') },
    'no-pm2': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(values.rounds);
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const WORKERS = Number(values.workers);
const INSTANCES = values.instances.split(',').map(Number);
const CHOSEN = values.servers.split(',').map((name) => {
  if (!(SERVERS as readonly string[]).includes(name)) throw new Error(`--servers: "${name}" is not one of ${SERVERS.join(', ')}`);
  return name as ServerName;
});
const START_TIMEOUT_MS = 60_000;
const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux.
const TARGET_ON = 0.9;
const TARGET_OFF = 0.95;
const TARGET_P99 = 1.2;

interface Running {
  /** The process the server was started as (crew's primary, the cluster's or PM2's primary). */
  leader: ChildProcess;
  /** Lines the server wrote to stdout so far. */
  lines(): number;
  stop(): Promise<void>;
}

interface Measured {
  rps: number;
  p99: number;
  /** CPU µs per request of the leader and of the other processes of its group. */
  leaderUs: number;
  othersUs: number;
  /** Lines written per request served (warm-up and measured run). */
  linesPerRequest: number;
  failures: number;
}

function countLines(stream: NodeJS.ReadableStream | null): () => number {
  let lines = 0;
  stream?.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  return () => lines;
}

/** Waits until `stream` has carried `count` lines matching `match`. */
function waitForLines(stream: NodeJS.ReadableStream, match: RegExp, count: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; output so far: ${text.slice(-1000)}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      text = (text + chunk.toString()).slice(-100_000);
      seen = text.split('\n').filter((line) => match.test(line)).length;
      if (seen >= count) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve();
      }
    };
    stream.on('data', onData);
  });
}

async function startBare(port: number, instances: number, log: boolean, requestId = false): Promise<Running> {
  const leader = spawnGroup(process.execPath, [benchApp('bare-koa-cluster')], {
    env: { ...process.env, NODE_ENV: 'production', BENCH_PORT: String(port), BENCH_WORKERS: String(instances), BENCH_LOG: log ? '1' : '0', BENCH_ID: requestId ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = countLines(leader.stdout);
  await waitForLines(leader.stderr!, /^bare-koa-cluster: worker \d+ listening/, instances, `${instances} bare workers listening`);
  leader.stderr!.resume();
  return { leader, lines, stop: () => stopGroup(leader) };
}

async function startPm2(pm2Runtime: string, port: number, instances: number): Promise<Running> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-bench-pm2-home-'));
  const leader = spawnGroup(process.execPath, [pm2Runtime, 'start', benchApp('bare-koa-cluster'), '-i', String(instances)], {
    env: { ...process.env, NODE_ENV: 'production', PM2_HOME: home, BENCH_PORT: String(port), BENCH_LOG: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = countLines(leader.stdout);
  // The workers report to stderr, which PM2 relays to its own.
  await waitForLines(leader.stderr!, /bare-koa-cluster: worker \d+ listening/, instances, `${instances} PM2 workers listening`);
  leader.stderr!.resume();
  return {
    leader,
    lines,
    stop: async () => {
      await stopGroup(leader);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The working folders of crew with records on and off, made once for the whole run. */
const crewConfigs = new Map<boolean, TempConfig>();

async function startCrew(port: number, instances: number, records: boolean): Promise<Running> {
  let config = crewConfigs.get(records);
  if (!config) {
    config = tempConfig(records ? '# http benchmark: defaults\n{}\n' : 'log: { levels: { server: warn } }\n');
    crewConfigs.set(records, config);
  }
  const crew = runCrew(['--server', String(instances), '--app', benchApp('hello'), '--port', String(port), '--host', '127.0.0.1'], { cwd: config.dir, env: { NODE_ENV: 'production' } });
  for (let n = 1; n <= instances; n++) await crew.waitFor((r) => r.message.startsWith(`server.${n} ready in `), `server.${n} ready`, START_TIMEOUT_MS);
  return {
    leader: crew.process,
    lines: () => crew.otherLines(),
    stop: () => crew.stop(),
  };
}

/** CPU ticks of every process in the group led by `pgid`, by pid. */
function groupTicks(pgid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone between the listing and the read
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces, so count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

async function load(port: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: seconds, workers: WORKERS });
}

async function measure(name: ServerName, instances: number, pm2Runtime: string | undefined): Promise<Measured> {
  const port = await freePort();
  const server =
    name === 'bare' || name === 'bare-log' || name === 'bare-id'
      ? await startBare(port, instances, name === 'bare-log', name === 'bare-id')
      : name === 'pm2-log'
        ? await startPm2(pm2Runtime!, port, instances)
        : await startCrew(port, instances, name === 'crew-on');
  let warm: autocannon.Result;
  let result: autocannon.Result;
  let leader = 0;
  let others = 0;
  try {
    await waitForAnswer(port, '/', START_TIMEOUT_MS);
    warm = await load(port, WARMUP);
    const pgid = server.leader.pid!;
    const before = groupTicks(pgid);
    result = await load(port, DURATION);
    for (const [pid, ticks] of groupTicks(pgid)) {
      const used = ticks - (before.get(pid) ?? 0);
      if (pid === pgid) leader += used;
      else others += used;
    }
  } finally {
    // Stopped before its lines are counted: what it still held is written by then.
    await server.stop();
  }
  const perRequest = (ticks: number) => ((ticks / CLOCK_TICKS) * 1e6) / result.requests.total;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    leaderUs: perRequest(leader),
    othersUs: perRequest(others),
    // Plus the one request that waited for the server to answer.
    linesPerRequest: server.lines() / (warm.requests.total + result.requests.total + 1),
    failures: result.errors + result.timeouts + result.non2xx + warm.errors + warm.timeouts + warm.non2xx,
  };
}

/** pm2-runtime, installed on first use into the cache folder; undefined with the reason when it cannot be. */
function pm2RuntimePath(): { path?: string; reason?: string } {
  const folder = path.join(repoRoot, 'node_modules', '.cache', 'crew-bench-pm2');
  const runtime = path.join(folder, 'node_modules', 'pm2', 'bin', 'pm2-runtime');
  if (fs.existsSync(runtime)) return { path: runtime };
  console.log(`installing pm2 7 into ${path.relative(repoRoot, folder)} (this benchmark's own dependency) …`);
  fs.mkdirSync(folder, { recursive: true });
  const npm = spawnSync('npm', ['install', '--prefix', folder, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', 'pm2@7'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  if (npm.error || npm.status !== 0 || !fs.existsSync(runtime)) return { reason: `npm install pm2@7 failed (${npm.error?.message ?? `exit ${npm.status}`})` };
  return { path: runtime };
}

const fmtUs = (n: number) => n.toFixed(1);

function summarise(instances: number, runs: Map<ServerName, Measured[]>): boolean {
  console.log(`\nN = ${instances}: median over ${ROUNDS} round(s) (min–max)`);
  console.log(`  ${'server'.padEnd(18)} ${'req/s'.padStart(22)} ${'p99 ms'.padStart(14)}   cpu µs/request: primary + others   log lines/request`);
  for (const name of CHOSEN) {
    const list = runs.get(name);
    if (!list || list.length === 0) continue;
    const rps = list.map((m) => m.rps);
    const p99 = list.map((m) => m.p99);
    const failures = list.reduce((sum, m) => sum + m.failures, 0);
    console.log(
      `  ${LABEL[name].padEnd(18)} ${`${int(median(rps))} (${int(Math.min(...rps))}–${int(Math.max(...rps))})`.padStart(22)} ${`${median(p99)} (${Math.min(...p99)}–${Math.max(...p99)})`.padStart(14)}   ` +
        `${fmtUs(median(list.map((m) => m.leaderUs)))} + ${fmtUs(median(list.map((m) => m.othersUs)))}`.padEnd(35) +
        `${median(list.map((m) => m.linesPerRequest)).toFixed(2)}${failures > 0 ? `   ${failures} failed requests!` : ''}`,
    );
  }
  let ok = true;
  const compare = (what: string, a: ServerName, b: ServerName, pick: (m: Measured) => number, target: (r: number) => boolean, goal: string) => {
    const as = runs.get(a);
    const bs = runs.get(b);
    if (!as?.length || !bs?.length) return;
    const ratios = as.map((m, i) => pick(m) / pick(bs[i]!));
    const mid = median(ratios);
    const pass = target(mid);
    ok &&= pass;
    console.log(`  ${what.padEnd(34)} ${ratio(mid)} (rounds ${ratio(Math.min(...ratios))}–${ratio(Math.max(...ratios))}; target ${goal}: ${verdict(pass)})`);
  };
  compare('crew on ÷ bare koa + log, req/s', 'crew-on', 'bare-log', (m) => m.rps, (r) => r >= TARGET_ON, `≥ ${TARGET_ON}×`);
  compare('crew on ÷ pm2 + log, req/s', 'crew-on', 'pm2-log', (m) => m.rps, (r) => r > 1, '> 1×');
  compare('crew off ÷ bare koa, req/s', 'crew-off', 'bare', (m) => m.rps, (r) => r >= TARGET_OFF, `≥ ${TARGET_OFF}×`);
  // CPU per request of every process of the server, crew's primary included: no target, but
  // steadier than req/s when the host is busy, since a noisy neighbour slows both alike.
  const cpu = (m: Measured) => m.leaderUs + m.othersUs;
  const inform = (what: string, a: ServerName, b: ServerName, pick = cpu, reading = 'lower is cheaper') => {
    const as = runs.get(a);
    const bs = runs.get(b);
    if (!as?.length || !bs?.length) return;
    const ratios = as.map((m, i) => pick(m) / pick(bs[i]!));
    console.log(`  ${what.padEnd(34)} ${ratio(median(ratios))} (rounds ${ratio(Math.min(...ratios))}–${ratio(Math.max(...ratios))}; ${reading}, no target)`);
  };
  inform('crew on ÷ bare koa + log, cpu/req', 'crew-on', 'bare-log');
  inform('crew off ÷ bare koa, cpu/req', 'crew-off', 'bare');
  // What the X-Request-Id crew sends on every response costs by itself, and crew against bare
  // Koa that sends the same: the records-off target's margin, taken apart.
  inform('bare koa + id ÷ bare koa, req/s', 'bare-id', 'bare', (m) => m.rps, 'higher is faster');
  inform('crew off ÷ bare koa + id, req/s', 'crew-off', 'bare-id', (m) => m.rps, 'higher is faster');
  inform('crew off ÷ bare koa + id, cpu/req', 'crew-off', 'bare-id');
  compare('crew on ÷ bare koa + log, p99', 'crew-on', 'bare-log', (m) => m.p99, (r) => r <= TARGET_P99, `≤ ${TARGET_P99}×`);
  compare('crew off ÷ bare koa, p99', 'crew-off', 'bare', (m) => m.p99, (r) => r <= TARGET_P99, `≤ ${TARGET_P99}×`);
  const failed = [...runs.values()].flat().some((m) => m.failures > 0);
  if (failed) console.log('  some requests failed (errors, timeouts or non-2xx answers): the figures do not count');
  return ok && !failed;
}

async function main(): Promise<boolean> {
  let servers = CHOSEN;
  let pm2Runtime: string | undefined;
  let pm2Missing = false;
  if (servers.includes('pm2-log')) {
    if (values['no-pm2']) servers = servers.filter((name) => name !== 'pm2-log');
    else {
      const found = pm2RuntimePath();
      pm2Runtime = found.path;
      if (!pm2Runtime) {
        console.log(`pm2 left out: ${found.reason}; the comparison with PM2 is not made (a target not checked)`);
        servers = servers.filter((name) => name !== 'pm2-log');
        pm2Missing = true;
      }
    }
  }
  console.log(
    `http: autocannon, ${CONNECTIONS} connections, ${WORKERS} worker thread(s), ${WARMUP} s warm-up then ${DURATION} s measured; ` +
      `GET / (hello); N = ${INSTANCES.join(', ')}; ${ROUNDS} round(s), alternating; ${machine(os.availableParallelism())}`,
  );
  const results = new Map<number, Map<ServerName, Measured[]>>(INSTANCES.map((n) => [n, new Map()]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const instances of INSTANCES) {
      // The order rotates from round to round, so no server always follows the same one.
      const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
      const line: string[] = [];
      for (const name of order) {
        const measured = await measure(name, instances, pm2Runtime);
        const list = results.get(instances)!.get(name) ?? [];
        list.push(measured);
        results.get(instances)!.set(name, list);
        line.push(`${LABEL[name]} ${int(measured.rps)} (p99 ${measured.p99})`);
      }
      console.log(`  round ${round + 1}, N = ${instances}: ${line.join(', ')}`);
    }
  }
  let ok = !pm2Missing;
  for (const instances of INSTANCES) ok = summarise(instances, results.get(instances)!) && ok;
  return ok;
}

runMain('http', main);
