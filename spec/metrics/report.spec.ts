// The road a child's counts take to the primary: what the recorder reports passes the
// primary's checks, the checks refuse anything else without throwing, and the recorder keeps
// its label sets bounded whatever it is fed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isActivity, isMetricsReport, type MetricsReport } from '../../lib/metrics/report.js';
import { MAX_ROUTES, OTHER_ROUTE } from '../../lib/metrics/labels.js';
import * as recorder from '../../lib/metrics/recorder.js';

// The recorder is one per process: these tests share it, and each looks at what it added.
recorder.enableMetrics();

const report = (): MetricsReport => recorder.metricsReport()!;

test("what the recorder reports passes the primary's checks, and counts every observation once", () => {
  for (let i = 0; i < 50; i++) recorder.observeRequest('GET', 200, '/users/:id', i);
  recorder.observeRequest('BREW', 418, undefined, 1);
  recorder.observeRequest('POST', 999, 42, 20_000);
  recorder.jobStarted('email');
  recorder.jobEnded('email', 'succeeded', 12);
  recorder.jobStarted('email');
  recorder.observeTick('nightly', 'fired', 15);
  recorder.observeTick('nightly', 'missed', undefined, 3);
  recorder.observeRun('nightly', 'failed', 2000);
  recorder.observeNextTick('nightly', Date.now() + 60_000);
  const r = report();
  assert.ok(isMetricsReport(r), JSON.stringify(r).slice(0, 500));
  const users = r.http.find(([method, status, route]) => method === 'GET' && status === '2xx' && route === '/users/:id')!;
  assert.equal(users[3].reduce((a, b) => a + b, 0), 50);
  assert.ok(r.http.some(([method, status, route]) => method === 'OTHER' && status === '4xx' && route === ''), 'an unknown method is OTHER, no route is ""');
  assert.ok(r.http.some(([method, status, route]) => method === 'POST' && status === '5xx' && route === ''), 'a status outside 100-599 is 5xx, a route that is no string is ""');
  assert.deepEqual(r.jobs.map(([job, outcome, counts]) => [job, outcome, counts.reduce((a, b) => a + b, 0)]), [['email', 'succeeded', 1]]);
  assert.deepEqual(r.active, [['email', 1]]);
  assert.deepEqual(r.ticks.sort(), [['nightly', 'fired', 1], ['nightly', 'missed', 3]]);
  assert.equal(r.lateness[0]![1].reduce((a, b) => a + b, 0), 1);
  assert.equal(r.runs[0]![1], 'failed');
  const activity = recorder.activity();
  assert.ok(isActivity(activity));
  assert.equal(activity.active, 1);
  assert.equal(activity.next?.[0], 'nightly');
  recorder.jobEnded('email', 'failed', 1);
});

test('however many routes a router names, one process reports at most MAX_ROUTES of them and the rest as one', () => {
  for (let i = 0; i < 3 * MAX_ROUTES; i++) recorder.observeRequest('GET', 200, `/item/${i}`, 1);
  const routes = new Set(report().http.map(([, , route]) => route));
  assert.ok(routes.size <= MAX_ROUTES + 1, `${routes.size} routes`);
  assert.ok(routes.has(OTHER_ROUTE));
  assert.ok(isMetricsReport(report()));
});

test('the checks refuse every malformed report and activity, and never throw', () => {
  const good = report();
  const mutations = fc.oneof(
    fc.anything({ maxDepth: 5, withNullPrototype: true }),
    // A good report with one key replaced by anything.
    fc.tuple(fc.constantFrom(...(Object.keys(good) as Array<keyof MetricsReport>)), fc.anything({ maxDepth: 3 })).map(([key, value]) => ({ ...good, [key]: value })),
    // A good report with one number of its first HTTP series replaced.
    fc.tuple(fc.nat(11), fc.oneof(fc.double(), fc.constant(-1), fc.constant(Number.NaN), fc.string())).map(([at, value]) => {
      const [method, status, route, counts, sum] = good.http[0]!;
      const changed = [...counts];
      changed[at] = value as number;
      return { ...good, http: [[method, status, route, changed, sum]] };
    }),
  );
  fc.assert(
    fc.property(mutations, (value) => {
      const accepted = isMetricsReport(value);
      if (accepted) {
        // Accepted only when it is as good as a real one: every count a non-negative integer.
        for (const [, , , counts, sum] of (value as MetricsReport).http) {
          assert.ok(counts.every((n) => Number.isSafeInteger(n) && n >= 0) && Number.isFinite(sum) && sum >= 0);
        }
      }
      isActivity(value);
    }),
    { numRuns: 3000 },
  );
  assert.equal(isMetricsReport({ ...good, http: Array.from({ length: 2001 }, () => good.http[0]) }), false, 'too many series');
  assert.equal(isActivity({ requests: -1, jobs: 0, active: 0, next: null }), false);
  assert.equal(isActivity({ requests: 1, jobs: 0, active: 0, next: ['x', Number.POSITIVE_INFINITY] }), false);
});
