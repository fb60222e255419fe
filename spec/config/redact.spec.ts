import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactConfig, redactText, redactUrl } from '../../lib/config/redact.js';
import { crewConfigSchema } from '../../lib/config/schema.js';

describe('redactUrl / redactText', () => {
  it('replaces the password and keeps the rest', () => {
    assert.equal(redactUrl('redis://:secret@h:6379/0'), 'redis://:***@h:6379/0');
    assert.equal(redactUrl('rediss://default:s3cr%40t@cache.example.com:6380'), 'rediss://default:***@cache.example.com:6380');
    assert.equal(redactUrl('redis://user:pa@ss@h:1/0'), 'redis://user:***@h:1/0');
    assert.equal(redactUrl('redis://h:6379/0'), 'redis://h:6379/0');
    assert.equal(redactUrl('redis://user@h:6379'), 'redis://user@h:6379');
    assert.equal(redactUrl('not a url'), 'not a url');
  });

  it('finds URLs inside longer text', () => {
    assert.equal(redactText('connect redis://:pw1@a:1 then https://u:pw2@b/x'), 'connect redis://:***@a:1 then https://u:***@b/x');
  });
});

describe('redactConfig', () => {
  it('returns a redacted deep copy: URL passwords and secret-named keys', () => {
    const config = crewConfigSchema.parse({
      queue: { url: 'redis://:hunter2@cache:6379/0' },
      components: { mailer: { smtpPassword: 'pw', apiToken: 'tok', nested: { secret: 'x', link: 'https://u:p4ss@example.com' }, note: 'hello', empty: '' } },
    });
    const shown = redactConfig(config);
    const text = JSON.stringify(shown);
    for (const secret of ['hunter2', '"pw"', 'tok', 'p4ss', '"x"']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    assert.equal(shown.queue.url, 'redis://:***@cache:6379/0');
    assert.deepEqual(shown.components.mailer, {
      instances: 1,
      smtpPassword: '***',
      apiToken: '***',
      nested: { secret: '***', link: 'https://u:***@example.com' },
      note: 'hello',
      empty: '',
    });
    assert.equal(config.queue.url, 'redis://:hunter2@cache:6379/0', 'the original is untouched');
  });
});
