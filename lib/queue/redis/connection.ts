// One process's connection to Redis for the queue: the command client every bee-queue Queue of
// the process shares (workers add their own blocking connections, duplicated from it). It is
// responsible for:
// - reconnecting for as long as the process lives: Redis going away never crashes anything,
//   and neither does a failed AUTH or ready check (./readiness.ts), so a password that was
//   wrong for a while is picked up once it is right again;
// - knowing whether Redis is usable right now, so an enqueue fails at once with the reason
//   instead of waiting in the client's offline queue, `/_health` can say 503, and the process
//   can tell the supervisor (`watch`);
// - telling a refusal of crew's credentials from an unreachable server: before the first
//   usable connection it is final for whoever waits for one (`whenUsable` rejects with a
//   QueueCredentialsError), as no retry will mend it;
// - loading bee-queue's Lua scripts again after every reconnection (a restarted Redis has
//   forgotten them, and every job save and stalled-job check runs one);
// - sending the commands of one turn of the event loop in one write (./coalesce-writes.ts);
// - one record when the connection is lost and one when it is back, not one per attempt;
// - never showing the password: the client gets the parsed setting, messages its `shown`
//   form, and errors only their redacted message (./redis-errors.ts).
import { redis3Options, type RedisTarget } from '../../config/redis-url.js';
import { QueueCredentialsError } from '../credentials-error.js';
import { RECONNECT_MAX_DELAY_MS } from '../defaults.js';
import { beeScripts, redisV3, type RedisV3Client } from './bee.js';
import { coalesceWrites } from './coalesce-writes.js';
import { reconnectOnFailedReadiness } from './readiness.js';
import { isCredentialsError, redisErrorText } from './redis-errors.js';

export interface QueueLog {
  info(message: string, fields?: Record<string, unknown>): unknown;
  warn(message: string, fields?: Record<string, unknown>): unknown;
}

/** Why a check failed, in a word or two fit for anyone to read (production `/_health`). */
export type Brief = 'unreachable' | 'credentials refused' | 'no answer' | 'connecting';

