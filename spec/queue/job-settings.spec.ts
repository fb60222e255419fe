import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobSettings, resolveJob } from '../../lib/app/job-settings.js';
import { retryDelay } from '../../lib/queue/backoff.js';
import { checkEnqueue } from '../../lib/queue/enqueue-request.js';

const run = () => undefined;

describe('job settings', () => {
  it('resolves a bare handler and an object with defaults', () => {
    const jobs = jobSettings({ a: run, b: { run, concurrency: 3, retries: 2, backoff: { type: 'fixed', delay: '2s' }, timeout: '500ms' } });
    assert.deepEqual({ ...jobs.get('a'), run: undefined }, { name: 'a', run: undefined, concurrency: 1, retries: 0, backoff: { type: 'exponential', delay: 1000 }, timeout: 0 });
    assert.deepEqual({ ...jobs.get('b'), run: undefined }, { name: 'b', run: undefined, concurrency: 3, retries: 2, backoff: { type: 'fixed', delay: 2000 }, timeout: 500 });
  });

  it('names the job, the key, what was expected and what was found', () => {
    assert.throws(() => resolveJob('email', { run, concurrency: 0 }), { message: 'jobs.email.concurrency: expected a whole number of at least 1, found 0' });
    assert.throws(() => resolveJob('email', { run, timeout: 'soon' }), { message: 'jobs.email.timeout: expected a duration such as 500ms, 10s or 2m, or a number of milliseconds (at most 24 days), found "soon"' });
    assert.throws(() => resolveJob('email', { run, backoff: { type: 'linear' as never } }), { message: 'jobs.email.backoff.type: expected fixed or exponential, found "linear"' });
    assert.throws(() => resolveJob('email', { run, retry: 3 } as never), { message: 'jobs.email.retry is not a job setting (known: run, concurrency, retries, backoff, timeout)' });
  });

  it('waits as bee-queue does between retries', () => {
    assert.deepEqual([1, 2, 3].map((n) => retryDelay({ type: 'fixed', delay: 100 }, n)), [100, 100, 100]);
    assert.deepEqual([1, 2, 3].map((n) => retryDelay({ type: 'exponential', delay: 100 }, n)), [100, 200, 400]);
  });
});

describe('checkEnqueue', () => {
  const known = new Set(['email']);
  it('takes data, a delay as a duration and retries', () => {
    assert.deepEqual(checkEnqueue(known, 'email', { to: 'a' }, { delay: '2s', retries: 1 }), { job: 'email', data: { to: 'a' }, delay: 2000, retries: 1 });
    assert.deepEqual(checkEnqueue(known, 'email', undefined, undefined), { job: 'email', data: {}, delay: 0 });
  });

  it('refuses at the call what the queue could not carry faithfully', () => {
    assert.throws(() => checkEnqueue(known, 'mail', {}, undefined), { message: 'cannot enqueue "mail": the app defines no such job (it defines: email)' });
    assert.throws(() => checkEnqueue(known, 'email', {}, { delay: -1 }), /delay must be a duration/);
    assert.throws(() => checkEnqueue(known, 'email', {}, { retries: 1.5 }), /retries must be a whole number of at least 0, found 1.5/);
    assert.throws(() => checkEnqueue(known, 'email', {}, { priority: 1 } as never), /unknown option "priority" \(known: delay, retries\)/);
    assert.throws(() => checkEnqueue(known, 'email', 0, undefined), /the data 0 would arrive as \{\}/);
    assert.throws(() => checkEnqueue(known, 'email', { n: 1n }, undefined), /data\.n would not arrive as sent: a BigInt cannot be written as JSON/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => checkEnqueue(known, 'email', circular, undefined), /its data must be JSON/);
  });
});
