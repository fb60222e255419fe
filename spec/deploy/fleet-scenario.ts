// Four crews as four hosts on one real redis-server, the promise of running many hosts on one
// Redis put to the test (spec/deploy/fleet.spec.ts asserts it, bench/fleet.ts reports it):
//
//   A `--server 2`   enqueues a steady stream of jobs (the test asks it over HTTP)
//   B `--worker 2`   SIGKILLed, its whole process tree at once, while it holds jobs; it comes
//                    back afterwards, as an orchestrator would restart it
//   C `--worker --scheduler`   SIGKILLed the same way later, while it holds jobs
//   D `--scheduler`  fires every tick once C is gone
//
// The evidence is what the jobs and the schedule wrote (fixtures/fleet-app.ts), not crew's
// records: a record can die with a SIGKILLed host a moment after its job was done.
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { runCrew, type CrewProcess, type Exit } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { distRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { startRedis } from '../helpers/redis-server.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';
import { killTree, until } from './processes.js';

export interface FleetOptions {
  /** Jobs A enqueues at least (≥ 2,000 for the promise); more while the kills are not behind. */
  jobs: number;
  /** Per-second ticks the window must hold (≥ 20). */
  ticks: number;
  /** queue.stallInterval: how soon a dead host's jobs are taken back. */
  stallInterval: string;
  /** Jobs per second A enqueues (default 100): one in ten takes a second, the others `jobMs` (default 50). */
  rate?: number;
  jobMs?: number;
  log?: (line: string) => void;
}

export interface Takeover {
  host: string;
  /** Jobs the host had started and not finished when it was killed. */
  inHand: number;
  /** From the kill to the last of them started again on another host, ms. */
  ms: number;
}

export interface FleetResult {
  enqueued: number;
  /** Ids never completed by any host. */
  lost: string[];
  /** Jobs that completed more than once (at least once: a run cut short or unrecorded runs again). */
  duplicates: number;
  /** Jobs started more than once. */
  reruns: number;
  ticks: { first: number; last: number; count: number; faults: string[]; byHost: Record<string, number>; afterC: number; afterCByD: number };
  takeovers: Takeover[];
  exits: Record<string, Exit>;
}

const app = path.join(distRoot, 'spec', 'deploy', 'fixtures', 'fleet-app.js');
const READY_MS = 60_000;
const LONG_JOB_MS = 1000;

interface Note {
  host: string;
  at: number;
  /** How long the run takes (start notes). */
  ms: number;
}

interface JobNotes {
  starts: Map<string, Note[]>;
  dones: Map<string, Note[]>;
}

function readJobs(file: string): JobNotes {
  const notes: JobNotes = { starts: new Map(), dones: new Map() };
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    const [kind, id, host, at, ms] = line.split(' ');
    if (!id || !host || !at) continue;
    const into = kind === 'S' ? notes.starts : notes.dones;
    into.set(id, [...(into.get(id) ?? []), { host, at: Number(at), ms: Number(ms ?? 0) }]);
  }
  return notes;
}

function readTicks(file: string): Map<number, string[]> {
  const ticks = new Map<number, string[]>();
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    const [tick, host] = line.split(' ');
    if (!tick || !host) continue;
    ticks.set(Number(tick), [...(ticks.get(Number(tick)) ?? []), host]);
  }
  return ticks;
}

/** Jobs `host` started and did not finish; with `leftMs`, only those with that long still to run. */
const inHand = (notes: JobNotes, host: string, leftMs = -Infinity, now = Date.now()): string[] =>
  [...notes.starts]
    .filter(([id, starts]) => starts.some((s) => s.host === host && s.at + s.ms - now > leftMs) && !(notes.dones.get(id) ?? []).some((d) => d.host === host))
    .map(([id]) => id);

/** Half way between two ticks, so a kill does not land while a host fires one. */
async function midSecond(): Promise<void> {
  const into = Date.now() % 1000;
  await new Promise((resolve) => setTimeout(resolve, (1500 - into) % 1000));
}