export class RedisUnusableError extends Error {
  override name = 'RedisUnusableError';
  constructor(
    message: string,
    readonly brief: Brief,
  ) {
    super(message);
  }
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
  /**
   * Resolves once usable; rejects after `timeoutMs` saying why not. With `failFast`, rejects as
   * soon as an attempt has failed. A refusal of the credentials before the first usable
   * connection rejects at once with a QueueCredentialsError.
   */
  whenUsable(timeoutMs: number, failFast?: boolean): Promise<void>;
  /** Called after every reconnection, once scripts are loaded again. */
  onReconnect(listener: () => void): void;
  /** Hears each change: the reason Redis is not usable, or undefined when it is usable again. */
  watch(listener: (problem: string | undefined) => void): void;
  /** Resolves when Redis answers a PING within `timeoutMs`; rejects with a RedisUnusableError. */
  check(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// node-redis v3 counts retry delays against `connect_timeout` (default one hour) and gives up
// for good past it; the largest value a timer takes puts that about 24 days away.
const NEVER_GIVE_UP_MS = 2 ** 31 - 1;
const FIRST_RETRY_MS = 100;
/** How long a refusal at the first connection waits for someone who asked for it to report it. */
const FIRST_REFUSAL_GRACE_MS = 1000;

export function connectRedis(target: RedisTarget, log: QueueLog): RedisConnection {
  const { shown } = target;
  let usable = false;
  let everUsable = false;
  let lostAt = 0;
  let lastError = '';
  /** The refusal of the credentials, while it lasts. */
  let refused: string | undefined;
  /** The record of a refusal at the first connection, until someone waiting for it takes it. */
  let untakenRefusal: NodeJS.Timeout | undefined;
  let closed = false;
  /** The loss (or the failure to connect) has been recorded; reset once usable. */
  let reported = false;
  /** The refusal of the credentials has been recorded; reset once usable. */
  let reportedRefusal = false;
  let warnedPassword = false;
  const waiters = new Set<{ wake(): void; refuse(error: Error): void }>();
  const reconnectListeners: Array<() => void> = [];
  const watchers: Array<(problem: string | undefined) => void> = [];
  // Failed attempts in a row, per client (the command client and each duplicate): node-redis
  // counts attempts from its last successful connect, which a failed AUTH still is.
  const failures = new WeakMap<object, number>();

  const report = (problem: string | undefined) => {
    for (const watcher of watchers) watcher(problem);
  };
  const credentialsSentence = () =>
    target.password === undefined
      ? `Redis at ${shown} requires a password, and queue.url / REDIS_URL gives none (${refused})`
      : `Redis at ${shown} refused crew's credentials (${refused}): check the user and password in queue.url / REDIS_URL`;

  const noteFailure = (error: unknown) => {
    if (closed) return;
    // node-redis's prefix of a failed INFO says nothing the reply does not.
    const text = redisErrorText(error).replace(/^Ready check failed: /, '');
    lastError = text;
    if (!isCredentialsError(error)) return;
    refused = text;
    if (reportedRefusal) return;
    reportedRefusal = true;
    reported = true;
    if (everUsable) {
      log.warn(`${credentialsSentence()}; reconnecting; enqueue fails and /_health reports 503 until it is accepted`, { redis: shown });
    } else if (waiters.size > 0) {
      // Someone waits for a first connection: the refusal is final, and theirs to report.
      const failure = new QueueCredentialsError(credentialsSentence());
      for (const waiter of [...waiters]) waiter.refuse(failure);
    } else {
      // A worker asks for its first connection just after this one is opened: it will say
      // so itself (one line, not two). Said here only when no one asks in time.
      untakenRefusal = setTimeout(() => log.warn(`${credentialsSentence()}; retrying`, { redis: shown }), FIRST_REFUSAL_GRACE_MS);
      untakenRefusal.unref();
    }
    report(unusableReason());
  };

  const options = {
    ...redis3Options(target),
    // Returning a number means "retry": with it, connection errors are not emitted as
    // 'error' events either, so nothing crashes while Redis is away.
    retry_strategy: function (this: object, { error }: { attempt: number; error: Error | null }) {
      const attempt = (failures.get(this) ?? 0) + 1;
      failures.set(this, attempt);
      const delay = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), RECONNECT_MAX_DELAY_MS);
      // bee-queue's duplicates of this client share the strategy; only this client reports.
      if (this !== client.options || closed) return delay;
      if (error) lastError = redisErrorText(error);
      if (!reported) {
        reported = true;
        if (everUsable) log.warn(`lost Redis at ${shown} (${lastError || 'connection closed'}): reconnecting; enqueue fails and /_health reports 503 until it is back`, { redis: shown });
        else log.warn(`cannot reach Redis at ${shown} yet (${lastError || 'no answer'}): retrying`, { redis: shown });
        report(unusableReason());
      }
      return delay;
    },
    connect_timeout: NEVER_GIVE_UP_MS,
  };
  /** A refusal of a duplicate (a worker's blocking connection) was recorded; reset when one is ready. */
  let duplicateRefusalSaid = false;
  const client: RedisV3Client = coalesceWrites(
    reconnectOnFailedReadiness(redisV3.createClient(options), (error, original) => {
      if (original) noteFailure(error);
      else if (isCredentialsError(error) && usable && !duplicateRefusalSaid) {
        // The command client is fine, yet a new connection is refused (an ACL changed, say):
        // the worker takes no jobs meanwhile.
        duplicateRefusalSaid = true;
        log.warn(`a new connection to Redis at ${shown} was refused (${redisErrorText(error)}); retrying`, { redis: shown });
      }
    }),
  );
  // Every bee-queue Queue of the process adds its own 'error' listener to this client.
  client.setMaxListeners(0);
  // node-redis 3 warns through this event (else on the console, for every connection): that
  // Redis requires no password but one was given, or of a deprecated option.
  const onWarning = (text: unknown) => {
    if (warnedPassword) return;
    warnedPassword = true;
    if (/does not require a password/.test(String(text))) log.warn(`Redis at ${shown} requires no password, but queue.url / REDIS_URL gives one: is it the Redis you mean?`, { redis: shown });
    else log.warn(`Redis at ${shown}: node-redis warns: ${redisErrorText(String(text))}`, { redis: shown });
  };
  client.on('warning', onWarning);
  const duplicate = client.duplicate.bind(client);
  client.duplicate = () => {
    const copy = duplicate();
    // Said once for the process, whichever connection says it first.
    copy.on('warning', onWarning);
    copy.on('ready', () => {
      failures.delete(copy.options);
      duplicateRefusalSaid = false;
    });
    return copy;
  };

