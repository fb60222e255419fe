// At least once, for both drivers: a worker SIGKILLed mid-job does not lose the job, and a
// total-queue check — 2,000 jobs enqueued while workers are SIGKILLed again and again — ends
// with every enqueued id completed at least once. Duplicates are allowed and reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogRecord } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { startJobsCrew, type Driver } from './jobs-crew.js';

const TOTAL = 2000;
const KILLS = 6;

for (const driver of ['embedded', 'redis'] as Driver[]) {
  describe(`at least once with the ${driver} driver`, () => {
    it('runs again what a killed worker had in hand, and loses nothing under repeated kills', async (t) => {
      const jobs = await startJobsCrew(t, driver, { args: ['--server', '--worker', '2', '--queues', 'slow,total'] });
      if (!jobs) return;
      const { crew } = jobs;

      await t.test('a worker SIGKILLed mid-job: the job still completes', async () => {
        const slow = await jobs.enqueue('slow', { ms: 700 });
        const started = await crew.waitFor((r) => r.message === 'slow started' && r.startedJob === slow.id, 'the slow job started');
        process.kill(started.pid, 'SIGKILL');
        const [run] = await jobs.waitRuns('slow', 1, slow.id, 20_000);
        assert.equal(run!.outcome, 'succeeded');
        const starts = crew.records.filter((r) => r.message === 'slow started' && r.startedJob === slow.id);
        assert.equal(starts.length, 2, 'it ran twice: once cut short, once to the end');
        assert.notEqual(run!.pid, started.pid);
      });

      await t.test(`${TOTAL} jobs enqueued while workers are SIGKILLed ${KILLS} times: none lost`, async () => {
        const ids = new Set<string>();
        const enqueueing = (async () => {
          for (let batch = 0; batch < TOTAL / 250; batch++) {
            const reply = await get(`http://127.0.0.1:${jobs.port}/enqueue-many?job=total&count=250&data=${encodeURIComponent('{"ms":10}')}`, { timeout: 20_000 });
            assert.equal(reply.status, 200, reply.body);
            for (const id of (reply.json() as { ids: string[] }).ids) ids.add(id);
          }
        })();

        const killed: number[] = [];
        for (let kill = 0; kill < KILLS; kill++) {
          // A worker that has run a `total` job since its latest start, so the kill lands mid-work.
          const target = await crew.waitFor(
            (r) => r.job === 'total' && r.component === 'worker' && r.instance === (kill % 2) + 1 && !killed.includes(r.pid),
            `worker.${(kill % 2) + 1} running total jobs`,
            20_000,
          );
          process.kill(target.pid, 'SIGKILL');
          killed.push(target.pid);
        }
        await enqueueing;
        assert.equal(ids.size, TOTAL, 'every enqueue got its own id');

        const done = new Map<string, number>();
        const count = (record: LogRecord) => {
          if (record.job === 'total' && record.outcome === 'succeeded' && ids.has(String(record.jobId))) done.set(String(record.jobId), (done.get(String(record.jobId)) ?? 0) + 1);
        };
        await crew.waitFor(() => {
          done.clear();
          for (const record of crew.records) count(record);
          return done.size === TOTAL;
        }, `all ${TOTAL} jobs completed`, 40_000);
        const duplicates = [...done.values()].filter((n) => n > 1).length;
        t.diagnostic(`${driver}: ${TOTAL} jobs, ${KILLS} workers killed, ${duplicates} job(s) ran more than once`);
        const failed = crew.records.filter((r) => r.job === 'total' && r.outcome !== 'succeeded' && r.outcome !== undefined);
        assert.deepEqual(failed, [], 'no total job failed');
      });
    });
  });
}
