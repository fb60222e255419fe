// ctx.logger keeps a call's fields whatever its message holds: winston reads `%s`, `%d`, … in a
// message as a format string and would otherwise keep the fields only for a splat format.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createChildLogger } from '../../lib/log/child-logger.js';

function capture(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

// Text with winston's format tokens among other characters.
const text = fc
  .array(fc.oneof(fc.string(), fc.constantFrom('%s', '%d', '%c', '%j', '%o', '%O', '%i', '%f', '%%', '%')), { maxLength: 6 })
  .map((parts) => parts.join(''));

describe('ctx.logger and format tokens in a message', () => {
  it('keeps the fields of every call, its message as given', () => {
    fc.assert(
      fc.property(text, fc.string(), fc.integer(), (message, requestId, n) => {
        const { stream, lines } = capture();
        const logger = createChildLogger({ level: 'info', stream });
        logger.error(message, { requestId, n });
        assert.equal(lines.length, 1);
        assert.equal(lines[0]!.message, message);
        assert.equal(lines[0]!.requestId, requestId);
        assert.equal(lines[0]!.n, n);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps an Error's message and stack, once, token or not", () => {
    fc.assert(
      fc.property(text, text, (message, errorText) => {
        const { stream, lines } = capture();
        const logger = createChildLogger({ level: 'info', stream });
        const error = new Error(errorText);
        logger.error(message, error);
        const expected = errorText === '' ? message : `${message} ${errorText}`;
        assert.equal(lines[0]!.message, expected);
        assert.equal(lines[0]!.stack, error.stack);
      }),
      { numRuns: 300 },
    );
  });
});
