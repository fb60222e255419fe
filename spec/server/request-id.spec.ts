// Request ids: a fresh one is unique — within a process over a million requests, and between
// processes — and a caller's sane `X-Request-Id` is kept as it is, anything else replaced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import http from 'node:http';
import { newRequestId, requestIdFrom, requestIdHeader } from '../../lib/components/server/request-id.js';

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

  it("reads the caller's id from the raw header list as Node's req.headers would: any case, and no id when sent twice", () => {
    // The oracle is Node's own: IncomingMessage#_addHeaderLine builds req.headers, joining a
    // repeated header's values with ", ".
    const viaNode = (raw: string[]): string | undefined => {
      const headers: Record<string, string> = {};
      const message = new http.IncomingMessage(null as never) as unknown as { _addHeaderLine(name: string, value: string, into: object): void };
      for (let i = 0; i + 1 < raw.length; i += 2) message._addHeaderLine(raw[i]!, raw[i + 1]!, headers);
      return headers['x-request-id'];
    };
    const kept = (id: string | undefined) => (id !== undefined && SANE.test(id) ? id : undefined);
    const name = fc.oneof(fc.constantFrom('x-request-id', 'X-Request-Id', 'X-REQUEST-ID', 'x-request-idx', 'x-request', 'host', 'Content-Type'), fc.string({ maxLength: 14 }));
    const value = fc.oneof(fc.stringMatching(/^[\w.:-]{1,20}$/), fc.string({ maxLength: 40 }), fc.constant(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 12 }), (pairs) => {
        const raw = pairs.flat();
        assert.equal(kept(requestIdHeader(raw)), kept(viaNode(raw)));
      }),
      { numRuns: 2000 },
    );
  });
});
