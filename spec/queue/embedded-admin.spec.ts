// The operator's view of the embedded queue, on the broker itself with a fake worker: what is
// kept (and how much), what a listing shows, and that retry, remove and purge leave the
// broker's counts and dispatch right. The same commands on a real crew: spec/jobs/operator.spec.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { jobSettings } from '../../lib/app/job-settings.js';
import { embeddedAdmin } from '../../lib/queue/embedded/admin.js';
import { EmbeddedBroker } from '../../lib/queue/embedded/broker.js';
import type { RunItem, ToClient } from '../../lib/queue/embedded/protocol.js';

function setup(keepFailed = 3, keepSucceeded = 2) {
  const settings = jobSettings({ a: { run: () => undefined, concurrency: 1, backoff: { type: 'fixed', delay: 20 } }, b: () => undefined });
  const log = { info: () => 0, warn: () => 0, error: () => 0 };
  const broker = new EmbeddedBroker({ jobs: settings, maxQueued: 1000, log, consumedJobs: new Set(['a']), keepFailed, keepSucceeded });
  const got: ToClient[] = [];
  const waiters: Array<() => void> = [];
  const worker = {
    tag: 'worker.1',
    send: (msg: unknown) => {
      got.push((msg as { body: ToClient }).body);
      for (const wake of waiters.splice(0)) wake();
    },
  };
  const runs = (): RunItem[] => got.flatMap((body) => (body.op === 'run' ? body.jobs : []));
  /** Resolves once `count` runs in all were handed over (a retry waits out its backoff on the broker's timer). */
  const untilRuns = (count: number): Promise<void> =>
    new Promise((resolve, reject) => {
      // The broker's timers are unref'd: this one keeps the test's process waiting, and bounds it.
      const timer = setTimeout(() => reject(new Error(`${runs().length} runs after 5 s, waiting for ${count}`)), 5000);
      const check = () => {
        if (runs().length < count) return void waiters.push(check);
        clearTimeout(timer);
        resolve();
      };
      check();
    });
  broker.receive(worker, { op: 'consume', jobs: [{ name: 'a', concurrency: 1 }] });
  const request = (job: string, delay = 0, data: unknown = {}) => ({ job, data, delay });
  /** Runs the next job handed over to its end: ok, or failed with `error`. */
  const finish = async (error?: string) => {
    await tick();
    const run = runs().at(-1)!;
    broker.receive(worker, { op: 'done', results: [error === undefined ? { id: run.id, ok: true } : { id: run.id, ok: false, error, stack: `Error: ${error}\n    at here` }] });
    return run;
  };
  return { broker, admin: embeddedAdmin(broker), request, finish, runs, untilRuns };
}

