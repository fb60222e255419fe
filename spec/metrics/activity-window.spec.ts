// The rates `crew status` shows, from heartbeats' counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityWindow, RATE_SPAN_MS } from '../../lib/metrics/activity-window.js';

const at = (requests: number, jobs = 0) => ({ requests, jobs, active: 0, next: null });

test('no rate before a heartbeat; from the first one, a rate since the child started', () => {
  const window = new ActivityWindow(1000);
  assert.deepEqual(window.rates(), { requestsPerSecond: null, jobsPerSecond: null });
  assert.equal(window.latest(), undefined);
  window.add(3000, at(400, 10));
  assert.deepEqual(window.rates(), { requestsPerSecond: 200, jobsPerSecond: 5 });
});

test('with fast heartbeats the rate is over the last RATE_SPAN_MS, not since the start', () => {
  const window = new ActivityWindow(0);
  // 100/s for a minute, then 1000/s for ten seconds, a beat every 100 ms.
  let requests = 0;
  for (let t = 100; t <= 60_000; t += 100) window.add(t, at((requests += 10)));
  for (let t = 60_100; t <= 70_000; t += 100) window.add(t, at((requests += 100)));
  assert.equal(window.rates().requestsPerSecond, 1000);
  assert.equal(window.latest()?.requests, requests);
  assert.ok(RATE_SPAN_MS <= 10_000);
});

test('a beat out of order is not taken for a newer one', () => {
  const window = new ActivityWindow(0);
  window.add(5000, at(500));
  window.add(4000, at(999));
  assert.equal(window.latest()?.requests, 500);
  assert.equal(window.rates().requestsPerSecond, 100);
});