export async function runFleet(t: TestContext, options: FleetOptions): Promise<FleetResult | undefined> {
  const log = options.log ?? (() => undefined);
  const redis = await startRedis(t);
  if (!redis) return undefined;
  const port = await freePort();
  const dir = tempDir(t);
  const jobsFile = path.join(dir, 'jobs.log');
  const ticksFile = path.join(dir, 'ticks.log');
  const config = tempConfig(t, [`app: ${app}`, `server: { port: ${port} }`, `queue: { driver: redis, prefix: fleet${port}, stallInterval: ${options.stallInterval} }`, 'supervisor: { grace: 3s }'].join('\n'));

  const host = (name: string, args: string[]): CrewProcess =>
    runCrew(t, ['start', ...args, '--config', config], {
      env: { REDIS_URL: redis.url, FLEET_DIR: dir, FLEET_HOST: name, CREW_CONTROL: path.join(dir, `${name}.sock`), NODE_ENV: 'production' },
    });
  const ready = (crew: CrewProcess, count: number, name: string) => crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), count, `${name}: ${count} children ready`, READY_MS);

  const a = host('A', ['--server', '2']);
  const b = host('B', ['--worker', '2']);
  const c = host('C', ['--worker', '--scheduler']);
  const d = host('D', ['--scheduler']);
  await Promise.all([ready(a, 2, 'A'), ready(b, 2, 'B'), ready(c, 2, 'C'), ready(d, 1, 'D')]);
  log('four hosts ready');
  const first = Math.ceil(Date.now() / 1000) * 1000 + 1000;

  // A steady stream: a batch every 100 ms, whatever happens to the workers, until `jobs` are
  // enqueued and both kills are behind (so there is work to hold at each). One job of ten runs
  // for a second, so a busy host always holds one that a kill cuts short.
  const batch = Math.max(2, Math.round((options.rate ?? 100) / 10));
  const ids = new Set<string>();
  let killsDone = false;
  const enqueue = async (count: number, ms: number) => {
    const reply = await get(`http://127.0.0.1:${port}/enqueue?count=${count}&ms=${ms}`, { timeout: 20_000 });
    if (reply.status !== 200) throw new Error(`A answered ${reply.status} to an enqueue: ${reply.body}`);
    for (const id of (reply.json() as { ids: string[] }).ids) ids.add(id);
  };
  const streaming = (async () => {
    while (ids.size < options.jobs || !killsDone) {
      const next = Date.now() + 100;
      await Promise.all([enqueue(batch - 1, options.jobMs ?? 50), enqueue(1, LONG_JOB_MS)]);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
  })();
  let streamError: Error | undefined;
  streaming.catch((error: Error) => (streamError = error));

  const done = () => readJobs(jobsFile).dones.size;
  const kill = async (crew: CrewProcess, name: string, after: number): Promise<{ at: number; held: string[] }> => {
    await until(() => streamError !== undefined || done() >= after, `${after} jobs done`, 60_000);
    // Half way between two ticks, at a moment the host holds jobs.
    for (let second = 0; ; second++) {
      if (streamError) throw streamError;
      await midSecond();
      if (inHand(readJobs(jobsFile), name, LONG_JOB_MS / 3).length > 0) break;
      if (second === 30) throw new Error(`${name} held no job at any of 30 half-seconds`);
    }
    const at = Date.now();
    const tree = killTree(crew.process.pid!);
    await crew.exited;
    const held = inHand(readJobs(jobsFile), name);
    log(`${name} killed (${tree.length} processes) holding ${held.length} jobs, ${done()} done`);
    return { at, held };
  };
  const takeover = async (name: string, killed: { at: number; held: string[] }): Promise<Takeover> => {
    const restartedAt = (id: string) => readJobs(jobsFile).starts.get(id)?.find((s) => s.host !== name && s.at >= killed.at)?.at;
    await until(() => killed.held.every((id) => restartedAt(id) !== undefined), `the ${killed.held.length} jobs ${name} held to start on another host`, 60_000, 100);
    const ms = Math.max(...killed.held.map((id) => restartedAt(id)! - killed.at));
    log(`${name}'s ${killed.held.length} jobs taken by the others within ${ms} ms`);
    return { host: name, inHand: killed.held.length, ms };
  };

  const killedB = await kill(b, 'B', Math.floor(options.jobs / 5));
  const takenB = await takeover('B', killedB);
  const b2 = host('B2', ['--worker', '2']);
  await ready(b2, 2, 'B2');
  const killedC = await kill(c, 'C', Math.floor(options.jobs / 2));
  killsDone = true;
  const takenC = await takeover('C', killedC);

  await streaming;
  await until(() => {
    const dones = readJobs(jobsFile).dones;
    return [...ids].every((id) => dones.has(id));
  }, `all ${options.jobs} jobs completed`, 120_000, 200).catch((error: Error) => log(error.message));
  const last = Math.max(first + (options.ticks - 1) * 1000, Math.ceil(killedC.at / 1000) * 1000 + 3000);
  await until(() => [...readTicks(ticksFile).keys()].some((tick) => tick >= last), `tick ${new Date(last).toISOString()} fired`, last - Date.now() + 15_000, 200);

  const exits: Record<string, Exit> = {};
  const survivors = { A: a, B2: b2, D: d };
  for (const crew of Object.values(survivors)) crew.signal('SIGTERM');
  for (const [name, crew] of Object.entries(survivors)) exits[name] = await crew.exited;

  const notes = readJobs(jobsFile);
  const fired = readTicks(ticksFile);
  const faults: string[] = [];
  const byHost: Record<string, number> = {};
  let afterC = 0;
  let afterCByD = 0;
  for (let tick = first; tick <= last; tick += 1000) {
    const hosts = fired.get(tick) ?? [];
    if (hosts.length !== 1) faults.push(`${new Date(tick).toISOString()} fired ${hosts.length === 0 ? 'by no host' : `by ${hosts.join(' and ')}`}`);
    for (const h of hosts) byHost[h] = (byHost[h] ?? 0) + 1;
    if (tick > killedC.at) {
      afterC += 1;
      if (hosts.length === 1 && hosts[0] === 'D') afterCByD += 1;
    }
  }
  return {
    enqueued: ids.size,
    lost: [...ids].filter((id) => !notes.dones.has(id)),
    duplicates: [...ids].filter((id) => (notes.dones.get(id)?.length ?? 0) > 1).length,
    reruns: [...ids].filter((id) => (notes.starts.get(id)?.length ?? 0) > 1).length,
    ticks: { first, last, count: (last - first) / 1000 + 1, faults, byHost, afterC, afterCByD },
    takeovers: [takenB, takenC],
    exits,
  };
}
