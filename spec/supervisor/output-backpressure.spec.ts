// A child floods its stdout while whoever reads crew's stdout stops reading: the child waits on
// its full pipe instead of holding its output in memory, the watchdog does not take that wait
// for a hung child, and once reading resumes every line arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { runCrew } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { childrenOf } from '../helpers/processes.js';
import { tempConfig } from '../helpers/temp-dir.js';

const LINES = 1_500_000;
const HELD_MS = 3000;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

test('a child whose output crew cannot pass on waits on its pipe, holds no backlog in memory, and is not killed as unresponsive', async (t) => {
  const config = tempConfig(t, 'supervisor: { watchdog: 1s }');
  const crew = runCrew(t, ['start', '--component', 'flood', '--app', fixtureApp('components'), '--config', config, '--log-format', 'json'], { env: { FLOOD_LINES: String(LINES) }, raw: true });
  await crew.waitForLine((line) => line.includes('"flood 1 1000 '), 'the flood began', 30_000);
  const [child] = childrenOf(crew.process.pid!);
  assert.ok(child, 'the flood child runs');
  const before = rssMb(child);

  // Stop reading crew's stdout for three watchdog periods; the flood goes on writing meanwhile.
  crew.process.stdout!.pause();
  let peak = before;
  const until = Date.now() + HELD_MS;
  while (Date.now() < until) {
    peak = Math.max(peak, rssMb(child));
    await delay(100);
  }
  crew.process.stdout!.resume();

  await crew.waitForLine((line) => line.includes('"flood 1 done"'), 'every line of the flood passed on', 120_000);
  assert.ok(peak - before < 40, `the child grew from ${before.toFixed(0)} to ${peak.toFixed(0)} MB while its output was held`);
  assert.deepEqual(childrenOf(crew.process.pid!), [child], 'the same child, never killed or restarted');
  assert.equal(crew.lines.filter((line) => line.includes('is not responding')).length, 0);
  crew.signal('SIGTERM');
  const { code } = await crew.exited;
  assert.equal(code, 0);
});
