// The IPC protocol's parsers take anything a child (or a primary) can send: what is not ours is
// ignored, what is ours is accepted only when every field of its verb passes its check, and
// nothing — any shape, any depth, hostile keys — makes a parser throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { message, parseChildMessage, parsePrimaryMessage } from '../../lib/protocol/messages.js';

const activity = { requests: 3, jobs: 0, active: 0, next: ['nightly', 1_700_000_000_000] as [string, number] };
const stats = { cpuUser: 1, cpuSystem: 0.5, rss: 1e8, heapUsed: 1e7, heapTotal: 2e7, external: 1e6, loopLagP50: 0.01, loopLagP99: 0.02, loopLagMax: 0.05, loopUtilization: 0.3, resources: 4, startTime: 1_700_000_000 };
const report = { http: [['GET', '2xx', '/users/:id', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.001]], jobs: [], active: [], ticks: [['nightly', 'fired', 2]], runs: [], lateness: [], nextTicks: [], process: stats } as never;
const spec = { component: 'server', instance: 1, env: 'test', appPath: '/app.js', config: {}, heartbeatInterval: 0, grace: 8000, recordMark: 'm' };

test('well-formed messages of each side are accepted as they are', () => {
  for (const msg of [message('waiting', {}), message('ready', {}), message('heartbeat', { activity }), message('metrics', { seq: 1, report }), message('quiet', {}), message('fatal', { message: 'port in use' }), message('loadFailed', { message: 'app module app.js failed to load: SyntaxError' }), message('queue', { body: { op: 'done', results: [] } })]) {
    assert.deepEqual(parseChildMessage(msg), { ok: true, message: msg });
  }
  for (const msg of [message('spec', { spec: spec as never }), message('prepare', { component: 'server' }), message('stop', { deadline: 1, quietAt: 0 }), message('queue', { body: { op: 'run', jobs: [] } }), message('collect', { seq: 7 })]) {
    assert.deepEqual(parsePrimaryMessage(msg), { ok: true, message: msg });
  }
});

test('what is not ours is ignored; ours with an unknown verb or a bad field is refused, saying why', () => {
  for (const value of [undefined, null, 42, 'crew', [], { act: 'ready' }, { ns: 'other', act: 'ready' }, { cmd: 'NODE_CLUSTER' }]) assert.equal(parseChildMessage(value), undefined);
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'spec' }), { ok: false, why: 'unknown verb "spec"' }, 'a primary verb from a child');
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'toString' }), { ok: false, why: 'unknown verb "toString"' }, 'an inherited name is no verb');
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'fatal', message: 3 }), { ok: false, why: 'fatal: message is missing or malformed' });
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'loadFailed' }), { ok: false, why: 'loadFailed: message is missing or malformed' });
  assert.deepEqual(parseChildMessage({ ns: 'crew' }), { ok: false, why: 'the message has no verb' });
  assert.deepEqual(parsePrimaryMessage({ ns: 'crew', act: 'stop', deadline: Infinity, quietAt: 0 }), { ok: false, why: 'stop: deadline is missing or malformed' });
  assert.deepEqual(parsePrimaryMessage({ ns: 'crew', act: 'spec', spec: { ...spec, instance: 'one' } }), { ok: false, why: 'spec: spec is missing or malformed' });
  assert.deepEqual(parsePrimaryMessage({ ns: 'crew', act: 'queue', body: ['op'] }), { ok: false, why: 'queue: body is missing or malformed' });
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'heartbeat' }), { ok: false, why: 'heartbeat: activity is missing or malformed' });
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'metrics', seq: -1, report }), { ok: false, why: 'metrics: seq is missing or malformed' });
  assert.deepEqual(parseChildMessage({ ns: 'crew', act: 'metrics', seq: 1, report: { ...(report as object), http: [['GET', '2xx', '/', [1], 0]] } }), { ok: false, why: 'metrics: report is missing or malformed' }, 'counts that do not match the bounds');
});

test('no value, however shaped, makes either parser throw, and an accepted message always has a known verb', () => {
  const anything = fc.oneof(
    fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 6 }),
    fc.record({ ns: fc.constant('crew'), act: fc.oneof(fc.string(), fc.constantFrom('waiting', 'ready', 'fatal', 'loadFailed', 'queue', 'spec', 'stop', '__proto__', 'constructor')) }, { requiredKeys: ['ns'] }).chain((base) =>
      fc.dictionary(fc.string(), fc.anything({ maxDepth: 3 })).map((extra) => ({ ...extra, ...base })),
    ),
  );
  const childVerbs = new Set(['waiting', 'ready', 'heartbeat', 'quiet', 'fatal', 'loadFailed', 'queue', 'metrics']);
  const primaryVerbs = new Set(['spec', 'prepare', 'stop', 'queue', 'collect']);
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
