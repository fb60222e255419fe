// The tick lock's own Redis connection (node-redis, not the queue's node-redis 3), opened from
// the same parsed setting as the queue's (config/redis-url.ts). It is responsible for:
// - telling a refusal of crew's credentials as the scheduler starts — a fatal start error, as
//   no restart mends a wrong password — from Redis being away (ticks are skipped meanwhile);
// - reconnecting for as long as the scheduler runs, one record per outage;
// - a Redis that needs no password but is given one: node-redis refuses to connect there,
//   where the queue's client connects with a warning; this one does the same, so the two
//   clients of one setting agree;
// - bounding every command in time and failing it with crew's own error: only the redacted
//   message of node-redis's error, and its reply code, go on.
import type { Logger } from 'winston';
import { redisOptions, redisTarget, type RedisTarget } from '../../config/redis-url.js';
import { isCredentialsError, redisErrorCode, redisErrorText } from '../../queue/redis/redis-errors.js';
import { FatalStartError } from '../component.js';

const COMMAND_TIMEOUT_MS = 2000;
/** How long start waits for a first connection before arming anyway (ticks are skipped until then). */
const CONNECT_WAIT_MS = 5000;
/** What Redis answers AUTH with when it has no password to check. */
const NO_PASSWORD_NEEDED = /called without any password configured|no password is set/;

type CreateClient = Awaited<typeof import('redis')>['createClient'];
type Client = ReturnType<typeof makeClient>;

function makeClient(createClient: CreateClient, target: RedisTarget) {
  return createClient({
    ...redisOptions(target, { connectTimeout: COMMAND_TIMEOUT_MS, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) }),
    disableOfflineQueue: true,
  });
}

export interface LockConnection {
  /** The URL with its password masked. */
  readonly shown: string;
  readonly client: Client;
  /** Runs one command within COMMAND_TIMEOUT_MS; fails with a redacted error of crew's own. */
  command<T>(what: string, run: (client: Client) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openLockConnection(url: string, logger: Logger): Promise<LockConnection> {
  let target: RedisTarget;
  try {
    target = redisTarget(url);
  } catch (error) {
    // Config validation parses the URL the same way; this is only reached if it was skipped.
    throw new FatalStartError(`scheduler: ${(error as Error).message}`);
  }
  const { shown } = target;
  // Loaded here, not at the top: crews without Redis never pay for node-redis.
  const { createClient } = await import('redis');
  let opened = await open(createClient, target, logger);
  if (opened.outcome === 'no password needed') {
    const { password: _unneeded, ...withoutPassword } = target;
    logger.warn(`Redis at ${shown} requires no password, but queue.url / REDIS_URL gives one: is it the Redis you mean?`, { redis: shown });
    opened = await open(createClient, withoutPassword, logger);
  }
  const { client, state } = opened;
  if (typeof opened.outcome === 'object') {
    client.destroy();
    const said = target.password === undefined ? `Redis at ${shown} requires a password, and queue.url / REDIS_URL gives none` : `Redis at ${shown} refused crew's credentials`;
    throw new FatalStartError(`${said} (${opened.outcome.refused}): check queue.url / REDIS_URL; the scheduler cannot take its tick lock`);
  }
  state.started = true;
  if (opened.outcome === 'late' && !state.complained) logger.warn(`Redis at ${shown} has not answered within ${CONNECT_WAIT_MS} ms: ticks are skipped until it does`, { redis: shown });

  let closing: Promise<void> | undefined;
  return {
    shown,
    client,
    command: (what, run) => bounded(state, shown, what, () => run(client)),
    close: () => {
      closing ??= (async () => {
        if (client.isReady) {
          await client.close().catch((error: unknown) => {
            logger.debug(`closing the scheduler's Redis connection failed, dropping it: ${redisErrorText(error)}`);
            client.destroy();
          });
        } else if (client.isOpen) {
          client.destroy();
        }
      })();
      return closing;
    },
  };
}

interface State {
  up: boolean;
  complained: boolean;
  started: boolean;
}

type Outcome = 'connected' | 'late' | 'no password needed' | { refused: string };

async function open(createClient: CreateClient, target: RedisTarget, logger: Logger): Promise<{ client: Client; state: State; outcome: Outcome }> {
  const { shown } = target;
  const client = makeClient(createClient, target);
  const state: State = { up: false, complained: false, started: false };
  let settle: (outcome: Outcome) => void = () => undefined;
  const early = new Promise<Outcome>((resolve) => (settle = resolve));

  client.on('error', (error: unknown) => {
    const text = redisErrorText(error);
    if (!state.started) {
      if (target.password !== undefined && NO_PASSWORD_NEEDED.test(text)) return settle('no password needed');
      if (isCredentialsError(error)) return settle({ refused: text });
    }
    // node-redis emits one error per failed reconnect; one record per outage is enough.
    if (state.complained) return;
    state.complained = true;
    state.up = false;
    const why = isCredentialsError(error) ? `Redis at ${shown} refused crew's credentials for the scheduler's tick lock (${text})` : `cannot reach Redis at ${shown} for the scheduler's tick lock: ${text}`;
    logger.warn(`${why}; ticks are skipped until it is back`, { redis: shown });
  });
  client.on('ready', () => {
    if (state.complained) logger.info(`reached Redis at ${shown} again: ticks fire again`, { redis: shown });
    state.up = true;
    state.complained = false;
  });

  const connected = client.connect().then(
    (): Outcome => 'connected',
    (error: unknown): Outcome => {
      // A refusal seen above destroys the client, which ends here too: said once, by the caller.
      if (!state.started) return { refused: redisErrorText(error) };
      logger.error(`the scheduler's Redis connection to ${shown} gave up: ${redisErrorText(error)}`, { redis: shown });
      return 'late';
    },
  );
  let waitTimer: NodeJS.Timeout | undefined;
  let outcome = await Promise.race([connected, early, new Promise<Outcome>((resolve) => (waitTimer = setTimeout(() => resolve('late'), CONNECT_WAIT_MS)))]);
  clearTimeout(waitTimer);
  if (outcome === 'no password needed') client.destroy();
  if (outcome === 'connected') {
    // A Redis that wants a password and was given none takes the connection, then refuses
    // every command: ask once now, so that is known at the start too.
    await bounded(state, shown, 'PING', () => client.ping()).catch((error: unknown) => {
      if (isCredentialsError(error)) outcome = { refused: (error as { reply?: string }).reply ?? 'refused' };
    });
  }
  return { client, state, outcome };
}

/** One command within COMMAND_TIMEOUT_MS, failing with crew's own error (the reply's code kept). */
function bounded<T>(state: State, shown: string, what: string, run: () => Promise<T>): Promise<T> {
  if (!state.up) return Promise.reject(new Error(`Redis at ${shown} is not connected`));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis at ${shown} did not answer ${what} within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
  });
  return Promise.race([run(), late])
    .catch((error: unknown) => {
      if (error instanceof Error && error.message.startsWith(`Redis at ${shown} did not answer`)) throw error;
      const code = redisErrorCode(error);
      const reply = redisErrorText(error);
      throw Object.assign(new Error(`Redis at ${shown}: ${reply}`), { reply }, code !== undefined ? { code } : {});
    })
    .finally(() => clearTimeout(timer));
}