  client.on('ready', () => {
    failures.delete(client.options);
    beeScripts.buildCache(client).then(
      () => {
        if (closed || !client.ready) return;
        usable = true;
        if (reported) {
          const after = lostAt ? ` after ${((Date.now() - lostAt) / 1000).toFixed(1)} s` : '';
          log.info(`Redis at ${shown} is ${reportedRefusal ? "accepting crew's credentials" : 'reachable'}${everUsable ? ' again' : ''}${after}`, { redis: shown });
          report(undefined);
        }
        const again = everUsable;
        everUsable = true;
        reported = false;
        reportedRefusal = false;
        lastError = '';
        refused = undefined;
        lostAt = 0;
        for (const waiter of [...waiters]) waiter.wake();
        if (again) for (const listener of reconnectListeners) listener();
      },
      (error: unknown) => {
        // A connection that cannot run crew's scripts is not usable: start again.
        lastError = `loading bee-queue's scripts failed: ${redisErrorText(error)}`;
        log.warn(`Redis at ${shown}: ${lastError}; reconnecting`, { redis: shown });
        if (!closed && client.connected) client.stream.destroy();
      },
    );
  });
  client.on('end', () => {
    if (usable) lostAt = Date.now();
    usable = false;
    lastError ||= 'the connection was closed';
  });
  client.on('error', (error: unknown) => {
    // Connection errors go through retry_strategy, readiness failures through noteFailure, and
    // an error while disconnected is the loss's echo; what arrives here is anything else.
    if (closed || !client.connected || !client.ready) return;
    lastError = redisErrorText(error);
    log.warn(`Redis at ${shown}: ${lastError}`, { redis: shown });
  });

  const isDown = () => !usable && (everUsable || lastError !== '' || reported);
  function unusableReason(): string {
    if (refused) return `${credentialsSentence()}; crew keeps retrying`;
    return `Redis at ${shown} is unreachable${lastError ? ` (${lastError})` : ''}; crew keeps reconnecting`;
  }
  const brief = (): Brief => (refused ? 'credentials refused' : isDown() ? 'unreachable' : 'connecting');

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
      if (refused && !everUsable) {
        clearTimeout(untakenRefusal);
        return Promise.reject(new QueueCredentialsError(credentialsSentence()));
      }
      return new Promise((resolve, reject) => {
        const settle = () => {
          clearTimeout(timer);
          clearInterval(watch);
          waiters.delete(waiter);
        };
        const waiter = {
          wake() {
            settle();
            resolve();
          },
          refuse(error: Error) {
            settle();
            reject(error);
          },
        };
        const fail = (within: string) => {
          waiter.refuse(new RedisUnusableError(`cannot reach Redis at ${shown}${within}${lastError ? ` (${lastError})` : ''}: is it running, and is queue.url / REDIS_URL right?`, brief()));
        };
        const timer = setTimeout(() => fail(` within ${timeoutMs} ms`), timeoutMs);
        // A failed attempt is seen by the retry strategy, which has no event of its own.
        const watch = failFast ? setInterval(() => isDown() && fail(''), 20) : undefined;
        waiters.add(waiter);
      });
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    watch(listener) {
      watchers.push(listener);
    },
    check(timeoutMs = 1000) {
      if (!usable) return Promise.reject(new RedisUnusableError(unusableReason(), brief()));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new RedisUnusableError(`Redis at ${shown} did not answer PING within ${timeoutMs} ms`, 'no answer')), timeoutMs);
        client.ping((error) => {
          clearTimeout(timer);
          if (error) reject(new RedisUnusableError(`Redis at ${shown}: ${redisErrorText(error)}`, isCredentialsError(error) ? 'credentials refused' : 'unreachable'));
          else resolve();
        });
      });
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      usable = false;
      clearTimeout(untakenRefusal);
      for (const waiter of [...waiters]) waiters.delete(waiter);
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
