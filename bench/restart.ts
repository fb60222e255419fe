// Restart: how long a SIGKILLed server instance takes to answer again, and what a steady
// client sees while it happens.
//
// 1. One instance: SIGKILL the child (its pid from crew's "server.1 started (pid N)" record)
//    and poll GET /pid on new connections, a new attempt every 5 ms, until a different pid
//    answers. Expected: about the first backoff delay (crew's "restarting in N ms") plus a
//    child's start ("ready in N ms"). How the attempts before it ended is reported too.
// 2. Two instances: a client keeps CONCURRENCY keep-alive requests going (sequential per
//    connection, on loopback), one instance is SIGKILLed, and the client goes on until the
//    replacement has been ready for a while. Reported: requests failed out of requests sent,
//    and when each failed request was sent and failed relative to the kill. Only requests in
//    flight on the killed child's connections should fail, and only by a connection reset; a
//    request that times out (no answer within 2 s) was lost, not reset.
//
// The config keeps every kill at the first backoff delay (resetAfter: 1s, and each kill waits
// until the child has been up longer than that) and far from the restart intensity limit.
//
// node dist/bench/restart.js [--kills 5] [--pair-kills 3]
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { get, pollUntil, waitForAnswer } from './lib/http.js';
import { benchApp } from './lib/paths.js';
import { freePort } from '../spec/helpers/ports.js';
import { readyMs, runCrew, startedPid, type CrewRun } from './lib/crew-run.js';
import { int, machine, median, ms, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';
import { runMain } from './lib/run-main.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '5' }, 'pair-kills': { type: 'string', default: '3' } } });
const KILLS = Number(values.kills);
const PAIR_KILLS = Number(values['pair-kills']);
const CONFIG = `# restart benchmark: every kill restarts after the first backoff delay
supervisor:
  restart:
    backoff: { initial: 100ms, factor: 2, resetAfter: 1s }
    intensity: { max: 1000, window: 60s }
`;
const UP_BEFORE_KILL_MS = 1500;
const ANSWER_TIMEOUT_MS = 15_000;
const CONCURRENCY = 4;
const CLIENT_BEFORE_KILL_MS = 1000;
const CLIENT_AFTER_READY_MS = 1000;
const CLIENT_MAX_MS = 20_000;
const CLIENT_MAX_REQUESTS = 500_000;
// Beyond backoff + the child's start: crew seeing the exit, the new child's listen reaching the
// primary, and the 5 ms polling.
const SINGLE_SLACK_MS = 100;

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

interface Child {
  pid: number;
  /** Index in crew's records of its "started" record. */
  at: number;
  startedAt: number;
}

/** The latest child of `tag`, waiting for its ready record. */
async function currentChild(crew: CrewRun, tag: string, from = 0): Promise<Child> {
  const started = await crew.waitFor((r) => startedPid(r, tag) !== undefined, `${tag} started`, ANSWER_TIMEOUT_MS, from);
  const at = crew.records.indexOf(started);
  await crew.waitFor((r) => readyMs(r, tag) !== undefined, `${tag} ready`, ANSWER_TIMEOUT_MS, at);
  return { pid: startedPid(started, tag)!, at, startedAt: started.readAt };
}

async function waitUntilUp(child: Child): Promise<void> {
  const up = performance.now() - child.startedAt;
  if (up < UP_BEFORE_KILL_MS) await sleep(UP_BEFORE_KILL_MS - up);
}

interface SingleKill {
  ms: number;
  delay: number;
  ready: number;
  /** How the polls before the answer ended. */
  misses: Record<string, number>;
}

async function singleInstance(cwd: string): Promise<SingleKill[]> {
  const port = await freePort();
  const crew = runCrew(['--server', '--app', benchApp('hello'), '--port', String(port)], { cwd, env: { NODE_ENV: 'production' } });
  const results: SingleKill[] = [];
  try {
    let child = await currentChild(crew, 'server.1');
    await waitForAnswer(port, '/pid', ANSWER_TIMEOUT_MS);
    for (let kill = 0; kill < KILLS; kill++) {
      await waitUntilUp(child);
      const from = crew.records.length;
      const killedAt = performance.now();
      process.kill(child.pid, 'SIGKILL');
      const old = child.pid;
      const poll = await pollUntil(port, '/pid', ANSWER_TIMEOUT_MS, (a) => a.status === 200 && (JSON.parse(a.body) as { pid: number }).pid !== old);
      const restarting = await crew.waitFor((r) => /^server\.1 restarting in \d+ ms/.test(r.message), 'server.1 restarting', ANSWER_TIMEOUT_MS, from);
      child = await currentChild(crew, 'server.1', from);
      const ready = readyMs(crew.records.slice(child.at).find((r) => readyMs(r, 'server.1') !== undefined)!, 'server.1')!;
      const result = { ms: poll.answeredAt - killedAt, delay: Number(/in (\d+) ms/.exec(restarting.message)![1]), ready, misses: poll.misses };
      results.push(result);
      console.log(`  kill ${kill + 1}: answered again after ${ms(result.ms)} (crew: restarting in ${result.delay} ms, ready in ${result.ready} ms; attempts before: ${JSON.stringify(result.misses)})`);
    }
    return results;
  } finally {
    await crew.stop();
  }
}

interface Failure {
  what: string;
  /** ms after the kill when the request was sent and when it failed (negative: before the kill). */
  sent: number;
  failed: number;
}

interface ClientResult {
  sent: number;
  failures: Failure[];
}

// A connection to the killed child reset under a request: the failure a kill may cause.
const RESETS = new Set(['ECONNRESET', 'EPIPE']);

/** Requests GET /pid over CONCURRENCY keep-alive connections until `stop()` says so. */
function steadyClient(port: number, stop: () => boolean, killedAt: () => number | undefined): Promise<ClientResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const result: ClientResult = { sent: 0, failures: [] };
  const began = performance.now();
  const loop = async (): Promise<void> => {
    while (!stop() && result.sent < CLIENT_MAX_REQUESTS && performance.now() - began < CLIENT_MAX_MS) {
      result.sent++;
      const sentAt = performance.now();
      let problem: string | undefined;
      try {
        const answer = await get(port, '/pid', { agent, timeoutMs: 2000 });
        if (answer.status !== 200) problem = `status ${answer.status}`;
      } catch (error) {
        problem = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      }
      if (problem !== undefined) {
        const at = killedAt() ?? Number.NaN;
        result.failures.push({ what: problem, sent: sentAt - at, failed: performance.now() - at });
      }
    }
  };
  return Promise.all(Array.from({ length: CONCURRENCY }, loop)).then(() => {
    agent.destroy();
    return result;
  });
}

