import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSecretKey, redactConfig, redactText, redactUrl } from '../../lib/config/redact.js';
import { parseRedisUrl } from '../../lib/config/redis-url.js';
import { crewConfigSchema } from '../../lib/config/schema.js';

/** Passwords with a recognisable core, and the characters that break naive parsing around it. */
const password = fc
  .tuple(fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~!$&\'()*+,;=:@/?#[]% '.split('')), maxLength: 8 }), fc.string({ unit: fc.constantFrom(...'abcXYZ019@:/'.split('')), maxLength: 6 }))
  .map(([a, b]) => `Pw9${a}S3cr${b}`);

describe('secret names', () => {
  it('are judged by their words', () => {
    for (const name of ['password', 'auth', 'Authorization', 'smtp_pass', 'passphrase', 'passPhrase', 'pwd', 'accessKey', 'sessionKey', 'apiKey', 'x-api-key', 'PGPASSWORD', 'password2', 'db_password_old', 'secretAccessKey', 'clientSecret', 'authToken', 'credentials', 'Cookie']) {
      assert.equal(isSecretKey(name), true, name);
    }
    for (const name of ['keepAlive', 'passthrough', 'pass_through', 'monkey', 'keyPrefix', 'keyboard', 'tokenizer', 'secretary', 'OLDPWD', 'authMode', 'user', 'host', 'url', 'compass']) {
      assert.equal(isSecretKey(name), false, name);
    }
  });
});

