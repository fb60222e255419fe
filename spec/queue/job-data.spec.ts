// Job data arrives as it was sent, or the enqueue is refused at the call: random payloads that
// JSON carries faithfully are taken and round-trip; the same payloads with something JSON would
// drop or change put anywhere inside are refused, naming where; larger than queue.maxPayload
// is refused. Then the same through real crews: `ctx.enqueue` in a child and `crew jobs
// enqueue`.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkEnqueue, EnqueueError } from '../../lib/queue/enqueue-request.js';
import { findUnsendable } from '../../lib/queue/job-data.js';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig } from '../helpers/temp-dir.js';

const jobs = new Set(['echo']);

/** JSON values, as JSON reads them back (-0 is 0), other than the falsy ones refused on their own. */
const faithful = fc
  .jsonValue({ maxDepth: 5 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .filter((value) => value !== 0 && value !== false && value !== '' && value !== null);

/** Values JSON would drop or change, each with the words the refusal should say. */
const unfaithful: fc.Arbitrary<{ value: unknown; says: RegExp }> = fc.constantFrom(
  { value: () => 1, says: /a function/ },
  { value: Symbol('s'), says: /a symbol/ },
  { value: new Map([['a', 1]]), says: /a Map would arrive as \{\}/ },
  { value: new Set([1]), says: /a Set would arrive as \{\}/ },
  { value: Number.NaN, says: /NaN would arrive as null/ },
  { value: Number.POSITIVE_INFINITY, says: /Infinity would arrive as null/ },
  { value: 10n, says: /a BigInt/ },
  { value: new (class Point { x = 1 })(), says: /a Point would arrive as a plain object/ },
  { value: new Uint8Array([1, 2]), says: /a Uint8Array/ },
  { value: new Error('x'), says: /an Error/ },
  { value: /re/, says: /a RegExp/ },
);

/** Puts `inner` somewhere inside `outer` (an object or array, made one if need be); returns the path. */
function plant(outer: unknown, inner: unknown, where: number): { data: unknown; path: string } {
  if (Array.isArray(outer) && outer.length > 0) {
    const i = where % outer.length;
    const nested = plant(outer[i], inner, Math.floor(where / 2));
    const copy = [...(outer as unknown[])];
    copy[i] = nested.data;
    return { data: copy, path: `[${i}]${nested.path}` };
  }
  if (outer !== null && typeof outer === 'object' && !Array.isArray(outer) && Object.keys(outer).length > 0 && where % 3 !== 0) {
    const keys = Object.keys(outer);
    const key = keys[where % keys.length]!;
    const nested = plant((outer as Record<string, unknown>)[key], inner, Math.floor(where / 2));
    const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    return { data: { ...(outer as object), [key]: nested.data }, path: `${step}${nested.path}` };
  }
  return { data: { planted: inner }, path: '.planted' };
}

describe('job data', () => {
  it('takes whatever JSON carries faithfully, and it round-trips', () => {
    fc.assert(
      fc.property(faithful, (value) => {
        const request = checkEnqueue(jobs, 'echo', value, undefined);
        assert.deepEqual(JSON.parse(JSON.stringify(request.data)), value);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses, naming the place, anything JSON would drop or change, wherever it is', () => {
    fc.assert(
      fc.property(faithful, unfaithful, fc.nat(), (outer, { value, says }, where) => {
        const { data, path: at } = plant(outer, value, where);
        assert.throws(
          () => checkEnqueue(jobs, 'echo', data, undefined),
          (error: Error) => error instanceof EnqueueError && error.message.startsWith(`cannot enqueue "echo": data${at} would not arrive as sent: `) && says.test(error.message),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('refuses holes and undefined in arrays, and keeps undefined properties (they read the same)', () => {
    assert.throws(() => checkEnqueue(jobs, 'echo', { list: [1, , 3] }, undefined), /data\.list\[1\] would not arrive as sent: an empty slot/); // eslint-disable-line no-sparse-arrays
    assert.throws(() => checkEnqueue(jobs, 'echo', { list: [undefined] }, undefined), /data\.list\[0\] would not arrive as sent: undefined in an array/);
    assert.deepEqual(checkEnqueue(jobs, 'echo', { a: 1, b: undefined }, undefined).data, { a: 1, b: undefined });
    // A Date says how it is written (toJSON): it is taken, and arrives as its ISO string.
    assert.doesNotThrow(() => checkEnqueue(jobs, 'echo', { at: new Date(0) }, undefined));
  });

  it('walks data nested deeper than the stack allows without overflowing', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    assert.equal(findUnsendable(deep), undefined);
    assert.throws(() => checkEnqueue(jobs, 'echo', deep, undefined), /cannot enqueue "echo": its data must be JSON \(Maximum call stack size exceeded\)/);
  });

  it('refuses data larger than queue.maxPayload, however it is large', () => {
    const max = 4096;
    assert.throws(() => checkEnqueue(jobs, 'echo', { text: 'x'.repeat(5000) }, undefined, max), /its data takes 50\d\d bytes as JSON, more than queue\.maxPayload \(4KB\)/);
    assert.throws(() => checkEnqueue(jobs, 'echo', { text: 'é'.repeat(2100) }, undefined, max), /its data takes 42\d\d bytes/, 'bytes, not characters');
    assert.throws(() => checkEnqueue(jobs, 'echo', new Array(10_000).fill(0), undefined, max), /more than queue\.maxPayload/);
    assert.throws(() => checkEnqueue(jobs, 'echo', { holes: new Array(2 ** 31) }, undefined, max), /more than queue\.maxPayload/, 'a huge sparse array is not walked');
    assert.equal(checkEnqueue(jobs, 'echo', { text: 'x'.repeat(4000) }, undefined, max).job, 'echo');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const bytes = Buffer.byteLength(JSON.stringify({ value }));
        const taken = (() => {
          try {
            checkEnqueue(jobs, 'echo', { value }, undefined, 1024);
            return true;
          } catch (error) {
            assert.match((error as Error).message, /queue\.maxPayload/);
            return false;
          }
        })();
        assert.equal(taken, bytes <= 1024, `${bytes} bytes ${taken ? 'taken' : 'refused'}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('job data through a real crew', () => {
  it('is refused at the call: ctx.enqueue in a child, and crew jobs enqueue', async (t) => {
    const port = await freePort();
    const config = tempConfig(t, [`app: ${fixtureApp('jobs')}`, `server: { port: ${port} }`, 'queue: { driver: embedded, maxPayload: 2KB }'].join('\n'));
    const env = { CREW_CONTROL: path.join(config, 'control.sock'), REDIS_URL: '' };
    const crew = runCrew(t, ['start', '--server', '--worker', '--config', config], { env });
    await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), 2, 'server and worker ready');
    const big = encodeURIComponent(JSON.stringify({ text: 'x'.repeat(3000) }));
    const refused = await get(`http://127.0.0.1:${port}/enqueue?job=echo&data=${big}`);
    assert.equal(refused.status, 503);
    assert.match((refused.json() as { error: string }).error, /^cannot enqueue "echo": its data takes 30\d\d bytes as JSON, more than queue\.maxPayload \(2KB\)/);
    const command = await runCrewToEnd(['jobs', 'enqueue', 'echo', JSON.stringify({ text: 'y'.repeat(3000) }), '--config', config], { env });
    assert.equal(command.code, 1);
    assert.match(command.stderr, /cannot enqueue "echo": its data takes 30\d\d bytes as JSON, more than queue\.maxPayload \(2KB\)/);
    const small = await runCrewToEnd(['jobs', 'enqueue', 'echo', '{"fine":true}', '--config', config], { env });
    assert.equal(small.code, 0, small.stderr);
    crew.signal('SIGTERM');
    await crew.exited;
  });
});
