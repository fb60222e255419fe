import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteBuilder } from '../../lib/log/byte-builder.js';

describe('ByteBuilder', () => {
  it('appends bytes, single bytes and UTF-8 text', () => {
    const out = new ByteBuilder(8);
    out.bytes(Buffer.from('[abc]'), 1, 4);
    out.byte(0x20);
    out.string('ünï 😀');
    out.bytes(Buffer.from('!'));
    assert.equal(out.length, Buffer.byteLength('abc ünï 😀!'));
    assert.equal(out.take().toString(), 'abc ünï 😀!');
    assert.equal(out.length, 0);
  });

  it('never overwrites a view that was taken and not released', () => {
    const out = new ByteBuilder(16);
    out.string('first');
    const first = out.take();
    for (let i = 0; i < 20; i++) out.string('more text ');
    const second = out.take();
    assert.equal(first.toString(), 'first');
    assert.equal(second.toString(), 'more text '.repeat(20));
  });

  it('reuses its slab once every view was released', () => {
    const out = new ByteBuilder(64);
    out.string('one');
    const one = out.take();
    out.string('two');
    const two = out.take();
    out.release(one);
    out.string('three');
    const three = out.take();
    assert.notEqual(three.byteOffset, one.byteOffset, 'a view still out: no reuse yet');
    out.release(two);
    out.release(three);
    out.string('four');
    const four = out.take();
    assert.equal(four.byteOffset, one.byteOffset, 'all released: building starts over');
    assert.equal(four.buffer, one.buffer);
    assert.equal(four.toString(), 'four');
  });

  it('copies lines of large chunks right, and never over a view still out (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('line' as const), source: fc.nat(2), from: fc.nat(20_000), length: fc.nat(300) }),
      fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 40 }) }),
      fc.record({ kind: fc.constant('take' as const), release: fc.boolean() }),
      fc.record({ kind: fc.constant('change' as const), source: fc.nat(2) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.constantFrom(4096, 64 * 1024, 1024 * 1024), (ops, slab) => {
        const out = new ByteBuilder(slab);
        const sources = [0, 1, 2].map((i) => Buffer.from(Array.from({ length: 20_000 }, (_, j) => (i * 7 + j) % 251)));
        let expected: number[] = [];
        const held: Array<{ view: Buffer; bytes: number[] }> = [];
        for (const o of ops) {
          if (o.kind === 'line') {
            const src = sources[o.source]!;
            const from = Math.min(o.from, src.length);
            const to = Math.min(src.length, from + o.length);
            out.bytes(src, from, to);
            expected.push(...src.subarray(from, to));
          } else if (o.kind === 'text') {
            out.string(o.text);
            expected.push(...Buffer.from(o.text));
          } else if (o.kind === 'change') {
            // A chunk is never changed once handed over, but a copy must not depend on it.
            sources[o.source] = Buffer.from(sources[o.source]!.map((b) => (b + 1) % 256));
          } else {
            const view = out.take();
            assert.deepEqual([...view], expected);
            if (o.release) out.release(view);
            else held.push({ view, bytes: expected });
            expected = [];
          }
          for (const { view, bytes } of held) assert.deepEqual([...view], bytes, 'a view still out is untouched');
        }
        assert.deepEqual([...out.take()], expected);
      }),
      { numRuns: 300 },
    );
  });
});
