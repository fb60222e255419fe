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

const HEADER = 'x-request-id';

/**
 * The caller's `X-Request-Id`, read from the request's raw header list (name, value, name, …)
 * rather than from `req.headers`, which Node builds on first use: a server whose app never
 * reads a header does not build it for crew. Sent more than once it is no id at all, as
 * `req.headers` would join the values with ", ", which no sane id holds.
 */
export function requestIdHeader(raw: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== HEADER.length || name.toLowerCase() !== HEADER) continue;
    if (found !== undefined) return undefined;
    found = raw[i + 1];
  }
  return found;
}
