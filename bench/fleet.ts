// Fleet: four crews as four hosts on one redis-server (spec/deploy/fleet-scenario.ts), A
// `--server 2` enqueuing a steady stream of jobs, B `--worker 2` and C `--worker --scheduler`
// SIGKILLed mid-run (their whole process trees), B restarted in between, D `--scheduler` left
// to fire the ticks. Reported: jobs lost (target 0 of ≥ 2,000), jobs run twice (at least once
// allows it), per-second ticks fired other than exactly once (target 0 over ≥ 20), and how long
// the surviving hosts took to start again the jobs a killed host held, with crew's default
// queue.stallInterval (5 s): expected between one and two intervals.
//
// node dist/bench/fleet.js [--jobs 2000] [--ticks 20] [--stall 5s]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runFleet } from '../spec/deploy/fleet-scenario.js';
import { benchContext } from './lib/test-context.js';
import { int, machine, verdict } from './lib/stats.js';
import { runMain } from './lib/run-main.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '2000' }, ticks: { type: 'string', default: '20' }, stall: { type: 'string', default: '5s' } } });
const JOBS = Number(values.jobs);
const TICKS = Number(values.ticks);

async function main(): Promise<boolean> {
  console.log(`fleet: ${int(JOBS)} jobs, ${TICKS}+ ticks, queue.stallInterval ${values.stall}, ${machine(os.availableParallelism())}`);
  const { t, cleanup } = benchContext();
  try {
    const result = await runFleet(t, { jobs: JOBS, ticks: TICKS, stallInterval: values.stall, log: (line) => console.log(`  ${line}`) });
    if (!result) return false;
    const lostOk = result.lost.length === 0 && result.enqueued >= 2000;
    const ticksOk = result.ticks.faults.length === 0 && result.ticks.count >= 20;
    console.log('');
    console.log(`| jobs lost (target 0 of ≥ 2,000) | ${result.lost.length} of ${int(result.enqueued)} | ${verdict(lostOk)} |`);
    console.log(`| jobs completed twice / started twice (at least once: reported) | ${result.duplicates} / ${result.reruns} | — |`);
    console.log(`| ticks fired other than once (target 0 over ≥ 20) | ${result.ticks.faults.length} of ${result.ticks.count} (${JSON.stringify(result.ticks.byHost)}; after C died, D fired ${result.ticks.afterCByD} of ${result.ticks.afterC}) | ${verdict(ticksOk)} |`);
    for (const k of result.takeovers) console.log(`| ${k.host}'s jobs in hand started again elsewhere (reported) | ${k.inHand} jobs within ${(k.ms / 1000).toFixed(1)} s | — |`);
    if (result.ticks.faults.length > 0) console.log(`ticks: ${result.ticks.faults.join('; ')}`);
    return lostOk && ticksOk;
  } finally {
    await cleanup();
  }
}

runMain('fleet', main);