describe('the embedded queue\'s operator view', () => {
  it('keeps the newest keepFailed failed jobs per job, and counts the ones it dropped', async () => {
    const { broker, admin, request, finish } = setup(3);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(broker.enqueue(request('a')));
      await finish(`failure ${i}`);
    }
    const list = await admin.list({ state: 'failed', limit: 50 });
    assert.deepEqual(list.jobs.map((j) => j.jobId), ids.slice(2).reverse(), 'newest failure first');
    assert.deepEqual([list.total, list.dropped, list.keep], [3, { a: 2 }, { failed: 3, succeeded: 2 }]);
    assert.equal(list.jobs[0]!.error, 'Error: failure 4');
    assert.equal(broker.stats().jobs.a!.failed, 3, 'stats count the failed jobs kept');
    await assert.rejects(admin.show({ job: 'a', id: ids[0]! }), /^AdminError: no job a:1 in this crew's queue/);
  });

  it('keeps the newest keepSucceeded succeeded jobs, and counts every success', async () => {
    const { broker, admin, request, finish } = setup(3, 2);
    for (let i = 0; i < 4; i++) {
      broker.enqueue(request('a', 0, { i }));
      await finish();
    }
    const list = await admin.list({ state: 'succeeded', limit: 50 });
    assert.deepEqual(list.jobs.map((j) => j.id), ['a:4', 'a:3']);
    assert.deepEqual((await admin.show({ job: undefined, id: '4' })).data, { i: 3 });
    assert.equal(broker.stats().jobs.a!.succeeded, 4);
  });

  it('lists every state in order, cut at the limit with the total said', async () => {
    const { broker, admin, request, finish } = setup();
    broker.enqueue(request('a'));
    await finish('no');
    broker.enqueue(request('a', 60_000));
    broker.enqueue(request('b'));
    broker.enqueue(request('a'));
    await tick();
    const all = await admin.list({ limit: 50 });
    assert.deepEqual(all.jobs.map((j) => [j.id, j.state]), [['a:4', 'active'], ['b:3', 'waiting'], ['a:2', 'delayed'], ['a:1', 'failed']]);
    const cut = await admin.list({ limit: 2 });
    assert.deepEqual([cut.jobs.length, cut.total], [2, 4]);
    assert.deepEqual((await admin.list({ job: 'b', limit: 50 })).jobs.map((j) => j.id), ['b:3']);
    void broker.stop();
  });

  it('a retried job runs again with the same id and data and attempt 1; only failed jobs are retried', async () => {
    const { broker, admin, finish, runs, untilRuns } = setup();
    const id = broker.enqueue({ job: 'a', data: { x: 1 }, delay: 0, retries: 1 });
    await finish('first');
    await untilRuns(2);
    await finish('second');
    const before = await admin.show({ job: 'a', id });
    assert.deepEqual(before.errors.map((e) => [e.attempt, e.message]), [[1, 'Error: first'], [2, 'Error: second']]);
    assert.deepEqual(await admin.retry([{ job: 'a', id }, { job: undefined, id: '99' }]), {
      retried: [`a:${id}`],
      refused: [{ id: '99', why: "no job 99 in this crew's queue (the embedded queue keeps the newest 2 succeeded and 3 failed jobs per job, and nothing across a restart)" }],
    });
    await tick();
    assert.deepEqual(runs().at(-1), { id, name: 'a', data: { x: 1 }, attempt: 1, attempts: 2 });
    const again = await admin.retry([{ job: 'a', id }]);
    assert.deepEqual(again.refused, [{ id: `a:${id}`, why: `a:${id} is running, not failed: only failed jobs are retried` }]);
    assert.equal((await admin.show({ job: 'a', id })).retried, 1);
  });

  it('remove takes waiting, delayed and kept jobs out and refuses running ones; purge by age', async () => {
    const { broker, admin, request, finish } = setup();
    const failed = broker.enqueue(request('a'));
    await finish('no');
    const running = broker.enqueue(request('a'));
    const delayed = broker.enqueue(request('a', 60_000));
    const waiting = broker.enqueue(request('b'));
    await tick();
    const result = await admin.remove([running, delayed, waiting].map((id) => ({ job: undefined, id })));
    assert.deepEqual(result.removed, [`a:${delayed}`, `b:${waiting}`]);
    assert.deepEqual(result.refused, [{ id: `a:${running}`, why: `a:${running} is running: remove it once it has finished or failed` }]);
    assert.deepEqual(broker.stats().jobs.b, { waiting: 0, active: 0, succeeded: 0, failed: 0, delayed: 0 });
    assert.equal(broker.stats().jobs.a!.delayed, 0);
    assert.deepEqual(await admin.purge({ state: 'failed', olderThan: 60_000 }), { purged: 0 });
    assert.deepEqual(await admin.purge({ state: 'failed' }), { purged: 1 });
    await assert.rejects(admin.show({ job: 'a', id: failed }), /no job a:1/);
    await finish();
    assert.deepEqual(await admin.purge({ state: 'succeeded', job: 'a' }), { purged: 1 });
    void broker.stop();
  });
});
