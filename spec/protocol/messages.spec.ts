// The IPC protocol's parsers take anything a child (or a primary) can send: what is not ours is
// ignored, what is ours is accepted only when every field of its verb passes its check, and
// nothing — any shape, any depth, hostile keys — makes a parser throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { message, parseChildMessage, parsePrimaryMessage } from '../../lib/protocol/messages.js';

const spec = { component: 'server', instance: 1, env: 'test', appPath: '/app.js', config: {}, heartbeatInterval: 0, grace: 8000, recordMark: 'm' };

test('well-formed messages of each side are accepted as they are', () => {
  for (const msg of [message('waiting', {}), message('ready', {}), message('heartbeat', {}), message('quiet', {}), message('fatal', { message: 'port in use' }), message('queue', { body: { op: 'done', results: [] } })]) {
    assert.deepEqual(parseChildMessage(msg), { ok: true, message: msg });
  }
  for (const msg of [message('spec', { spec: spec as never }), message('prepare', { component: 'server' }), message('stop', { deadline: 1, quietAt: 0 }), message('queue', { body: { op: 'run', jobs: [] } })]) {
    assert.deepEqual(parsePrimaryMessage(msg), { ok: true, message: msg });
  }
});

test('what is not ours is ignored; ours with an unknown verb or a bad field is refused, saying why', () => {
  for (const value of [undefined, null, 42, 'crew', [], { act: 'ready' }, { ns: 'other', act: 'ready' }, { cmd: 'NODE_CLUSTER' }]) assert.equal(parseChildMessage(value), undefined);
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'spec' }), { ok: false, why: 'unknown verb "spec"' }, 'a primary verb from a child');
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'toString' }), { ok: false, why: 'unknown verb "toString"' }, 'an inherited name is no verb');
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'fatal', message: 3 }), { ok: false, why: 'fatal: message is missing or malformed' });
  assert.deepEqual(parseChildMessage({ ns: 'crew' }), { ok: false, why: 'the message has no verb' });
  assert.deepEqual(parsePrimaryMessage({ ns: 'crew', act: 'stop', deadline: Infinity, quietAt: 0 }), { ok: false, why: 'stop: deadline is missing or malformed' });
  assert.deepEqual(parsePrimaryMessage({ ns: 'crew', act: 'spec', spec: { ...spec, instance: 'one' } }), { ok: false, why: 'spec: spec is missing or malformed' });
  assert.deepEqual(parsePrimaryMessage({ ns: 'crew', act: 'queue', body: ['op'] }), { ok: false, why: 'queue: body is missing or malformed' });
});

test('no value, however shaped, makes either parser throw, and an accepted message always has a known verb', () => {
  const anything = fc.oneof(
    fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 6 }),
    fc.record({ ns: fc.constant('crew'), act: fc.oneof(fc.string(), fc.constantFrom('waiting', 'ready', 'fatal', 'queue', 'spec', 'stop', '__proto__', 'constructor')) }, { requiredKeys: ['ns'] }).chain((base) =>
      fc.dictionary(fc.string(), fc.anything({ maxDepth: 3 })).map((extra) => ({ ...extra, ...base })),
    ),
  );
  const childVerbs = new Set(['waiting', 'ready', 'heartbeat', 'quiet', 'fatal', 'queue']);
  const primaryVerbs = new Set(['spec', 'prepare', 'stop', 'queue']);
  fc.assert(
    fc.property(anything, (value) => {
      const child = parseChildMessage(value);
      const primary = parsePrimaryMessage(value);
      if (child?.ok) assert.ok(childVerbs.has(child.message.act));
      if (primary?.ok) assert.ok(primaryVerbs.has(primary.message.act));
    }),
    { numRuns: 2000 },
  );
});
