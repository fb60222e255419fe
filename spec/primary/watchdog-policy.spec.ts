// The watchdog's decision on its own: silence beyond `watchdog` kills, silence the primary
// caused does not, and only a starting or ready child is judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { judgeHeartbeat } from '../../lib/primary/watchdog-policy.js';

const policy = { watchdog: 1000 };

test('a child that beat within the watchdog is kept; one silent for longer is killed, saying how long', () => {
  assert.deepEqual(judgeHeartbeat({ state: 'ready', lastBeat: 9_000, primaryHeldUpAt: 0 }, policy, 10_000), { action: 'keep' });
  assert.deepEqual(judgeHeartbeat({ state: 'ready', lastBeat: 8_500, primaryHeldUpAt: 0 }, policy, 10_000), {
    action: 'kill',
    reason: 'no heartbeat for 1500 ms (watchdog 1000 ms)',
  });
  assert.equal(judgeHeartbeat({ state: 'starting', lastBeat: 0, primaryHeldUpAt: 0 }, policy, 10_000).action, 'kill', 'a start that hangs its loop');
});

test('silence while the primary itself was held up is not the child’s fault', () => {
  assert.deepEqual(judgeHeartbeat({ state: 'ready', lastBeat: 0, primaryHeldUpAt: 9_500 }, policy, 10_000), { action: 'keep' });
  assert.equal(judgeHeartbeat({ state: 'ready', lastBeat: 0, primaryHeldUpAt: 8_000 }, policy, 10_000).action, 'kill');
});

test('a stopping or exited child, or watchdog 0, is never killed by the watchdog', () => {
  for (const state of ['stopping', 'exited'] as const) assert.deepEqual(judgeHeartbeat({ state, lastBeat: 0, primaryHeldUpAt: 0 }, policy, 1e9), { action: 'keep' });
  assert.deepEqual(judgeHeartbeat({ state: 'ready', lastBeat: 0, primaryHeldUpAt: 0 }, { watchdog: 0 }, 1e9), { action: 'keep' });
});

test('the verdict is kill exactly when the silence since the later of beat and hold-up exceeds the watchdog', () => {
  fc.assert(
    fc.property(fc.nat(1e7), fc.nat(1e7), fc.nat(1e7), fc.nat(1e5), (lastBeat, heldUp, later, watchdog) => {
      const now = Math.max(lastBeat, heldUp) + later;
      const verdict = judgeHeartbeat({ state: 'ready', lastBeat, primaryHeldUpAt: heldUp }, { watchdog }, now);
      assert.equal(verdict.action, watchdog > 0 && later > watchdog ? 'kill' : 'keep');
    }),
  );
});
