// One id per request: the caller's `X-Request-Id` when it sent a sane one, else a fresh one.
import { randomBytes } from 'node:crypto';

const SANE_ID = /^[\w.:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && SANE_ID.test(given) ? given : randomBytes(9).toString('base64url');
}
