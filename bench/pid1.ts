// PID 1: how long the image's command takes from SIGTERM to exit with nothing in flight, run
// as a container runs it — PID 1 of a fresh PID namespace (`unshare --pid --fork --mount-proc`,
// root needed), the example app with `start --all`, NODE_ENV=production and a local
// redis-server — and what happens with the entry points the docs warn against:
//
//   tini -- node dist/bin/crew.js   the Dockerfile's ENTRYPOINT + CMD (the figure, no target)
//   node dist/bin/crew.js           node itself as PID 1, no init
//   npm start / npx crew            npm as PID 1
//   npm start, SIGTERM to npm       outside a namespace: a process manager stopping its child
//   npm start, Ctrl-C               SIGINT to the terminal's process group
//
// Each start waits until every child is ready and then 300 ms more, so nothing is in flight.
// The first two alternate for --rounds rounds; the others run once.
//
// node dist/bench/pid1.js [--rounds 5]
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { freePort } from '../spec/helpers/ports.js';
import { canRunAsPid1 } from '../spec/deploy/image.js';
import { repoRoot } from './lib/paths.js';
import { exited, killGroup, spawnGroup } from './lib/processes.js';
import { machine, median, ms } from './lib/stats.js';
import { runMain } from './lib/run-main.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const ROUNDS = Number(values.rounds);
const SETTLE_MS = 300;
const AFTER_EXIT_MS = 1500;

interface Started {
  child: ChildProcess;
  output: () => string;
  ready: Promise<void>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawnGroup(command, args, { cwd: repoRoot, env: { ...process.env, ...env, CREW_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let wake = () => undefined as void;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')}: not ready within 60 s:\n${text.slice(-2000)}`)), 60_000);
    wake = () => {
      const planned = /"message":"starting ([^"(]*)/.exec(text)?.[1];
      const count = planned ? [...planned.matchAll(/×(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0) : Infinity;
      if ((text.match(/ ready in \d+ ms/g) ?? []).length >= count) {
        clearTimeout(timer);
        wake = () => undefined;
        setTimeout(resolve, SETTLE_MS);
      }
    };
    child.once('exit', () => reject(new Error(`${command} exited before it was ready:\n${text.slice(-2000)}`)));
  });
  return { child, output: () => text, ready };
}

interface Outcome {
  ms: number;
  exit: string;
  shuttingDown: boolean;
  crewCode: string | undefined;
}

const outcome = (started: Started, sentAt: number): Outcome => {
  const { child } = started;
  return {
    ms: performance.now() - sentAt,
    exit: child.exitCode !== null ? `exit ${child.exitCode}` : `killed by ${child.signalCode} (a shell says ${128 + (os.constants.signals[child.signalCode!] ?? 0)})`,
    shuttingDown: started.output().includes('shutting down'),
    crewCode: /stopped in \d+ ms \(exit code (\d)\)/.exec(started.output())?.[1],
  };
};

/** Runs `command` as PID 1 of a new PID namespace and SIGTERMs that PID 1. */
async function asPid1(command: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const started = start('unshare', ['--pid', '--fork', '--mount-proc', ...command], env);
  try {
    await started.ready;
    const init = Number(fs.readFileSync(`/proc/${started.child.pid}/task/${started.child.pid}/children`, 'utf8').trim().split(' ')[0]);
    const gone = exited(started.child);
    const sentAt = performance.now();
    process.kill(init, 'SIGTERM');
    await gone;
    return outcome(started, sentAt);
  } finally {
    killGroup(started.child.pid!);
  }
}

/** `npm start` outside a namespace: SIGTERM to npm alone, or SIGINT to the whole group (Ctrl-C). */
async function npmStart(signal: 'SIGTERM' | 'SIGINT', env: NodeJS.ProcessEnv): Promise<Outcome & { primary: string }> {
  const started = start('npm', ['start', '--ignore-scripts'], env);
  try {
    await started.ready;
    const primary = primaryPid(started.output());
    const gone = exited(started.child);
    const sentAt = performance.now();
    if (signal === 'SIGINT') process.kill(-started.child.pid!, 'SIGINT');
    else started.child.kill('SIGTERM');
    await gone;
    const result = outcome(started, sentAt);
    const parentThen = fs.existsSync(`/proc/${primary}`) ? fs.readFileSync(`/proc/${primary}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] : undefined;
    await new Promise((resolve) => setTimeout(resolve, AFTER_EXIT_MS));
    const later = fs.existsSync(`/proc/${primary}`) ? `still running ${AFTER_EXIT_MS} ms later, parent ${parentThen}` : 'gone';
    return { ...result, primary: later, crewCode: /stopped in \d+ ms \(exit code (\d)\)/.exec(started.output())?.[1] };
  } finally {
    killGroup(started.child.pid!);
  }
}

/** The pid in crew's own first record. */
function primaryPid(output: string): number {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { component?: string; pid?: number };
    if (record.component === 'crew' && typeof record.pid === 'number') return record.pid;
  }
  throw new Error(`no record of crew's own in:\n${output.slice(0, 2000)}`);
}

async function startRedis(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawnGroup('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error(`redis-server exited: ${seen}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => killGroup(child.pid!) };
}

const describe = (o: Outcome) => `${o.exit} after ${ms(o.ms)}; "shutting down" logged: ${o.shuttingDown ? 'yes' : 'no'}; crew's exit code: ${o.crewCode ?? 'never logged'}`;

async function main(): Promise<boolean> {
  const missing = canRunAsPid1();
  if (missing) {
    console.log(`pid1: ${missing}; skipped`);
    return true;
  }
  console.log(`PID 1: SIGTERM to exit, nothing in flight, ${ROUNDS} rounds, ${machine(os.availableParallelism())}`);
  const redis = await startRedis();
  try {
    const env = async () => ({ NODE_ENV: 'production', REDIS_URL: redis.url, PORT: String(await freePort()) });
    const tini: Outcome[] = [];
    const bare: Outcome[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      tini.push(await asPid1(['/usr/bin/tini', '--', 'node', 'dist/bin/crew.js', 'start', '--all'], await env()));
      bare.push(await asPid1(['node', 'dist/bin/crew.js', 'start', '--all'], await env()));
    }
    const exits = (list: Outcome[]) => [...new Set(list.map((o) => o.exit))].join(', ');
    console.log(`| tini -- node dist/bin/crew.js start --all (the image) | median ${ms(median(tini.map((o) => o.ms)))} (${tini.map((o) => o.ms.toFixed(0)).join(', ')}), ${exits(tini)} |`);
    console.log(`| node dist/bin/crew.js start --all, no init | median ${ms(median(bare.map((o) => o.ms)))} (${bare.map((o) => o.ms.toFixed(0)).join(', ')}), ${exits(bare)} |`);
    console.log(`| npm start as PID 1 | ${describe(await asPid1(['npm', 'start', '--ignore-scripts'], await env()))} |`);
    console.log(`| npx crew start --all as PID 1 | ${describe(await asPid1(['npx', 'crew', 'start', '--all'], await env()))} |`);
    const term = await npmStart('SIGTERM', await env());
    console.log(`| npm start, SIGTERM to npm | ${describe(term)}; the primary: ${term.primary} |`);
    const int = await npmStart('SIGINT', await env());
    console.log(`| npm start, Ctrl-C (SIGINT to the group) | ${describe(int)}; the primary: ${int.primary} |`);
    return tini.every((o) => o.exit === 'exit 0');
  } finally {
    redis.stop();
  }
}

runMain('pid1', main);
