// What crew takes from the errors of its Redis clients (node-redis 3 under bee-queue, the newer
// node-redis of the tick lock): the message, redacted, and the reply's code. Never the error
// object itself: node-redis 3 puts the failed command's arguments on it (AUTH's include the
// password), and whatever prints an object prints them. Errors crew passes on are its own.
import { redactText } from '../../config/redact.js';
import { QueueCredentialsError } from '../credentials-error.js';

/** Replies that say the credentials (user, password, or its permissions) are not accepted. */
const CREDENTIAL_CODES = new Set(['WRONGPASS', 'NOAUTH', 'NOPERM']);

/** The reply's code (`WRONGPASS`, `NOAUTH`, `LOADING`…), from the error or its message. */
export function redisErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  // node-redis 3 prefixes a failed ready check's reply: "Ready check failed: NOAUTH …".
  return /^(?:Ready check failed: )?([A-Z]{4,})\b/.exec(redisErrorText(error))?.[1];
}

export function isCredentialsError(error: unknown): boolean {
  const code = redisErrorCode(error);
  if (code !== undefined && CREDENTIAL_CODES.has(code)) return true;
  // Redis before 6: "ERR invalid password".
  return /\binvalid password\b/i.test(redisErrorText(error));
}

/** The error's message alone, without any password. */
export function redisErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  return message === undefined || message === '' ? 'no reason given' : redactText(message);
}

/** An error of crew's own for one of a Redis client: `<context>: <message>`, with the reply's code. */
export function redisFailure(context: string, error: unknown): Error {
  const failure = isCredentialsError(error) ? new QueueCredentialsError(`${context}: ${redisErrorText(error)}`) : new Error(`${context}: ${redisErrorText(error)}`);
  const code = redisErrorCode(error);
  if (code !== undefined) Object.assign(failure, { code });
  return failure;
}
