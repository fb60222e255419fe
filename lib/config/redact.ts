// What crew knows about secrets, in one place: every output path (`crew config`, `crew doctor`,
// errors, log records, `/_health`, control replies) shows values through here. A secret is
// - the password of a URL (`redis://user:pw@host`), a lone user-info (`https://<token>@host`),
//   or the whole user-info when the URL is too malformed to tell the user from the password
//   (`redis:/:pw@host`, `redis//:pw@host`);
// - the value of a URL query parameter with a secret name (`?password=`, `?access_token=`);
// - the value of a config key or `NAME=value` assignment with a secret name (./secret-names.ts).
// Values are parsed (URLs by the WHATWG parser, query strings, key names), not searched for
// patterns. A user name is not a secret and is kept, so a message can say which user failed.
import { isSecretName } from './secret-names.js';

export const MASK = '***';

export { isSecretName as isSecretKey } from './secret-names.js';

/**
 * A URL as it may be shown: its password and secret query parameters masked, the rest as
 * written. A string that cannot be parsed as a URL with a host has everything between its
 * scheme and its last `@` masked, since its user and password cannot be told apart.
 */
export function redactUrl(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const slashes = url.indexOf('//');
  if (!parsed || parsed.host === '' || slashes < 0) return redactLoose(url, true);
  // The parser found a host, so the authority runs from `//` to the first of / ? # \ after it
  // (a password with one of these would have ended it). Masking is done in the URL as written:
  // the parser's own serialisation would re-spell the rest.
  const start = slashes + 2;
  const ends = url.slice(start).search(/[/?#\\]/);
  const authorityEnd = ends < 0 ? url.length : start + ends;
  const at = url.lastIndexOf('@', authorityEnd - 1);
  let head = url.slice(0, authorityEnd);
  if (at >= start) {
    const userInfo = url.slice(start, at);
    const colon = userInfo.indexOf(':');
    // A lone user-info is a password to some clients (node-redis 3) and a token to others
    // (`https://<token>@github.com/…`): it cannot be shown.
    const shown = colon >= 0 ? `${userInfo.slice(0, colon + 1)}${colon < userInfo.length - 1 ? MASK : ''}` : MASK;
    head = url.slice(0, start) + shown + url.slice(at, authorityEnd);
  }
  let rest = url.slice(authorityEnd);
  const hash = rest.indexOf('#');
  let fragment = '';
  if (hash >= 0) {
    // OAuth's implicit flow puts tokens in the fragment.
    fragment = `#${redactQuery(rest.slice(hash + 1))}`;
    rest = rest.slice(0, hash);
  }
  const query = rest.indexOf('?');
  if (query >= 0) rest = `${rest.slice(0, query + 1)}${redactQuery(rest.slice(query + 1))}`;
  return head + rest + fragment;
}

/**
 * Text that may carry secrets somewhere (a message from a library, a shell command): each
 * whitespace-separated word is looked at on its own, as a URL, a query string or a
 * `NAME=value` assignment.
 */
export function redactText(text: string): string {
  return text.replace(/\S+/g, redactWord);
}

function redactWord(word: string): string {
  if (word.includes('@') || word.includes('=')) {
    // Quotes and brackets around a URL are not part of it.
    const lead = /^["'(<[{`]+/.exec(word)?.[0] ?? '';
    const trail = /["')>\]},;.`]+$/.exec(word.slice(lead.length))?.[0] ?? '';
    const core = word.slice(lead.length, word.length - trail.length);
    return lead + redactToken(core) + trail;
  }
  return word;
}

function redactToken(token: string): string {
  const parsed = URL.canParse(token) ? new URL(token) : undefined;
  if (parsed && parsed.host !== '' && /^[a-z][a-z0-9+.-]*:\/\//i.test(token)) return redactUrl(token);
  const assignment = /^-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(token);
  if (assignment && !token.includes('://') && isSecretName(assignment[1]!)) return token.slice(0, assignment[0].length) + (token.length > assignment[0].length ? MASK : '');
  return redactLoose(token, false);
}

/**
 * A URL-like string the URL parser does not take whole. The user-info is what lies between the
 * authority's start (after `scheme:` and slashes, or after `//`) and the last `@`. Inside free
 * text (`always` false) a word is only treated so when it looks like a URL or a `user:pw@`
 * pair, so that `deploy@host` and e-mail addresses stay readable.
 */
function redactLoose(text: string, always: boolean): string {
  let out = text;
  const at = out.lastIndexOf('@');
  if (at > 0) {
    // Where the authority starts: after a scheme that opens the word; else after the first
    // `//` (it comes before any password); else after a scheme that follows other text
    // (`url="redis:/:pw@host"`); else at the start.
    const leading = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(out);
    const slashes = out.indexOf('//');
    const inner = /[^A-Za-z0-9+.-]([A-Za-z][A-Za-z0-9+.-]*:)/.exec(out);
    let start = 0;
    let marked = true;
    if (leading) start = leading[0].length;
    else if (slashes >= 0 && slashes < at) start = slashes + 2;
    else if (inner && inner.index < at) start = inner.index + inner[0].length;
    else marked = false;
    while (start < at && (out[start] === '/' || out[start] === '\\')) start++;
    const userInfo = out.slice(start, at);
    if (userInfo !== '' && userInfo !== MASK && (always || marked || userInfo.includes(':'))) {
      out = out.slice(0, start) + MASK + out.slice(at);
    }
  }
  const query = out.indexOf('?');
  if (query >= 0) out = out.slice(0, query + 1) + redactQuery(out.slice(query + 1));
  return out;
}

/** `a=1&password=x` -> `a=1&password=***`, as written otherwise (nothing is re-encoded). */
function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      let name = pair.slice(0, equals);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judge the name as written.
      }
      return isSecretName(name) && equals < pair.length - 1 ? `${pair.slice(0, equals + 1)}${MASK}` : pair;
    })
    .join('&');
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';
}

function redactValue(value: unknown, secret: boolean): unknown {
  if (typeof value === 'string' && !secret) {
    // A value that starts like a URL is one URL, whatever it holds; anything else is text.
    return /^[a-z][a-z0-9+.-]*:/i.test(value) && value.includes('@') ? redactUrl(value) : redactText(value);
  }
  if (isScalar(value)) return secret && value !== '' ? MASK : value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secret));
  if (value !== null && typeof value === 'object') {
    // The keys of a mapping under a secret-named key are judged on their own: `auth: { user, pass }`.
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: redactValue(item, isSecretName(key)), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** A deep copy for display (`crew config`): URL passwords and values of secret-named keys become `***`. */
export function redactConfig<T>(config: T): T {
  return redactValue(config, false) as T;
}
