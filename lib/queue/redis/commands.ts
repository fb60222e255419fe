// Redis commands for crew's own keys beside bee-queue's (the operator's commands, the failed
// jobs' index, the schedules' state), as promises on the process's queue connection. Each
// fails at once, saying why, while Redis is known to be away, and within a bound when it does
// not answer; an error never carries the password of the URL.
import { redactText } from '../../config/redact.js';
import { withTimeout } from '../../util/with-timeout.js';
import { COMMAND_CONNECT_TIMEOUT_MS } from '../defaults.js';
import type { RedisConnection } from './connection.js';

/** Long enough for a command over thousands of keys on a busy Redis; short enough for a person waiting. */
export const COMMAND_TIMEOUT_MS = 10_000;

export type Command = [name: string, ...args: Array<string | number>];

/** Redis could not be reached, or refused a command: a sentence naming it, password-free. */
export class RedisCommandError extends Error {
  override name = 'RedisCommandError';
}

/**
 * For an operator's request on a connection that may just have been opened: waits for its
 * first connection (failing as soon as an attempt fails), and fails at once while Redis is
 * known to be away.
 */
export async function whenReady(connection: RedisConnection): Promise<void> {
  if (connection.down) throw new RedisCommandError(connection.unusableReason());
  if (connection.usable) return;
  await connection.whenUsable(COMMAND_CONNECT_TIMEOUT_MS, true).catch((error: Error) => {
    throw new RedisCommandError(error.message);
  });
}

function bounded<T>(connection: RedisConnection, what: string, run: (done: (error: Error | null, reply: T) => void) => void): Promise<T> {
  if (!connection.usable) return Promise.reject(new RedisCommandError(connection.unusableReason()));
  const asked = new Promise<T>((resolve, reject) => {
    run((error, reply) => (error ? reject(new RedisCommandError(`Redis at ${connection.shown}: ${what} failed: ${redactText(error.message)}`)) : resolve(reply)));
  });
  return withTimeout(asked, COMMAND_TIMEOUT_MS, () => new RedisCommandError(`Redis at ${connection.shown} did not answer ${what} within ${COMMAND_TIMEOUT_MS} ms`));
}

export function command<T = unknown>(connection: RedisConnection, name: string, ...args: Array<string | number>): Promise<T> {
  return bounded<T>(connection, name.toUpperCase(), (done) => connection.client.send_command(name, args, done as (error: Error | null, reply: unknown) => void));
}

/** Several commands in one MULTI: resolves to their replies, in order. */
export function transaction(connection: RedisConnection, commands: Command[]): Promise<unknown[]> {
  if (commands.length === 0) return Promise.resolve([]);
  return bounded<unknown[]>(connection, 'a transaction', (done) => connection.client.multi(commands).exec(done));
}

/** A Lua script with its keys and arguments (EVAL: these scripts run on operator commands and failures only). */
export function script<T = unknown>(connection: RedisConnection, lua: string, keys: string[], args: Array<string | number>): Promise<T> {
  return bounded<T>(connection, 'a script', (done) => connection.client.send_command('eval', [lua, keys.length, ...keys, ...args], done as (error: Error | null, reply: unknown) => void));
}
