// The error objects of both Redis clients, however they get printed — an uncaught error, a
// logger given the object, JSON — never show the password: node-redis 3 keeps a failed
// command's arguments (AUTH's password among them) on its errors, hidden by crew; and crew's
// own errors carry only the redacted message.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { createClient } from 'redis';
import { redisV3 } from '../../lib/queue/redis/bee.js';
import { reconnectOnFailedReadiness } from '../../lib/queue/redis/readiness.js';
import { isCredentialsError, redisFailure } from '../../lib/queue/redis/redis-errors.js';
import { startRedis } from '../helpers/redis-server.js';

const PASSWORD = 'Err-S3cret-5kd';

function printed(error: unknown): string {
  return [inspect(error), inspect(error, { showHidden: false, depth: 5 }), JSON.stringify(error), String(error), Object.keys(error as object).join(',')].join('\n');
}

describe("the Redis clients' errors", () => {
  it('never print the password of a refused AUTH', async (t) => {
    const redis = await startRedis(t, { args: ['--requirepass', 'the-right-one'] });
    if (!redis) return;
    const v3 = await new Promise<unknown>((resolve) => {
      const client = redisV3.createClient({ host: '127.0.0.1', port: redis.port, user: 'nobody', password: PASSWORD, retry_strategy: () => new Error('no retry'), connect_timeout: 5000 });
      let first: unknown;
      client.on('error', (error: unknown) => {
        // The first is AUTH's; the ready check's follows. Ended on the next turn: node-redis 3
        // is still reading the replies of this chunk.
        if (first !== undefined) return;
        first = error;
        setImmediate(() => client.end(true));
        resolve(error);
      });
    });
    assert.match(inspect(v3), /WRONGPASS/);
    assert.ok(Array.isArray((v3 as { args?: unknown }).args), 'the arguments are still there for whoever looks');
    assert.ok(!printed(v3).includes(PASSWORD), printed(v3));

    const v4 = await new Promise<unknown>((resolve) => {
      const client = createClient({ socket: { host: '127.0.0.1', port: redis.port, reconnectStrategy: false }, username: 'nobody', password: PASSWORD });
      client.on('error', () => undefined);
      client.connect().then(
        () => resolve(new Error('connected?')),
        (error: unknown) => resolve(error),
      );
    });
    assert.ok(!printed(v4).includes(PASSWORD), printed(v4));

    for (const error of [v3, v4]) {
      assert.equal(isCredentialsError(error), true);
      const ours = redisFailure('Redis at redis://nobody:***@127.0.0.1', error);
      assert.equal(ours.name, 'QueueCredentialsError');
      assert.match(ours.message, /^Redis at redis:\/\/nobody:\*\*\*@127\.0\.0\.1: WRONGPASS/);
      assert.ok(!printed(ours).includes(PASSWORD));
    }
  });

  it('do not crash a client ended in the middle of reading a refused AUTH (as bee-queue ends one)', async (t) => {
    const redis = await startRedis(t, { args: ['--requirepass', 'the-right-one'] });
    if (!redis) return;
    const uncaught: unknown[] = [];
    const listener = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', listener);
    t.after(() => process.off('uncaughtException', listener));
    const refusals: unknown[] = [];
    const client = reconnectOnFailedReadiness(
      redisV3.createClient({ host: '127.0.0.1', port: redis.port, user: 'nobody', password: PASSWORD, retry_strategy: () => 100, connect_timeout: 5000 }),
      (error) => refusals.push(error),
    );
    const ended = new Promise<void>((resolve) => {
      client.on('error', () => {
        // What bee-queue does with a connection whose first ready check fails: end it, at once.
        client.end(true);
        resolve();
      });
    });
    await ended;
    // The rest of the chunk (the ready check's reply) is read on this turn; give the next one.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(uncaught, []);
    assert.equal(refusals.length, 1);
    assert.equal(isCredentialsError(refusals[0]), true);
  });
});
