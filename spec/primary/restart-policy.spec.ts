// The restart decision on its own: backoff growth and cap, reset after a stable uptime, and the
// intensity window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRestart, type RestartHistory } from '../../lib/primary/restart-policy.js';
import type { RestartConfig } from '../../lib/config/types.js';

const policy: RestartConfig = {
  backoff: { initial: 100, factor: 2, max: 1000, resetAfter: 30_000 },
  intensity: { max: 5, window: 60_000 },
  giveUp: 'exit',
};

function crashes(times: number[], uptime = 10): Array<ReturnType<typeof decideRestart>> {
  let history: RestartHistory = { restarts: [], attempt: 0 };
  return times.map((now) => {
    const decision = decideRestart(policy, history, uptime, now);
    history = decision.history;
    return decision;
  });
}

test('quick failures back off exponentially up to the cap', () => {
  const delays = crashes([0, 1, 2, 3, 4]).map((d) => (d.action === 'restart' ? d.delay : -1));
  assert.deepEqual(delays, [100, 200, 400, 800, 1000]);
});

test('more than intensity.max restarts within the window gives up, saying why', () => {
  const decisions = crashes([0, 1, 2, 3, 4, 5]);
  assert.equal(decisions[4]!.action, 'restart');
  const last = decisions[5]!;
  assert.equal(last.action, 'give-up');
  assert.match(last.action === 'give-up' ? last.reason : '', /6 restarts within 60000 ms \(intensity max 5\)/);
});

test('restarts older than the window no longer count', () => {
  const decisions = crashes([0, 1, 2, 3, 4, 70_000]);
  assert.equal(decisions[5]!.action, 'restart');
  assert.equal(decisions[5]!.history.restarts.length, 1);
});

test('a child that stayed up for resetAfter starts the backoff anew', () => {
  const history: RestartHistory = { restarts: [], attempt: 4 };
  const quick = decideRestart(policy, history, 10, 0);
  const stable = decideRestart(policy, history, 30_000, 0);
  assert.equal(quick.action === 'restart' && quick.delay, 1000);
  assert.equal(stable.action === 'restart' && stable.delay, 100);
  assert.equal(stable.history.attempt, 1);
});
