// What only the embedded driver has: the bound on queued jobs, the queue living in the running
// primary (so `crew jobs` needs it, over a control socket only this user can open), and the
// refusals before anything is forked.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';
import { startJobsCrew } from './jobs-crew.js';

describe('the embedded driver', () => {
  it('refuses an enqueue past queue.maxQueued at the call, and takes more once workers catch up', async (t) => {
    const jobs = await startJobsCrew(t, 'embedded', { args: ['--server', '--worker', '--queues', 'echo'], queueKeys: 'maxQueued: 3' });
    assert.ok(jobs);
    for (let i = 0; i < 3; i++) assert.equal((await jobs.enqueue('ignored')).status, 200);
    const full = await jobs.enqueue('echo');
    assert.equal(full.status, 503);
    assert.equal(full.error, 'cannot enqueue "echo": the embedded queue is full (3 jobs waiting or delayed, queue.maxQueued is 3); add workers (--worker N), raise queue.maxQueued, or use the redis driver');
    const shell = await jobs.jobsCommand(['enqueue', 'echo']);
    assert.equal(shell.code, 1);
    assert.match(shell.stderr, /^crew: cannot enqueue "echo": the embedded queue is full/);
    await jobs.crew.waitFor((r) => r.component === 'crew' && /"ignored" jobs are being enqueued but no worker of this crew takes them/.test(r.message), 'the warning about jobs nobody takes');
    assert.equal(fs.statSync(jobs.env.CREW_CONTROL!).mode & 0o777, 0o600, 'the control socket is for this user only');
    jobs.crew.signal('SIGTERM');
    await jobs.crew.waitFor((r) => r.component === 'crew' && /the embedded queue still held 3 job\(s\) \(3 waiting, 0 delayed\) at shutdown: they are dropped/.test(r.message), 'what is dropped at shutdown');
    assert.equal((await jobs.crew.exited).code, 0);
    assert.equal(fs.existsSync(jobs.env.CREW_CONTROL!), false, 'the control socket is removed');
  });

  it('`crew jobs` says so when no crew runs here', async (t) => {
    const dir = tempConfig(t, `app: ${fixtureApp('jobs')}\nqueue: { driver: embedded }\n`);
    const result = await runCrewToEnd(['jobs', 'stats', '--config', dir], { env: { CREW_CONTROL: path.join(tempDir(t), 'nobody.sock'), REDIS_URL: '' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^crew: no running crew found for this folder \(no control socket answers at .*nobody\.sock\): start one with `crew start` here, or set CREW_CONTROL/);
  });

  it('is refused before anything starts where it cannot be used', async (t) => {
    const dir = tempConfig(t, `app: ${fixtureApp('jobs')}\n`);
    const production = await runCrewToEnd(['start', '--worker', '--config', dir], { env: { NODE_ENV: 'production', REDIS_URL: '' } });
    assert.equal(production.code, 2);
    assert.match(production.stderr, /worker: no Redis URL in production; set REDIS_URL or queue\.url, or choose the in-memory queue explicitly/);
    const redisNoUrl = tempConfig(t, `app: ${fixtureApp('jobs')}\nqueue: { driver: redis }\n`);
    const noUrl = await runCrewToEnd(['start', '--worker', '--config', redisNoUrl], { env: { REDIS_URL: '' } });
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /queue\.driver is redis but no Redis URL is set/);
  });
});
