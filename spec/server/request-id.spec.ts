// Request ids: a fresh one is unique — within a process over a million requests, and between
// processes — and a caller's sane `X-Request-Id` is kept as it is, anything else replaced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { newRequestId, requestIdFrom } from '../../lib/components/server/request-id.js';

const FRESH = /^[\w-]{12}\.[0-9a-z]+$/;
const SANE = /^[\w.:-]{1,128}$/;

describe('request ids', () => {
  it('are unique over 1,000,000 fresh ones, each of the fresh shape', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) {
      const id = requestIdFrom(undefined);
      assert.ok(!seen.has(id), `${id} made twice, after ${i} ids`);
      seen.add(id);
    }
    for (const id of [...seen].slice(-3)) assert.match(id, FRESH);
  });

  it('differ between processes: each module instance draws its own prefix', async () => {
    // A module loaded again under another URL is a new instance, as in another process.
    const url = new URL('../../lib/components/server/request-id.js', import.meta.url);
    const prefixes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const other = (await import(`${url.href}?instance=${i}`)) as { newRequestId: () => string };
      prefixes.add(other.newRequestId().split('.')[0]!);
    }
    prefixes.add(newRequestId().split('.')[0]!);
    assert.equal(prefixes.size, 21);
  });

  it("keep a caller's sane id as it is", () => {
    for (const given of ['spec-123', 'a', 'x'.repeat(128), 'req:42.7_b-c', '0']) assert.equal(requestIdFrom(given), given);
    assert.equal(requestIdFrom(['first-id', 'second-id']), 'first-id');
  });

  it('replace anything else with a fresh id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', ' ', 'a b', 'x'.repeat(129), 'id\n', 'id\r\nx-evil: 1', '"><script>', 'ü')), (given) => {
        const id = requestIdFrom(given);
        if (SANE.test(given)) assert.equal(id, given);
        else assert.match(id, FRESH, JSON.stringify(given));
      }),
      { numRuns: 2000 },
    );
  });
});
