// Job semantics, the same for both drivers, through one real crew each (server, one worker, a
// component that enqueues): retries with backoff then failure, timeout, delay, the
// concurrency bound, the --queues filter, enqueue from routes, jobs and components and from
// the shell, stats, and a graceful shutdown that lets an active job finish.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, startJobsCrew, type Driver } from './jobs-crew.js';

const WORKER_QUEUES = 'echo,slow,failing,exponential,flaky,hang,obeys,bounded,chain';

for (const driver of ['embedded', 'redis'] as Driver[]) {
  describe(`jobs with the ${driver} driver`, () => {
    it('retries, times out, delays, bounds concurrency, filters, counts and drains', async (t) => {
      const jobs = await startJobsCrew(t, driver, { args: ['--server', '--worker', '--queues', WORKER_QUEUES, '--component', 'producer'] });
      if (!jobs) return;

      const enqueued = Date.now();
      const [failing, exponential, flaky, hang, obeys, delayed, chain, ignored] = await Promise.all([
        jobs.enqueue('failing'),
        jobs.enqueue('exponential'),
        jobs.enqueue('flaky'),
        jobs.enqueue('hang'),
        jobs.enqueue('obeys'),
        jobs.enqueue('echo', { late: true }, { delay: 700 }),
        jobs.enqueue('chain', { chained: true }),
        jobs.enqueue('ignored'),
      ]);
      const bounded = await Promise.all(Array.from({ length: 6 }, () => jobs.enqueue('bounded')));
      for (const reply of [failing, exponential, flaky, hang, obeys, delayed, chain, ignored, ...bounded]) assert.equal(reply.status, 200, JSON.stringify(reply));

      await t.test('a failing job is retried after its fixed backoff, then failed, and the worker goes on', async () => {
        const runs = await jobs.waitRuns('failing', 3, failing.id);
        assert.deepEqual(runs.map((r) => [r.attempt, r.outcome, r.level]), [[1, 'retrying', 'warn'], [2, 'retrying', 'warn'], [3, 'failed', 'error']]);
        assert.equal(runs[2]!.error, 'always fails');
        assert.match(String(runs[2]!.stack), /always fails/);
        for (const gap of [at(runs[1]!) - at(runs[0]!), at(runs[2]!) - at(runs[1]!)]) assert.ok(gap >= 280 && gap < 1500, `gap of ${gap} ms for a 300 ms backoff`);
      });

      await t.test('an exponential backoff doubles', async () => {
        const runs = await jobs.waitRuns('exponential', 3, exponential.id);
        const gaps = [at(runs[1]!) - at(runs[0]!), at(runs[2]!) - at(runs[1]!)];
        assert.ok(gaps[0]! >= 180 && gaps[0]! < 900, `first gap ${gaps[0]} ms for 200 ms`);
        assert.ok(gaps[1]! >= 380 && gaps[1]! < 1200, `second gap ${gaps[1]} ms for 400 ms`);
        assert.equal(runs[2]!.outcome, 'failed');
      });

      await t.test('a retry that succeeds ends the job as succeeded on its second attempt', async () => {
        const runs = await jobs.waitRuns('flaky', 2, flaky.id);
        assert.deepEqual(runs.map((r) => [r.attempt, r.outcome]), [[1, 'retrying'], [2, 'succeeded']]);
      });

      await t.test('a job past its timeout fails, and its late end is recorded as discarded', async () => {
        const [run] = await jobs.waitRuns('hang', 1, hang.id);
        assert.equal(run!.outcome, 'failed');
        assert.equal(run!.error, 'timed out after 300 ms');
        assert.ok(Number(run!.ms) >= 295 && Number(run!.ms) < 1000, `failed after ${run!.ms} ms`);
        await jobs.crew.waitFor((r) => r.job === 'hang' && r.jobId === hang.id && r.outcome === 'overran', 'the overrun record');
      });

      await t.test('a job that stops when its signal is aborted at the timeout is failed, and no overrun', async () => {
        const [run] = await jobs.waitRuns('obeys', 1, obeys.id);
        assert.equal(run!.outcome, 'failed');
        // It ended 50 ms after its abort; `hang`, deaf to its own, is said to have overrun later.
        await jobs.crew.waitFor((r) => r.job === 'hang' && r.outcome === 'overran', 'the overrun record of hang');
        assert.deepEqual(jobs.crew.records.filter((r) => r.job === 'obeys' && r.outcome === 'overran'), []);
      });

      await t.test('a delayed job runs no sooner than its delay', async () => {
        const [run] = await jobs.waitRuns('echo', 1, delayed.id);
        const waited = at(run!) - enqueued;
        assert.ok(waited >= 650 && waited < 2500, `ran ${waited} ms after it was enqueued with a 700 ms delay`);
      });

      await t.test('no more than `concurrency` runs at a time in one worker', async () => {
        await jobs.crew.waitForCount((r) => r.message === 'bounded running', 6, 'six bounded runs');
        const seen = jobs.crew.records.filter((r) => r.message === 'bounded running').map((r) => Number(r.running));
        assert.equal(Math.max(...seen), 2, `running counts seen: ${seen.join(',')}`);
      });

      await t.test('jobs and components enqueue through ctx.enqueue', async () => {
        await jobs.waitRuns('chain', 1, chain.id);
        const produced = await jobs.crew.waitFor((r) => r.message === 'producer enqueued', 'the component enqueued');
        await jobs.waitRuns('echo', 1, String(produced.enqueuedId));
      });

      await t.test('an unknown job is refused at the call, naming it', async () => {
        const reply = await jobs.enqueue('no-such-job');
        assert.equal(reply.status, 503);
        assert.match(reply.error!, /^cannot enqueue "no-such-job": the app defines no such job \(it defines: echo, /);
      });

      await t.test('`crew jobs enqueue` puts a job on the queue and prints its id', async () => {
        const result = await jobs.jobsCommand(['enqueue', 'echo', '{"from":"shell"}']);
        assert.equal(result.code, 0, result.stderr);
        const id = result.stdout.trim();
        assert.match(id, /^\d+$/);
        await jobs.waitRuns('echo', 1, id);
        const refused = await jobs.jobsCommand(['enqueue', 'ech0']);
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /cannot enqueue "ech0": the app defines no such job/);
      });

      await t.test('a job outside --queues waits, and `crew jobs stats` shows the counts', async () => {
        const result = await jobs.jobsCommand(['stats', '--json']);
        assert.equal(result.code, 0, result.stderr);
        const stats = JSON.parse(result.stdout) as { driver: string; jobs: Record<string, Record<string, number>> };
        assert.equal(stats.driver, driver);
        assert.deepEqual(stats.jobs.ignored, { waiting: 1, active: 0, succeeded: 0, failed: 0, delayed: 0 });
        assert.equal(stats.jobs.failing!.failed, 1);
        assert.equal(jobs.runs('ignored').length, 0);
        const table = await jobs.jobsCommand(['stats']);
        assert.match(table.stdout, /^JOB +WAITING +ACTIVE +SUCCEEDED +FAILED +DELAYED\n/);
        assert.match(table.stdout, /\nignored +1 +0 +0 +0 +0\n/);
      });

      await t.test('SIGTERM lets an active job finish, then crew exits 0', async () => {
        const slow = await jobs.enqueue('slow', { ms: 1200 });
        await jobs.crew.waitFor((r) => r.message === 'slow started' && r.startedJob === slow.id, 'the slow job started');
        jobs.crew.signal('SIGTERM');
        const [run] = await jobs.waitRuns('slow', 1, slow.id);
        assert.equal(run!.outcome, 'succeeded');
        const exit = await jobs.crew.exited;
        assert.equal(exit.code, 0, jobs.crew.stderr());
      });
    });
  });
}
