// Scheduler fire-time accuracy: how late a per-second schedule's runs start against their
// scheduled second, over TICKS ticks (default 60), in three crews started one after another:
//
// 1. alone:        `crew start --scheduler`
// 2. worker busy:  `crew start --scheduler --worker --component seeder`, the worker running
//                  CPU-bound jobs back to back (20 ms of spinning each, each enqueueing the next)
// 3. 2 workers busy: the same with `--worker 2`, so both cores are taken by jobs
//
// Lateness is measured by the run itself: the first thing the schedule's function does is
// append its tick and Date.now() to a file, so it includes everything between the second and
// the user's code (timer, tick claim, run start). The embedded queue driver, so the tick lock
// is local (the Redis claim adds a round trip, measured in the fleet spec, not here). Ticks are
// counted from the second one, so that no crew is measured while its children are starting.
// A missing or repeated tick fails the benchmark.
//
// node dist/bench/scheduler-accuracy.js [--ticks 60]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchApp } from './lib/paths.js';
import { runCrew } from './lib/crew-run.js';
import { killAll } from './lib/processes.js';
import { machine, median, ms } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';

const { values } = parseArgs({ options: { ticks: { type: 'string', default: '60' } } });
const TICKS = Number(values.ticks);

interface Result {
  label: string;
  lateness: number[];
  problems: string[];
}

async function measure(label: string, args: string[], cwd: string): Promise<Result> {
  const timingFile = path.join(cwd, `${label.replace(/\W+/g, '-')}.timing`);
  const crew = runCrew(['--scheduler', '--app', benchApp('schedule-timing'), ...args], { cwd, env: { TIMING_FILE: timingFile, REDIS_URL: '', CREW_CONTROL: path.join(cwd, 'control.sock') } });
  try {
    await crew.waitFor((r) => /^scheduler\.1 ready in/.test(r.message), 'the scheduler ready', 30_000);
    // One spare tick at the start (children settling) and one at the end (the last run's line).
    const ticks = await waitForTicks(timingFile, TICKS + 2, (TICKS + 30) * 1000);
    const window = ticks.slice(1, TICKS + 1);
    const problems: string[] = [];
    for (let i = 1; i < window.length; i += 1) {
      const gap = window[i]!.tick - window[i - 1]!.tick;
      if (gap !== 1000) problems.push(`ticks ${new Date(window[i - 1]!.tick).toISOString()} and ${new Date(window[i]!.tick).toISOString()} are ${gap} ms apart`);
    }
    return { label, lateness: window.map((t) => t.at - t.tick), problems };
  } finally {
    await crew.stop();
  }
}

async function waitForTicks(file: string, count: number, timeoutMs: number): Promise<Array<{ tick: number; at: number }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length >= count) {
      return lines.map((line) => {
        const [tick, at] = line.split(' ').map(Number);
        return { tick: tick!, at: at! };
      });
    }
    if (Date.now() > deadline) throw new Error(`only ${lines.length} of ${count} ticks in ${timeoutMs} ms`);
    // The runs write once a second; polling the file twice a second costs nothing measurable.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function describe(result: Result): string {
  const sorted = [...result.lateness].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
  return `${result.label.padEnd(16)} ticks ${String(sorted.length).padStart(3)}  median ${ms(median(sorted)).padStart(6)}  p95 ${ms(p95).padStart(6)}  worst ${ms(sorted.at(-1)!).padStart(6)}  best ${ms(sorted[0]!).padStart(5)}`;
}

const config = tempConfig('# scheduler benchmark\nqueue: { driver: embedded }\n');
try {
  console.log(`scheduler fire-time accuracy, ${TICKS} per-second ticks per run (${machine(os.availableParallelism())})`);
  const results: Result[] = [];
  results.push(await measure('alone', [], config.dir));
  results.push(await measure('worker busy', ['--worker', '--component', 'seeder'], config.dir));
  results.push(await measure('2 workers busy', ['--worker', '2', '--component', 'seeder'], config.dir));
  for (const result of results) {
    console.log(describe(result));
    for (const problem of result.problems) console.log(`  PROBLEM: ${problem}`);
  }
  process.exitCode = results.every((r) => r.problems.length === 0 && r.lateness.every((late) => late >= 0)) ? 0 : 1;
} finally {
  killAll();
  config.remove();
}
