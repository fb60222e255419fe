import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
