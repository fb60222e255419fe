import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolate } from '../../lib/config/interpolate.js';

describe('interpolate', () => {
  it('replaces set variables and fallbacks inside strings, in lists and nested mappings', () => {
    const tree = {
      server: { port: '${PORT}', host: '${HOST:-0.0.0.0}' },
      queue: { url: 'redis://${REDIS_HOST:-localhost}:${REDIS_PORT:-6379}/0' },
      worker: { queues: ['${Q1}', 'fixed'] },
      untouched: 42,
    };
    const result = interpolate(tree, { PORT: '8080', Q1: 'mail', REDIS_HOST: 'cache' });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.value, {
      server: { port: '8080', host: '0.0.0.0' },
      queue: { url: 'redis://cache:6379/0' },
      worker: { queues: ['mail', 'fixed'] },
      untouched: 42,
    });
    assert.deepEqual(result.refs.get('queue.url'), ['REDIS_HOST', 'REDIS_PORT']);
  });

  it('keeps a lone numeric reference a string: the schema coerces it', () => {
    assert.deepEqual(interpolate({ port: '${PORT:-3000}' }, {}).value, { port: '3000' });
  });

  it('uses the fallback when the variable is empty, as the shell does, and allows an empty fallback', () => {
    assert.deepEqual(interpolate({ a: '${X:-fb}', b: '${Y:-}', c: '${Z}' }, { X: '', Z: '' }).value, { a: 'fb', b: '', c: '' });
  });

  it('makes an unset variable without fallback an error naming the key path and the optional form', () => {
    const result = interpolate({ queue: { url: '${REDIS_URL}' }, list: ['${NOPE}'] }, {});
    assert.equal(result.issues.length, 2);
    const [first, second] = result.issues;
    assert.deepEqual(first!.path, ['queue', 'url']);
    assert.match(first!.message, /environment variable REDIS_URL is not set/);
    assert.match(first!.message, /\$\{REDIS_URL:-\}/);
    assert.deepEqual(second!.path, ['list', 0]);
  });

  it('refuses malformed references instead of passing them on', () => {
    const result = interpolate({ a: 'x ${PORT:-3000', b: '${not a name}' }, {});
    assert.equal(result.issues.length, 2);
    assert.match(result.issues[0]!.message, /no closing/);
    assert.match(result.issues[1]!.message, /not a variable reference/);
  });

  it('leaves keys and non-string values alone', () => {
    const tree = { '${KEY}': true, n: 1, z: null };
    assert.deepEqual(interpolate(tree, { KEY: 'k' }).value, tree);
  });
});
