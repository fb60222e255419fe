// The memory limit's decision on its own: three samples in a row above the limit restart a
// ready child; a dip resets the count; a starting or stopping child, or limit 0, is not judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { judgeMemory, SAMPLES_OVER_LIMIT } from '../../lib/primary/memory-policy.js';

const MB = 1024 * 1024;
const policy = { memoryLimit: 100 * MB };

function run(rss: number[], state: 'ready' | 'starting' = 'ready') {
  let samplesOver = 0;
  return rss.map((mb) => {
    const verdict = judgeMemory({ state, rss: mb * MB, samplesOver }, policy);
    samplesOver = verdict.samplesOver;
    return verdict.action;
  });
}

test('three samples in a row above the limit restart, once, saying by how much', () => {
  assert.deepEqual(run([150, 150, 150]), ['keep', 'keep', 'restart']);
  assert.deepEqual(judgeMemory({ state: 'ready', rss: 150 * MB, samplesOver: 2 }, policy), { action: 'restart', samplesOver: 0, reason: 'RSS 150 MB above memoryLimit 100 MB' });
  assert.deepEqual(run([150, 150, 150, 150, 150, 150]), ['keep', 'keep', 'restart', 'keep', 'keep', 'restart'], 'the count starts over after a restart');
});

test('a sample at or under the limit resets the count', () => {
  assert.deepEqual(run([150, 150, 100, 150, 150, 90, 150]), ['keep', 'keep', 'keep', 'keep', 'keep', 'keep', 'keep']);
});

test('a starting child, or a limit of 0, is never restarted', () => {
  assert.deepEqual(run([900, 900, 900, 900], 'starting'), ['keep', 'keep', 'keep', 'keep']);
  assert.equal(judgeMemory({ state: 'ready', rss: 1e12, samplesOver: 99 }, { memoryLimit: 0 }).action, 'keep');
});

test('restart exactly when SAMPLES_OVER_LIMIT consecutive samples are above the limit', () => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { maxLength: 40 }), (over) => {
      let samplesOver = 0;
      let streak = 0;
      for (const above of over) {
        const verdict = judgeMemory({ state: 'ready', rss: above ? 101 * MB : 99 * MB, samplesOver }, policy);
        streak = above ? streak + 1 : 0;
        assert.equal(verdict.action, streak === SAMPLES_OVER_LIMIT ? 'restart' : 'keep');
        if (verdict.action === 'restart') streak = 0;
        samplesOver = verdict.samplesOver;
      }
    }),
  );
});
