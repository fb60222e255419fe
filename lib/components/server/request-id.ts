// One id per request: the caller's `X-Request-Id` when it sent a sane one, else a fresh one.
//
// A fresh id is this process's random prefix and a counter: `<12 base64url chars>.<base 36>`.
// It has to be unique, not secret: the prefix (72 random bits, drawn once per process) keeps
// processes apart — the instances of a server, its restarts, other hosts — and the counter
// keeps one process's requests apart. One draw of random bytes per request was a system call
// each, an eighth of a busy server's time. The price: an id says how many requests its process
// had served, and the next one can be guessed; nothing in crew treats an id as a secret.
import { randomBytes } from 'node:crypto';

const SANE_ID = /^[\w.:-]{1,128}$/;

const prefix = `${randomBytes(9).toString('base64url')}.`;
let counter = 0;

/** A fresh id, unique among every id any process makes. */
export function newRequestId(): string {
  counter += 1;
  return prefix + counter.toString(36);
}

export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && SANE_ID.test(given) ? given : newRequestId();
}
