// Redis refusing crew's credentials. At the start it is one error naming the host — never the
// password — and a fatal start error: the component is given up at once, with no restart loop,
// and `giveUp` decides for the rest. While running, a refusal (Redis began to require a
// password, then stopped) is a lost connection: crew reconnects, says so in `crew status`, and
// everything works again once the credentials are accepted.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { redisAdmin } from '../helpers/redis-admin.js';
import { startRedis } from '../helpers/redis-server.js';
import { tempConfig } from '../helpers/temp-dir.js';
import { startJobsCrew } from './jobs-crew.js';

const PASSWORD = 'S3cretPassw0rd';

/** Polls (no event announces Redis's state to the test) until `found` returns something. */
async function until<T>(found: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a wrong Redis credential at the start', () => {
  for (const form of ['user', 'password', 'query'] as const) {
    it(`gives the worker up at once with one line naming the host (${form} form)`, async (t) => {
      const redis = await startRedis(t, { args: ['--requirepass', 'the-right-one'] });
      if (!redis) return;
      const url = {
        user: `redis://nobody:${PASSWORD}@127.0.0.1:${redis.port}`,
        password: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`,
        query: `redis://127.0.0.1:${redis.port}/0?password=${PASSWORD}`,
      }[form];
      const config = tempConfig(t, [`app: ${fixtureApp('jobs')}`, 'supervisor: { readyTimeout: 20s, restart: { backoff: { initial: 50ms, max: 100ms } } }'].join('\n'));
      const crew = runCrew(t, ['start', '--worker', '--config', config], { env: { REDIS_URL: url, CREW_CONTROL: path.join(config, 'control.sock') } });
      const exit = await crew.exited;
      assert.equal(exit.code, 1);
      const printed = `${crew.lines.join('\n')}\n${crew.stderr()}`;
      assert.doesNotMatch(printed, new RegExp(PASSWORD), 'the password is never printed');
      assert.doesNotMatch(printed, /ReplyError|args:|\n\s+at /, 'no error object, no stack');
      assert.deepEqual(
        crew.records.filter((r) => / restarting in /.test(r.message)).map((r) => r.message),
        [],
        'no restart loop',
      );
      const givenUp = crew.records.filter((r) => / given up: /.test(r.message));
      assert.equal(givenUp.length, 1);
      const host = `127.0.0.1:${redis.port}`;
      assert.match(givenUp[0]!.message, new RegExp(`^worker given up: Redis at redis://[^ ]*${host.replace(/\./g, '\\.')} refused crew's credentials \\(WRONGPASS`));
    });
  }

  it('with giveUp: stay, keeps the server running, and SIGTERM stops it promptly', async (t) => {
    const redis = await startRedis(t);
    if (!redis) return;
    const port = await freePort();
    const config = tempConfig(
      t,
      [`app: ${fixtureApp('jobs')}`, `server: { port: ${port} }`, 'supervisor: { readyTimeout: 20s, restart: { giveUp: stay, backoff: { initial: 50ms, max: 100ms } } }'].join('\n'),
    );
    // A user this Redis does not have: AUTH fails although the server needs no password.
    const url = `redis://nobody:${PASSWORD}@127.0.0.1:${redis.port}`;
    const crew = runCrew(t, ['start', '--server', '--worker', '--config', config], { env: { REDIS_URL: url, CREW_CONTROL: path.join(config, 'control.sock') } });
    await crew.waitFor((r) => /^worker given up: .*refused crew's credentials/.test(r.message), 'the worker given up');
    await crew.waitFor((r) => r.message.startsWith('server.1 ready in '), 'the server ready');
    assert.equal((await get(`http://127.0.0.1:${port}/_ping`)).status, 200);
    const health = await get(`http://127.0.0.1:${port}/_health`);
    assert.equal(health.status, 503);
    assert.match(health.body, /refused crew's credentials/);
    const stopAsked = Date.now();
    crew.signal('SIGTERM');
    const exit = await crew.exited;
    assert.ok(Date.now() - stopAsked < 5000, `stopping took ${Date.now() - stopAsked} ms`);
    assert.notEqual(exit.code, null);
    assert.doesNotMatch(`${crew.lines.join('\n')}\n${crew.stderr()}\n${health.body}`, new RegExp(PASSWORD));
    assert.deepEqual(
      crew.records.filter((r) => / restarting in /.test(r.message)).map((r) => r.message),
      [],
    );
  });
});

describe('a refusal of the credentials while running', () => {
  it('is a lost connection: crew reconnects once Redis takes it again, and status says so meanwhile', async (t) => {
    const redis = await startRedis(t);
    if (!redis) return;
    const jobs = await startJobsCrew(t, 'redis', { args: ['--server', '--worker'], redis });
    if (!jobs) return;
    const health = `http://127.0.0.1:${jobs.port}/_health`;
    await until(async () => ((await get(health)).status === 200 ? true : undefined), '/_health 200');
    const before = await jobs.enqueue('echo', { before: true });
    await jobs.waitRuns('echo', 1, before.id);

    const admin = await redisAdmin(t, redis.port);
    await admin.command('CONFIG', 'SET', 'requirepass', 'for-a-while');
    await admin.command('CLIENT', 'KILL', 'TYPE', 'normal');
    // First the connection is lost; the refusal comes with the reconnection.
    await until(async () => {
      const reply = await get(health);
      return reply.status === 503 && /requires a password/.test(reply.body) ? reply : undefined;
    }, '/_health 503 saying Redis requires a password');
    const status = async () => JSON.parse((await runCrewToEnd(['status', '--json'], { env: jobs.env })).stdout) as { children: Array<{ component: string; state: string; degraded?: string }> };
    const degraded = await until(async () => (await status()).children.find((c) => c.component === 'worker' && c.degraded), 'the worker reported degraded');
    assert.equal(degraded.state, 'ready');
    assert.match(degraded.degraded!, /requires a password/);

    await admin.command('CONFIG', 'SET', 'requirepass', '');
    await until(async () => ((await get(health)).status === 200 ? true : undefined), '/_health 200 again');
    const after = await jobs.enqueue('echo', { after: true });
    assert.equal(after.status, 200, after.error);
    await jobs.waitRuns('echo', 1, after.id);
    await until(async () => ((await status()).children.every((c) => c.degraded === undefined) ? true : undefined), 'no child degraded any more');
    assert.ok(jobs.crew.records.some((r) => /requires a password, and queue\.url \/ REDIS_URL gives none/.test(r.message)), 'the refusal is recorded');
    assert.deepEqual(
      jobs.crew.records.filter((r) => r.component === 'crew' && / exited with /.test(r.message)).map((r) => r.message),
      [],
      'no child exited',
    );
  });
});
