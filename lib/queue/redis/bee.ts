// bee-queue and the Redis client it was built for. bee-queue 2 speaks node-redis v3 and does
// not accept a newer client, so crew takes v3 from bee-queue's own dependencies (whatever the
// install layout) rather than the `redis` package crew depends on for other needs. Only the
// parts of v3 that crew calls are typed here.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import BeeQueue from 'bee-queue';

const fromBee = createRequire(createRequire(import.meta.url).resolve('bee-queue'));

export type Callback<T> = (error: Error | null, reply: T) => void;

export interface RedisV3Multi {
  llen(key: string): RedisV3Multi;
  scard(key: string): RedisV3Multi;
  zcard(key: string): RedisV3Multi;
  get(key: string): RedisV3Multi;
  exec(callback: Callback<unknown[]>): boolean;
}

export interface RedisV3Client extends EventEmitter {
  ready: boolean;
  connected: boolean;
  /** The current socket; a reconnection replaces it. */
  stream: { destroy(): void };
  /** The options this client was made with (its duplicates get copies). */
  options: object;
  ping(callback: Callback<string>): boolean;
  incrby(key: string, by: number, callback: Callback<number>): boolean;
  /** Any command by name, e.g. ('hmget', [key, id1, id2]): what ./commands.ts uses. */
  send_command(command: string, args: Array<string | number>, callback: Callback<unknown>): boolean;
  /** A transaction of the given commands, each [name, ...args]. */
  multi(commands?: Array<Array<string | number>>): RedisV3Multi;
  quit(callback?: Callback<string>): boolean;
  end(flush: boolean): void;
  duplicate(): RedisV3Client;
}

export interface RedisV3ClientOptions {
  /** crew gives the parsed fields below (config/redis-url.ts); benchmarks give a plain URL. */
  url?: string;
  host?: string;
  port?: number;
  db?: number;
  user?: string;
  password?: string;
  tls?: { servername?: string };
  retry_strategy: (this: object, options: { attempt: number; error: Error | null }) => number | Error;
  connect_timeout: number;
}

interface RedisV3 {
  createClient(options: RedisV3ClientOptions): RedisV3Client;
}

export const redisV3 = fromBee('redis') as RedisV3;

// node-redis 3 puts a failed command's arguments on its error as `args` — AUTH's include the
// password — and printing the error (an uncaught one, a logger given the object) shows them.
// Kept on the error, they are made invisible to util.inspect, JSON and Object.keys.
const { RedisError } = createRequire(fromBee.resolve('redis'))('redis-errors') as { RedisError: { prototype: object } };
for (const hidden of ['args']) {
  if (Object.getOwnPropertyDescriptor(RedisError.prototype, hidden)) continue;
  Object.defineProperty(RedisError.prototype, hidden, {
    configurable: true,
    get: () => undefined,
    set(this: object, value: unknown) {
      Object.defineProperty(this, hidden, { value, enumerable: false, writable: true, configurable: true });
    },
  });
}

/** bee-queue's Lua scripts: loaded into Redis at every (re)connection, as a restarted Redis has forgotten them. */
export const beeScripts = fromBee('./lib/lua/index.js') as { buildCache(client: RedisV3Client): Promise<unknown> };

export { BeeQueue };
export type BeeJob = BeeQueue.Job<unknown>;
