// One process's connection to Redis for the queue: the command client every bee-queue Queue of
// the process shares (workers add their own blocking and subscriber connections, duplicated
// from it). It is responsible for:
// - reconnecting for as long as the process lives: Redis going away never crashes anything;
// - knowing whether Redis is usable right now, so an enqueue fails at once with the reason
//   instead of waiting in the client's offline queue, and `/_health` can say 503;
// - loading bee-queue's Lua scripts again after every reconnection (a restarted Redis has
//   forgotten them, and every job save and stalled-job check runs one);
// - sending the commands of one turn of the event loop in one write (./coalesce-writes.ts);
// - one record when the connection is lost and one when it is back, not one per attempt;
// - never showing the password: the URL is always printed redacted.
import { redactText, redactUrl } from '../../config/redact.js';
import { RECONNECT_MAX_DELAY_MS } from '../defaults.js';
import { beeScripts, redisV3, type RedisV3Client } from './bee.js';
import { coalesceWrites } from './coalesce-writes.js';

export interface QueueLog {
  info(message: string, fields?: Record<string, unknown>): unknown;
  warn(message: string, fields?: Record<string, unknown>): unknown;
}

export interface RedisConnection {
  readonly client: RedisV3Client;
  /** The URL with its password masked, for messages. */
  readonly shown: string;
  /** Connected, and bee-queue's scripts are loaded. */
  readonly usable: boolean;
  /** Not usable, and known to be away (a connection attempt failed, or it was lost) rather than still connecting for the first time. */
  readonly down: boolean;
  /** Why Redis is not usable, in a sentence, password-free. */
  unusableReason(): string;
  /** Resolves once usable; rejects after `timeoutMs` saying why not. With `failFast`, rejects as soon as an attempt has failed. */
  whenUsable(timeoutMs: number, failFast?: boolean): Promise<void>;
  /** Called after every reconnection, once scripts are loaded again. */
  onReconnect(listener: () => void): void;
  /** Resolves when Redis answers a PING within `timeoutMs`. */
  check(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// node-redis v3 counts retry delays against `connect_timeout` (default one hour) and gives up
// for good past it; the largest value a timer takes puts that about 24 days away.
const NEVER_GIVE_UP_MS = 2 ** 31 - 1;

export function connectRedis(url: string, log: QueueLog): RedisConnection {
  const shown = redactUrl(url);
  let usable = false;
  let everUsable = false;
  let lostAt = 0;
  let lastError = '';
  let closed = false;
  let reported = false;
  const waiters = new Set<() => void>();
  const reconnectListeners: Array<() => void> = [];

  const client = coalesceWrites(
    redisV3.createClient({
      url,
      // Returning a number means "retry": with it, connection errors are not emitted as
      // 'error' events either, so nothing crashes while Redis is away.
      retry_strategy: function (this: unknown, { attempt, error }) {
        const delay = Math.min(100 * Math.max(1, attempt), RECONNECT_MAX_DELAY_MS);
        // bee-queue's duplicates of this client share the strategy; only this client reports.
        if (this !== client.options) return delay;
        if (error) lastError = redactText(error.message);
        if (!reported && !closed) {
          reported = true;
          if (everUsable) log.warn(`lost Redis at ${shown} (${lastError || 'connection closed'}): reconnecting; enqueue fails and /_health reports 503 until it is back`, { redis: shown });
          else log.warn(`cannot reach Redis at ${shown} yet (${lastError || 'no answer'}): retrying`, { redis: shown });
        }
        return delay;
      },
      connect_timeout: NEVER_GIVE_UP_MS,
    }),
  );
  // Every bee-queue Queue of the process adds its own 'error' listener to this client.
  client.setMaxListeners(0);

  client.on('ready', () => {
    beeScripts.buildCache(client).then(
      () => {
        if (closed || !client.ready) return;
        usable = true;
        if (reported) {
          const after = lostAt ? ` after ${((Date.now() - lostAt) / 1000).toFixed(1)} s` : '';
          log.info(`Redis at ${shown} is reachable${everUsable ? ' again' : ''}${after}`, { redis: shown });
        }
        const again = everUsable;
        everUsable = true;
        reported = false;
        lastError = '';
        for (const wake of [...waiters]) wake();
        if (again) for (const listener of reconnectListeners) listener();
      },
      (error: Error) => {
        lastError = `loading bee-queue's scripts failed: ${redactText(error.message)}`;
        log.warn(`Redis at ${shown}: ${lastError}`, { redis: shown });
      },
    );
  });
  client.on('end', () => {
    if (usable) lostAt = Date.now();
    usable = false;
    lastError ||= 'the connection was closed';
  });
  client.on('error', (error: Error) => {
    // Connection errors go through retry_strategy; what arrives here is anything else.
    lastError = redactText(error.message);
    if (!closed) log.warn(`Redis at ${shown}: ${lastError}`, { redis: shown });
  });

  const isDown = () => !usable && (everUsable || lastError !== '' || reported);
  const unusableReason = () => `Redis at ${shown} is unreachable${lastError ? ` (${lastError})` : ''}; crew keeps reconnecting`;

  return {
    client,
    shown,
    get usable() {
      return usable;
    },
    get down() {
      return isDown();
    },
    unusableReason,
    whenUsable(timeoutMs, failFast = false) {
      if (usable) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const wake = () => {
          clearTimeout(timer);
          clearInterval(watch);
          waiters.delete(wake);
          resolve();
        };
        const fail = (within: string) => {
          clearTimeout(timer);
          clearInterval(watch);
          waiters.delete(wake);
          reject(new Error(`cannot reach Redis at ${shown}${within}${lastError ? ` (${lastError})` : ''}: is it running, and is queue.url / REDIS_URL right?`));
        };
        const timer = setTimeout(() => fail(` within ${timeoutMs} ms`), timeoutMs);
        // A failed attempt is seen by the retry strategy, which has no event of its own.
        const watch = failFast ? setInterval(() => isDown() && fail(''), 20) : undefined;
        waiters.add(wake);
      });
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    check(timeoutMs = 1000) {
      if (!usable) return Promise.reject(new Error(unusableReason()));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Redis at ${shown} did not answer PING within ${timeoutMs} ms`)), timeoutMs);
        client.ping((error) => {
          clearTimeout(timer);
          if (error) reject(new Error(`Redis at ${shown}: ${redactText(error.message)}`));
          else resolve();
        });
      });
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      usable = false;
      for (const wake of [...waiters]) waiters.delete(wake);
      if (!client.ready) {
        // Nothing to say goodbye to; `end` also stops the reconnection timer.
        client.end(true);
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          client.end(true);
          resolve();
        }, 1000);
        client.quit(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
