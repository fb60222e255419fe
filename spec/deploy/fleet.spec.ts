// The distributed promise (./fleet-scenario.ts): four hosts on one Redis, two of them SIGKILLed
// mid-run while a stream of jobs arrives. Every job completes at least once (duplicates are
// allowed and reported), every per-second tick fires exactly once across the fleet, and the
// last scheduler standing fires them all once the other is gone.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runFleet } from './fleet-scenario.js';

const JOBS = 2000;
const TICKS = 20;

it(`four hosts on one Redis, two SIGKILLed mid-run: ${JOBS} jobs, none lost; ${TICKS}+ ticks, each fired once`, async (t) => {
  const result = await runFleet(t, { jobs: JOBS, ticks: TICKS, stallInterval: '1s', log: (line) => t.diagnostic(line) });
  if (!result) return;
  const { ticks } = result;
  t.diagnostic(`${result.enqueued} jobs: ${result.lost.length} lost, ${result.duplicates} completed twice, ${result.reruns} started twice`);
  t.diagnostic(`takeovers: ${result.takeovers.map((k) => `${k.host} held ${k.inHand}, taken within ${k.ms} ms`).join('; ')}`);
  t.diagnostic(`${ticks.count} ticks, fired by ${JSON.stringify(ticks.byHost)}; after C died: ${ticks.afterCByD} of ${ticks.afterC} by D`);

  assert.ok(result.enqueued >= JOBS, `${result.enqueued} jobs enqueued`);
  assert.deepEqual(result.lost, [], 'every job completed at least once');
  assert.ok(ticks.count >= TICKS, `${ticks.count} ticks in the window`);
  assert.deepEqual(ticks.faults, [], 'every tick fired exactly once across the fleet');
  assert.ok(ticks.afterC >= 3 && ticks.afterCByD === ticks.afterC, 'D fired every tick once C was gone');
  for (const takeover of result.takeovers) assert.ok(takeover.inHand > 0, `${takeover.host} was killed holding jobs`);
  assert.deepEqual(result.exits, { A: { code: 0, signal: null }, B2: { code: 0, signal: null }, D: { code: 0, signal: null } }, 'the survivors stop cleanly');
});
