// The Redis connection setting, parsed once: host, port, database, user, password and TLS from
// `queue.url` / REDIS_URL. Both of crew's Redis clients — node-redis 3 under bee-queue and the
// newer node-redis of the scheduler's tick lock and `crew doctor` — are given these fields
// rather than the URL, since the two read URLs differently (only the old one takes
// `?password=`, and it takes a lone `redis://word@host` as a password). A URL either client
// would read differently is refused here, at config time, with a reason that never repeats
// the password.
//
// Accepted: redis[s]://[[user]:password@]host[:port][/db][?password=…&db=…&user=…]

export interface RedisTarget {
  /** Without the brackets of an IPv6 address. */
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** How messages name it: the URL with the password masked and query parameters folded in. */
  shown: string;
}

export type RedisUrlParse = { ok: true; target: RedisTarget } | { ok: false; problem: string };

export const REDIS_URL_FORM = 'redis://[user:password@]host[:port][/db]';
const DEFAULT_PORT = 6379;
const QUERY_KEYS = new Set(['password', 'db', 'user', 'username']);

export function parseRedisUrl(text: string): RedisUrlParse {
  const fail = (problem: string): RedisUrlParse => ({ ok: false, problem });
  const trimmed = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return fail(`it does not start with redis:// or rediss:// (write ${REDIS_URL_FORM})`);
  if (scheme !== 'redis' && scheme !== 'rediss') return fail(`the scheme is ${scheme}:, not redis: or rediss:`);
  if (!trimmed.slice(scheme.length + 1).startsWith('//')) return fail(`"${scheme}:" must be followed by "//" (write ${REDIS_URL_FORM})`);
  if (!URL.canParse(trimmed)) return fail(`it is not a valid URL (a password with @ : / ? # or % must be percent-encoded, e.g. %40 for @)`);
  const url = new URL(trimmed);
  if (url.hostname === '') return fail('the host is missing');
  if (url.hash !== '') return fail('it has a #fragment (a password with # must be written %23)');

  let username: string | undefined;
  let password: string | undefined;
  try {
    username = url.username === '' ? undefined : decodeURIComponent(url.username);
    password = url.password === '' && !hasEmptyPassword(trimmed) ? undefined : decodeURIComponent(url.password);
  } catch {
    return fail('the user or password has a malformed %-escape');
  }

  let db: number | undefined;
  const path = url.pathname;
  if (path !== '' && path !== '/') {
    if (!/^\/[0-9]+$/.test(path)) return fail('the path must be a database number such as /0');
    db = Number(path.slice(1));
  }
  const seen = new Set<string>();
  for (const [key, value] of url.searchParams) {
    if (!QUERY_KEYS.has(key)) return fail(`unknown query parameter "${key}" (crew reads password, db and user)`);
    if (seen.has(key)) return fail(`the query parameter "${key}" is given twice`);
    seen.add(key);
    if (key === 'password') {
      if (password !== undefined) return fail('it has two passwords, one before @ and one in ?password=');
      password = value;
    } else if (key === 'db') {
      if (!/^[0-9]+$/.test(value)) return fail('?db= must be a database number such as 0');
      if (db !== undefined && db !== Number(value)) return fail('it names two databases, in the path and in ?db=');
      db = Number(value);
    } else {
      if (username !== undefined || seen.has(key === 'user' ? 'username' : 'user')) return fail('it names the user twice');
      username = value;
    }
  }
  if (db !== undefined && !Number.isSafeInteger(db)) return fail('the database number is too large');
  // Read as a password by one client and as a user by the other: said which it is.
  if (username !== undefined && password === undefined) {
    return fail('it has a user but no password ("word@host"): write redis://:PASSWORD@host for a password, or redis://USER:PASSWORD@host');
  }

  const tls = scheme === 'rediss';
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const auth = username !== undefined || password !== undefined ? `${username !== undefined ? encodeURIComponent(username) : ''}${password !== undefined ? ':***' : ''}@` : '';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const target: RedisTarget = {
    host,
    port,
    db: db ?? 0,
    tls,
    shown: `${scheme}://${auth}${shownHost}:${port}${db ? `/${db}` : ''}`,
  };
  if (username !== undefined) target.username = username;
  if (password !== undefined) target.password = password;
  return { ok: true, target };
}

/** `redis://user:@host`: a password given, and empty (the WHATWG parser drops the colon). */
function hasEmptyPassword(text: string): boolean {
  const authority = text.slice(text.indexOf('//') + 2);
  const at = authority.lastIndexOf('@', authority.search(/[/?#]|$/));
  return at > 0 && authority.slice(0, at).endsWith(':');
}

/** The parsed target, or an Error whose message says what is wrong (never the password). */
export function redisTarget(text: string): RedisTarget {
  const parsed = parseRedisUrl(text);
  if (!parsed.ok) throw new Error(`the Redis URL (queue.url / REDIS_URL) is not usable: ${parsed.problem}`);
  return parsed.target;
}

/** What node-redis 3 (bee-queue's client) is given: the fields, never the URL. */
export function redis3Options(target: RedisTarget): { host: string; port: number; db?: number; user?: string; password?: string; tls?: { servername: string } } {
  return {
    host: target.host,
    port: target.port,
    // node-redis 3 sends SELECT whenever a db is given.
    ...(target.db !== 0 ? { db: target.db } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.username !== undefined ? { user: target.username } : {}),
    ...(target.tls ? { tls: { servername: target.host } } : {}),
  };
}

/** What the newer node-redis (tick lock, `crew doctor`) is given, with its socket settings. */
export function redisOptions<Socket extends object>(target: RedisTarget, socket: Socket) {
  return {
    socket: target.tls ? { ...socket, host: target.host, port: target.port, tls: true as const, servername: target.host } : { ...socket, host: target.host, port: target.port },
    ...(target.db !== 0 ? { database: target.db } : {}),
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
  };
}
