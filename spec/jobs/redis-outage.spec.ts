// Redis stopped and started again under a running crew: nothing crashes or restarts, `/_health`
// goes 503 then 200, enqueue fails at once with a clear error while Redis is away, and
// processing resumes (delayed jobs included) once it is back. And a Redis password never
// appears in anything crew prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { startRedis } from '../helpers/redis-server.js';
import { startJobsCrew } from './jobs-crew.js';

/** Polls an HTTP endpoint (no event announces Redis's state to the test) until `ok`. */
async function until(url: string, ok: (status: number, body: string) => boolean, what: string, timeoutMs = 15_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await get(url);
    if (ok(reply.status, reply.body)) return reply;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answer ${reply.status} ${reply.body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the redis driver when Redis goes away', () => {
  it('keeps every process up, reports 503, fails enqueue fast, and resumes', async (t) => {
    const redis = await startRedis(t);
    if (!redis) return;
    const jobs = await startJobsCrew(t, 'redis', { args: ['--server', '--worker'], redis });
    if (!jobs) return;
    const health = `http://127.0.0.1:${jobs.port}/_health`;
    // The server is ready before its queue connection is: wait for that too.
    await until(health, (status) => status === 200, '/_health to report 200');
    const before = await jobs.enqueue('echo', { before: true });
    await jobs.waitRuns('echo', 1, before.id);

    await redis.stop();
    const down = await until(health, (status) => status === 503, '/_health to report 503');
    const report = JSON.parse(down.body) as { ok: boolean; checks: { queue: { ok: boolean; error: string } } };
    assert.equal(report.checks.queue.ok, false);
    assert.match(report.checks.queue.error, /^Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
    const refused = await jobs.enqueue('echo');
    assert.equal(refused.status, 503);
    assert.match(refused.error!, /^cannot enqueue "echo": Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable \(.+\); crew keeps reconnecting$/);
    assert.ok(refused.ms < 1000, `the refusal took ${refused.ms} ms`);

    await redis.start();
    await until(health, (status) => status === 200, '/_health to report 200 again');
    const after = await jobs.enqueue('echo', { after: true });
    const delayed = await jobs.enqueue('echo', { delayed: true }, { delay: 300 });
    assert.equal(after.status, 200, after.error);
    assert.equal(delayed.status, 200, delayed.error);
    await jobs.waitRuns('echo', 1, after.id);
    await jobs.waitRuns('echo', 1, delayed.id);

    const exits = jobs.crew.records.filter((r) => r.component === 'crew' && / exited with /.test(r.message));
    assert.deepEqual(exits.map((r) => r.message), [], 'no child exited');
    assert.ok(jobs.crew.records.some((r) => /^lost Redis at .* reconnecting/.test(r.message)), 'the loss is recorded');
    assert.ok(jobs.crew.records.some((r) => /^Redis at .* is reachable again/.test(r.message)), 'the return is recorded');
  });

  it('never prints the password of the Redis URL', async (t) => {
    const redis = await startRedis(t, { args: ['--requirepass', 'Right-Pw-4711'] });
    if (!redis) return;
    const wrong = redis.url.replace('redis://', 'redis://:Wrong-Pw-0815@');
    const jobs = await startJobsCrew(t, 'redis', { args: ['--server'], redis, url: wrong });
    if (!jobs) return;
    const health = await get(`http://127.0.0.1:${jobs.port}/_health`);
    assert.equal(health.status, 503);
    const refused = await jobs.enqueue('echo');
    assert.equal(refused.status, 503);
    const stats = await jobs.jobsCommand(['stats']);
    assert.equal(stats.code, 1);
    assert.match(stats.stderr, /^crew: (cannot reach )?Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ .*(WRONGPASS|NOAUTH)/);
    jobs.crew.signal('SIGTERM');
    await jobs.crew.exited;
    // With no crew running the command uses config's Redis, where REDIS_URL wins over the
    // config's URL: with the right password it works. (While a crew runs, the command acts
    // on that crew's queue, whatever the shell says.)
    const withRight = await runCrewToEnd(['jobs', 'enqueue', 'echo', '--config', jobs.configDir], { env: { ...jobs.env, REDIS_URL: redis.url.replace('redis://', 'redis://:Right-Pw-4711@') } });
    assert.equal(withRight.code, 0, withRight.stderr);
    const printed = [...jobs.crew.lines, jobs.crew.stderr(), health.body, refused.error ?? '', stats.stdout, stats.stderr, withRight.stdout, withRight.stderr].join('\n');
    assert.doesNotMatch(printed, /Wrong-Pw-0815|Right-Pw-4711/);
    assert.match(printed, /redis:\/\/:\*\*\*@127\.0\.0\.1/);
  });
});