describe('redactUrl / redactText', () => {
  it('masks the password and keeps the rest as written', () => {
    assert.equal(redactUrl('redis://:secret@h:6379/0'), 'redis://:***@h:6379/0');
    assert.equal(redactUrl('rediss://default:s3cr%40t@cache.example.com:6380'), 'rediss://default:***@cache.example.com:6380');
    assert.equal(redactUrl('redis://user:pa@ss@h:1/0'), 'redis://user:***@h:1/0');
    assert.equal(redactUrl('redis://h:6379/0'), 'redis://h:6379/0');
    assert.equal(redactUrl('http://:pw@cache:6379'), 'http://:***@cache:6379');
    assert.equal(redactUrl('not a url'), 'not a url');
  });

  it('masks a lone user-info (a password to node-redis 3, a token to GitHub) and secret query parameters', () => {
    assert.equal(redactUrl('redis://word@h:6379'), 'redis://***@h:6379');
    assert.equal(redactUrl('https://ghp_abc@github.com/o/r.git'), 'https://***@github.com/o/r.git');
    assert.equal(redactUrl('redis://h:6379/0?password=S3cret&db=0'), 'redis://h:6379/0?password=***&db=0');
    assert.equal(redactUrl('https://api.example.com/x?access_token=abc&page=2#id_token=def'), 'https://api.example.com/x?access_token=***&page=2#id_token=***');
  });

  it('masks the whole user-info of a URL too malformed to tell user from password', () => {
    assert.equal(redactUrl('redis:/:pw@host'), 'redis:/***@host');
    assert.equal(redactUrl('redis//:pw@host'), 'redis//***@host');
    assert.equal(redactUrl('redis:pw@host:6379'), 'redis:***@host:6379');
  });

  it('finds URLs, query strings and secret assignments inside longer text', () => {
    assert.equal(redactText('connect redis://:pw1@a:1 then https://u:pw2@b/x'), 'connect redis://:***@a:1 then https://u:***@b/x');
    assert.equal(redactText('PGPASSWORD=abc psql --password=xyz -h db'), 'PGPASSWORD=*** psql --password=*** -h db');
    assert.equal(redactText('failed (url="redis:/:pw@host")'), 'failed (url="redis:/***@host")');
    assert.equal(redactText('ssh deploy@host; mail bob@example.com'), 'ssh deploy@host; mail bob@example.com');
  });

  it('never shows a password given in any form', () => {
    fc.assert(
      fc.property(password, fc.constantFrom('user', ''), fc.nat(3), (pw, user, form) => {
        const encoded = encodeURIComponent(pw);
        const url = [`redis://${user}:${encoded}@h:6379/0`, `redis://h:6379/0?password=${encoded}`, `redis:/${user}:${pw}@h`, `redis//${user}:${pw}@h`][form]!;
        const shownForms = [redactUrl(url)];
        // Inside text (and config values, which may be text), a word ends at a space: a URL with
        // a raw space in it is not one word there. URL parsing refuses such URLs anyway.
        if (form < 2 || !/\s/.test(pw)) shownForms.push(redactText(`Redis at ${url} failed`), JSON.stringify(redactConfig({ url, password: pw, nested: { smtp_pass: pw, list: [url] } })));
        for (const shown of shownForms) {
          assert.ok(!shown.includes(pw) && !shown.includes(encoded), `${pw} in ${shown}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the Redis URL, parsed', () => {
  it('gives both clients the same fields, in every form', () => {
    const cases: Array<[string, object]> = [
      ['redis://:pw@h:7000/2', { host: 'h', port: 7000, db: 2, password: 'pw' }],
      ['redis://u:p%40ss@h', { host: 'h', port: 6379, db: 0, username: 'u', password: 'p@ss' }],
      ['redis://h/0?password=pw', { host: 'h', port: 6379, db: 0, password: 'pw' }],
      ['redis://h?db=3&user=u&password=pw', { host: 'h', port: 6379, db: 3, username: 'u', password: 'pw' }],
      ['rediss://[::1]:6380', { host: '::1', port: 6380, db: 0, tls: true }],
    ];
    for (const [url, expected] of cases) {
      const parsed = parseRedisUrl(url);
      assert.ok(parsed.ok, url);
      assert.deepEqual({ ...parsed.target, shown: undefined }, { tls: false, ...expected, shown: undefined }, url);
    }
  });

  it('refuses what either client would read differently, and never repeats the password', () => {
    for (const [url, problem] of [
      ['redis:/:Pw9S3cr@host', /must be followed by "\/\/"/],
      ['redis//:Pw9S3cr@host', /does not start with redis:\/\//],
      ['redis://Pw9S3cr@host', /a user but no password/],
      ['redis://:Pw9S3cr@host?password=other', /two passwords/],
      ['redis://:Pw9S3cr@host?family=6', /unknown query parameter "family"/],
      ['redis://:Pw9S3cr@host/x', /database number/],
      ['http://:Pw9S3cr@host', /scheme is http:/],
      ['redis://:Pw9S3cr@', /not a valid URL|host is missing/],
    ] as const) {
      const parsed = parseRedisUrl(url);
      assert.equal(parsed.ok, false, url);
      if (!parsed.ok) {
        assert.match(parsed.problem, problem, url);
        assert.ok(!parsed.problem.includes('Pw9S3cr'), parsed.problem);
      }
    }
  });

  it('round-trips any password and never shows it', () => {
    fc.assert(
      fc.property(password, fc.boolean(), (pw, inQuery) => {
        const url = inQuery ? `redis://h:1/0?password=${encodeURIComponent(pw)}` : `redis://u:${encodeURIComponent(pw)}@h:1/0`;
        const parsed = parseRedisUrl(url);
        assert.ok(parsed.ok, url);
        if (parsed.ok) {
          assert.equal(parsed.target.password, pw);
          assert.ok(!parsed.target.shown.includes(pw) && !parsed.target.shown.includes(encodeURIComponent(pw)));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('redactConfig', () => {
  it('returns a redacted deep copy: URL passwords and secret-named keys', () => {
    const config = crewConfigSchema.parse({
      queue: { url: 'redis://:hunter2@cache:6379/0' },
      components: { mailer: { smtpPassword: 'pw', apiToken: 'tok', nested: { secret: 'x', link: 'https://u:p4ss@example.com' }, note: 'hello', empty: '', keepAlive: true, auth: { user: 'me', pass: 'p' } } },
    });
    const shown = redactConfig(config);
    const text = JSON.stringify(shown);
    for (const secret of ['hunter2', '"pw"', 'tok', 'p4ss', '"x"', '"p"']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    assert.equal(shown.queue.url, 'redis://:***@cache:6379/0');
    assert.deepEqual(shown.components.mailer, {
      instances: 1,
      smtpPassword: '***',
      apiToken: '***',
      nested: { secret: '***', link: 'https://u:***@example.com' },
      note: 'hello',
      empty: '',
      keepAlive: true,
      auth: { user: 'me', pass: '***' },
    });
    assert.equal(config.queue.url, 'redis://:hunter2@cache:6379/0', 'the original is untouched');
  });
});
