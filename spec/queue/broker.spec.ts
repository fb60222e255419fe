import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { jobSettings } from '../../lib/app/job-settings.js';
import { EmbeddedBroker } from '../../lib/queue/embedded/broker.js';
import type { RunItem, ToClient } from '../../lib/queue/embedded/protocol.js';

interface FakePeer {
  tag: string;
  got: ToClient[];
  send(msg: unknown): void;
  runs(): RunItem[];
  /** Resolves once the broker has handed this peer `count` runs in all. */
  untilRuns(count: number): Promise<void>;
}

function peer(tag: string): FakePeer {
  const got: ToClient[] = [];
  const waiters: Array<() => void> = [];
  const runs = () => got.flatMap((body) => (body.op === 'run' ? body.jobs : []));
  return {
    tag,
    got,
    send: (msg) => {
      got.push((msg as { body: ToClient }).body);
      for (const wake of waiters.splice(0)) wake();
    },
    runs,
    // The broker's own timers are unref'd; the safety timer keeps the test's process waiting.
    untilRuns: (count) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${tag}: ${runs().length} runs after 5 s, waiting for ${count}`)), 5000);
        const check = () => {
          if (runs().length < count) return void waiters.push(check);
          clearTimeout(timer);
          resolve();
        };
        check();
      }),
  };
}

function brokerFor(jobs: Parameters<typeof jobSettings>[0], maxQueued = 100) {
  const records: string[] = [];
  const log = { info: (m: string) => records.push(m), warn: (m: string) => records.push(m), error: (m: string) => records.push(m) };
  const settings = jobSettings(jobs);
  const broker = new EmbeddedBroker({ jobs: settings, maxQueued, log, consumedJobs: new Set(settings.keys()), keepFailed: 100, keepSucceeded: 10 });
  return { broker, records };
}

const request = (job: string, extra: { delay?: number; retries?: number; data?: unknown } = {}) => ({ job, data: extra.data ?? {}, delay: extra.delay ?? 0, ...(extra.retries !== undefined ? { retries: extra.retries } : {}) });

describe('EmbeddedBroker', () => {
  it('hands a worker no more runs of a job at a time than its concurrency', async () => {
    const { broker } = brokerFor({ a: { run: () => undefined, concurrency: 2 } });
    const worker = peer('worker.1');
    broker.receive(worker, { op: 'consume', jobs: [{ name: 'a', concurrency: 2 }] });
    for (let i = 0; i < 5; i++) broker.enqueue(request('a'));
    await tick();
    assert.deepEqual(worker.got[0], { op: 'consuming' });
    assert.equal(worker.runs().length, 2);
    assert.deepEqual(broker.stats().jobs.a, { waiting: 3, active: 2, succeeded: 0, failed: 0, delayed: 0 });
    broker.receive(worker, { op: 'done', results: [{ id: worker.runs()[0]!.id, ok: true }] });
    await tick();
    assert.equal(worker.runs().length, 3, 'one credit back, one more run');
    assert.equal(broker.stats().jobs.a!.succeeded, 1);
  });

  it('gives a dead worker\'s runs to another worker, first taken first, with the same attempt', async () => {
    const { broker, records } = brokerFor({ a: { run: () => undefined, concurrency: 3 } });
    const first = peer('worker.1');
    const second = peer('worker.2');
    broker.receive(first, { op: 'consume', jobs: [{ name: 'a', concurrency: 3 }] });
    const ids = [broker.enqueue(request('a')), broker.enqueue(request('a')), broker.enqueue(request('a'))];
    await tick();
    assert.deepEqual(first.runs().map((r) => r.id), ids);
    broker.receive(first, { op: 'done', results: [{ id: ids[0]!, ok: true }] });
    broker.release(first, 'was killed by SIGKILL');
    broker.receive(second, { op: 'consume', jobs: [{ name: 'a', concurrency: 3 }] });
    await tick();
    assert.deepEqual(second.runs().map((r) => [r.id, r.attempt]), [[ids[1], 1], [ids[2], 1]]);
    assert.match(records.join('\n'), /worker\.1 was killed by SIGKILL with 2 job\(s\) unfinished: they run again/);
    // A late result from the dead worker is ignored.
    broker.receive(first, { op: 'done', results: [{ id: ids[1]!, ok: true }] });
    assert.equal(broker.stats().jobs.a!.succeeded, 1);
  });

  it('retries a failure after its backoff, then fails it', async () => {
    const { broker } = brokerFor({ a: { run: () => undefined, retries: 1, backoff: { type: 'fixed', delay: 40 } } });
    const worker = peer('worker.1');
    broker.receive(worker, { op: 'consume', jobs: [{ name: 'a', concurrency: 1 }] });
    const id = broker.enqueue(request('a'));
    await tick();
    const failedAt = Date.now();
    broker.receive(worker, { op: 'done', results: [{ id, ok: false, error: 'no' }] });
    assert.deepEqual(broker.stats().jobs.a, { waiting: 0, active: 0, succeeded: 0, failed: 0, delayed: 1 });
    await worker.untilRuns(2);
    assert.ok(Date.now() - failedAt >= 35, 'the retry waited for its backoff');
    assert.deepEqual(worker.runs()[1], { id, name: 'a', data: {}, attempt: 2, attempts: 2 });
    broker.receive(worker, { op: 'done', results: [{ id, ok: false, error: 'no again' }] });
    assert.deepEqual(broker.stats().jobs.a, { waiting: 0, active: 0, succeeded: 0, failed: 1, delayed: 0 });
  });

  it('refuses an enqueue past maxQueued with a message that says what to do', () => {
    const { broker } = brokerFor({ a: () => undefined }, 2);
    broker.enqueue(request('a'));
    broker.enqueue(request('a', { delay: 10_000 }));
    assert.throws(() => broker.enqueue(request('a')), /the embedded queue is full \(2 jobs waiting or delayed, queue\.maxQueued is 2\); add workers/);
    void broker.stop();
  });

  it('gives back runs that reached a quiet worker, and sends it no more', async () => {
    const { broker } = brokerFor({ a: { run: () => undefined, concurrency: 2 } });
    const worker = peer('worker.1');
    broker.receive(worker, { op: 'consume', jobs: [{ name: 'a', concurrency: 2 }] });
    const ids = [broker.enqueue(request('a')), broker.enqueue(request('a')), broker.enqueue(request('a'))];
    await tick();
    broker.receive(worker, { op: 'quiet' });
    broker.receive(worker, { op: 'release', ids: [ids[1]!] });
    broker.receive(worker, { op: 'done', results: [{ id: ids[0]!, ok: true }] });
    await tick();
    assert.equal(worker.runs().length, 2, 'nothing more after quiet');
    assert.deepEqual(broker.stats().jobs.a, { waiting: 2, active: 0, succeeded: 1, failed: 0, delayed: 0 });
  });

  it('refuses malformed messages and names the sender', () => {
    const { broker, records } = brokerFor({ a: () => undefined });
    const worker = peer('worker.1');
    broker.receive(worker, { op: 'done', results: [{ id: 7, ok: 'yes' }] });
    broker.receive(worker, { op: 'steal' });
    broker.receive(worker, { op: 'consume', jobs: [{ name: 'a', concurrency: 0 }] });
    assert.equal(worker.got.length, 0);
    assert.deepEqual(records, [
      'embedded queue: refused a message from worker.1: done: results[0] is malformed',
      'embedded queue: refused a message from worker.1: unknown op "steal"',
      'embedded queue: refused a message from worker.1: consume: jobs[0] is malformed',
    ]);
  });

  it('answers an enqueue batch item by item, refusals included', async () => {
    const { broker } = brokerFor({ a: () => undefined });
    const producer = peer('server.1');
    broker.receive(producer, { op: 'enqueue', items: [{ ref: 1, job: 'a', data: {}, delay: 0 }, { ref: 2, job: 'zzz', data: {}, delay: 0 }] });
    await tick();
    const answer = producer.got[0];
    assert.equal(answer?.op, 'enqueued');
    assert.deepEqual(answer.op === 'enqueued' && answer.items, [{ ref: 1, id: '1' }, { ref: 2, error: 'cannot enqueue "zzz": the app defines no such job (it defines: a)' }]);
  });
});
