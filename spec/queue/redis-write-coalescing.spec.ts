// The queue's Redis connections send the commands of one turn of the event loop in one write:
// Redis itself counts the reads it took to receive them (INFO stats: total_reads_processed).
// Replies stay matched to their commands, MULTI works inside a batch, and it holds for the
// socket of a reconnection and for the duplicates bee-queue makes.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { redisV3, type RedisV3Client } from '../../lib/queue/redis/bee.js';
import { redisTarget } from '../../lib/config/redis-url.js';
import { connectRedis, type RedisConnection } from '../../lib/queue/redis/connection.js';
import { startRedis } from '../helpers/redis-server.js';

type Send = (command: string, args: unknown[], callback: (error: Error | null, reply: unknown) => void) => void;

function command(client: RedisV3Client, name: string, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (client as unknown as { send_command: Send }).send_command(name, args, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

async function readsProcessed(observer: RedisV3Client): Promise<number> {
  const info = String(await command(observer, 'info', 'stats'));
  const found = /total_reads_processed:(\d+)/.exec(info);
  assert.ok(found, `INFO stats has no total_reads_processed:\n${info}`);
  return Number(found[1]);
}

/** Issues `count` INCRs of one key in one turn; returns the replies and how many reads Redis took for them. */
async function burst(client: RedisV3Client, observer: RedisV3Client, key: string, count: number): Promise<{ replies: unknown[]; reads: number }> {
  const before = await readsProcessed(observer);
  const replies = await Promise.all(Array.from({ length: count }, () => command(client, 'incr', key)));
  // The observer's own INFO is one read of the difference.
  const reads = (await readsProcessed(observer)) - before - 1;
  return { replies, reads };
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function setUp(t: TestContext): Promise<{ url: string; connection: RedisConnection; observer: RedisV3Client } | undefined> {
  const redis = await startRedis(t);
  if (!redis) return undefined;
  const quiet = { info: () => undefined, warn: () => undefined };
  const connection = connectRedis(redisTarget(redis.url), quiet);
  t.after(() => connection.close());
  const observer = redisV3.createClient({ url: redis.url, retry_strategy: () => 50, connect_timeout: 10_000 });
  t.after(() => observer.end(true));
  await connection.whenUsable(10_000);
  await command(observer, 'ping');
  return { url: redis.url, connection, observer };
}

describe('the redis queue connection', () => {
  it('sends the commands of one turn in one write, each reply to its own command', async (t) => {
    const set = await setUp(t);
    if (!set) return;
    const { replies, reads } = await burst(set.connection.client, set.observer, 'counter', 200);
    assert.deepEqual(replies, oneToN(200));
    assert.ok(reads <= 2, `Redis needed ${reads} reads for 200 commands of one turn`);

    // A plain client, for comparison: one write per command.
    const plain = redisV3.createClient({ url: set.url, retry_strategy: () => 50, connect_timeout: 10_000 });
    t.after(() => plain.end(true));
    await command(plain, 'ping');
    t.diagnostic(`reads for 200 commands: ${reads} coalesced, ${(await burst(plain, set.observer, 'plain', 200)).reads} plain`);
  });

  it('keeps a MULTI whole and in order among the commands of a turn', async (t) => {
    const set = await setUp(t);
    if (!set) return;
    const client = set.connection.client;
    const [first, transaction, last] = await Promise.all([
      command(client, 'incr', 'k'),
      new Promise((resolve, reject) => {
        const multi = client.multi() as unknown as { incr(key: string): unknown; exec(cb: (e: Error | null, r: unknown) => void): void };
        multi.incr('k');
        multi.incr('k');
        multi.exec((error, reply) => (error ? reject(error) : resolve(reply)));
      }),
      command(client, 'incr', 'k'),
    ]);
    assert.deepEqual([first, transaction, last], [1, [2, 3], 4]);
  });

  it('coalesces on the socket of a reconnection, and on duplicates of the client', async (t) => {
    const set = await setUp(t);
    if (!set) return;
    const { connection, observer } = set;
    const reconnected = new Promise<void>((resolve) => connection.onReconnect(resolve));
    await command(observer, 'client', 'kill', 'type', 'normal', 'skipme', 'yes');
    await reconnected;
    const again = await burst(connection.client, observer, 'after', 100);
    assert.deepEqual(again.replies, oneToN(100));
    assert.ok(again.reads <= 2, `after reconnecting, Redis needed ${again.reads} reads for 100 commands of one turn`);

    const duplicate = (connection.client as unknown as { duplicate(): RedisV3Client }).duplicate();
    t.after(() => duplicate.end(true));
    await command(duplicate, 'ping');
    const copy = await burst(duplicate, observer, 'copy', 100);
    assert.deepEqual(copy.replies, oneToN(100));
    assert.ok(copy.reads <= 2, `a duplicate needed ${copy.reads} reads for 100 commands of one turn`);
  });
});
