// The primary's sums of the children's reports: retired children's counts stay, names the app
// does not define are dropped, and routes beyond the bound are summed as one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Totals } from '../../lib/metrics/totals.js';
import { MAX_ROUTES, OTHER_ROUTE } from '../../lib/metrics/labels.js';
import type { MetricsReport } from '../../lib/metrics/report.js';

const known = { jobs: new Set(['email', 'report']), schedules: new Set(['nightly']) };
const processStats = { cpuUser: 0, cpuSystem: 0, rss: 0, heapUsed: 0, heapTotal: 0, external: 0, loopLagP50: 0, loopLagP99: 0, loopLagMax: 0, loopUtilization: 0, resources: 0, startTime: 0 };
const hist = (n: number, size: number) => Array.from({ length: size }, (_, i) => (i === 0 ? n : 0));

function reportOf(parts: Partial<MetricsReport>): MetricsReport {
  return { http: [], jobs: [], active: [], ticks: [], runs: [], lateness: [], nextTicks: [], process: processStats, ...parts };
}

const jobsOf = (totals: Totals, job: string) => totals.jobs.get(`${job}\0succeeded`)?.counts.reduce((a, b) => a + b, 0) ?? 0;

test('sums reports, keeps what retired children counted, and drops names the app does not define', () => {
  const retired = new Totals(known);
  retired.add(reportOf({ jobs: [['email', 'succeeded', hist(40, 14), 1], ['ghost', 'succeeded', hist(5, 14), 1]], ticks: [['nightly', 'fired', 2], ['phantom', 'fired', 9]] }));
  const scrape = retired.clone();
  scrape.add(reportOf({ jobs: [['email', 'succeeded', hist(60, 14), 2]] }));
  assert.equal(jobsOf(scrape, 'email'), 100);
  assert.equal(jobsOf(retired, 'email'), 40, 'the clone leaves the retired totals as they were');
  assert.equal(scrape.jobs.has('ghost\0succeeded'), false);
  assert.deepEqual([...scrape.ticks.values()].map((t) => [t.labels.schedule, t.value]), [['nightly', 2]]);
});

test('any number of routes from any number of children gives at most MAX_ROUTES + 1 series per method and status class', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.string({ maxLength: 30 }), { maxLength: 80 }), { maxLength: 6 }), (children) => {
      const totals = new Totals(known);
      for (const routes of children) totals.add(reportOf({ http: routes.map((route) => ['GET', '2xx', route, hist(1, 12), 0.1] as const).map((s) => [...s] as never) }));
      const names = new Set([...totals.http.values()].map((h) => h.labels.route ?? ''));
      assert.ok(names.size <= MAX_ROUTES + 2, `${names.size} routes`);
      const counted = [...totals.http.values()].reduce((sum, h) => sum + h.counts.reduce((a, b) => a + b, 0), 0);
      assert.equal(counted, children.reduce((sum, routes) => sum + routes.length, 0), 'nothing is lost: past the bound it is counted as OTHER');
      if (names.size > MAX_ROUTES + 1) assert.ok(names.has(OTHER_ROUTE));
    }),
    { numRuns: 200 },
  );
});