async function twoInstances(cwd: string): Promise<ClientResult[]> {
  const port = await freePort();
  const crew = runCrew(['--server', '2', '--app', benchApp('hello'), '--port', String(port)], { cwd, env: { NODE_ENV: 'production' } });
  const results: ClientResult[] = [];
  try {
    const children = [await currentChild(crew, 'server.1'), await currentChild(crew, 'server.2')];
    await waitForAnswer(port, '/pid', ANSWER_TIMEOUT_MS);
    for (let kill = 0; kill < PAIR_KILLS; kill++) {
      const index = kill % 2;
      const tag = `server.${index + 1}`;
      for (const child of children) await waitUntilUp(child);
      // What the client reads while it runs: whether to stop, and when the kill happened.
      const state: { done: boolean; killedAt?: number } = { done: false };
      const client = steadyClient(port, () => state.done, () => state.killedAt);
      await sleep(CLIENT_BEFORE_KILL_MS);
      const from = crew.records.length;
      state.killedAt = performance.now();
      process.kill(children[index]!.pid, 'SIGKILL');
      children[index] = await currentChild(crew, tag, from);
      await sleep(CLIENT_AFTER_READY_MS);
      state.done = true;
      const result = await client;
      results.push(result);
      const failures = result.failures.map((f) => `${f.what} (sent ${f.sent.toFixed(0)} ms, failed ${f.failed.toFixed(0)} ms after the kill)`);
      console.log(`  kill ${kill + 1} (${tag}): ${result.failures.length} of ${int(result.sent)} requests failed${failures.length > 0 ? `: ${failures.join(', ')}` : ''}`);
    }
    return results;
  } finally {
    await crew.stop();
  }
}

async function main(): Promise<boolean> {
  const config = tempConfig(CONFIG);
  try {
    console.log(`restart: ${machine(os.availableParallelism())}`);
    console.log(`one instance, ${KILLS} SIGKILLs:`);
    const single = await singleInstance(config.dir);
    console.log(`two instances, a client with ${CONCURRENCY} keep-alive connections, ${PAIR_KILLS} SIGKILLs:`);
    const pair = await twoInstances(config.dir);
    const sent = pair.reduce((sum, r) => sum + r.sent, 0);
    const failures = pair.flatMap((r) => r.failures);
    const resets = failures.filter((f) => RESETS.has(f.what)).length;
    const expected = median(single.map((r) => r.delay + r.ready));
    const answered = median(single.map((r) => r.ms));
    const pass = {
      single: answered <= expected + SINGLE_SLACK_MS,
      pair: failures.length === resets && pair.every((r) => r.failures.length <= CONCURRENCY),
    };
    console.log('medians:');
    console.log(
      `  one instance: answered again ${ms(answered)} after SIGKILL; backoff ${ms(median(single.map((r) => r.delay)))} + child ready ${ms(median(single.map((r) => r.ready)))} = ${ms(expected)} ` +
        `(target: within ${SINGLE_SLACK_MS} ms of that: ${verdict(pass.single)})`,
    );
    console.log(
      `  two instances: ${failures.length} of ${int(sent)} requests failed over ${PAIR_KILLS} kills, ${resets} of them connection resets ` +
        `(target: only resets of requests on the killed child's ${CONCURRENCY} connections: ${verdict(pass.pair)})`,
    );
    return pass.single && pass.pair;
  } finally {
    config.remove();
  }
}

runMain('restart', main);
