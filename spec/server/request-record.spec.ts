// The members of a request's record, built by hand for speed: valid JSON with the request's
// values whatever they are — an app may rewrite ctx.method, ctx.path or the status to anything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { requestRecordMembers } from '../../lib/components/server/request-record.js';

const parse = (members: string) => JSON.parse(`{"level":"info"${members}}`) as Record<string, unknown>;

describe('the record of a request', () => {
  it('holds the message and fields of an ordinary request', () => {
    assert.deepEqual(parse(requestRecordMembers('GET', '/users/42', 200, 0.3, 'abc.1')), {
      level: 'info',
      message: 'GET /users/42 200 0.3ms',
      method: 'GET',
      path: '/users/42',
      status: 200,
      ms: 0.3,
      requestId: 'abc.1',
    });
  });

  it('stays valid JSON with the values as given, whatever the method, path and status hold', () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('GET', 'M-SEARCH', '"', '\\', '\u2028', '\ud800', '\u001e', '}\n{'));
    fc.assert(
      fc.property(
        fc.oneof(anyText, fc.constant(undefined), fc.integer()),
        fc.oneof(anyText, fc.constant(null)),
        fc.oneof(fc.integer({ min: 100, max: 999 }), fc.double(), anyText),
        fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(Number.NaN)),
        (method, path, status, ms) => {
          const record = parse(requestRecordMembers(method, path, status, ms, 'id.1'));
          const statusOut = typeof status === 'number' && Number.isFinite(status) ? status : String(status);
          const msOut = Number.isFinite(ms) ? ms : null;
          assert.equal(record.method, String(method));
          assert.equal(record.path, String(path));
          assert.equal(record.status, Object.is(statusOut, -0) ? 0 : statusOut);
          assert.equal(record.ms, msOut);
          assert.equal(record.message, `${String(method)} ${String(path)} ${String(statusOut)} ${String(msOut)}ms`);
          assert.equal(record.requestId, 'id.1');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
