// The scan that tells a plain line from one a format must rewrite: its SIMD kernel and the
// plain loop used without WebAssembly give the answers of the byte-by-byte reference, for every
// byte, every multi-byte sequence that matters, and random lines cut anywhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteScan, flagged, KERNEL_BASE64, kernelReady, usesWasm, type ScanKind } from '../../lib/log/byte-scan.js';
import { assembleKernel } from './byte-scan-kernel.js';

const KINDS: ScanKind[] = ['json', 'pretty'];

// Lines of `buf` between the given cuts, each asked in order, against the reference.
function check(kind: ScanKind, useLoop: boolean, buf: Buffer, cuts: number[]): void {
  const scan = new ByteScan(kind, useLoop);
  let at = 0;
  for (const cut of [...cuts.filter((c) => c < buf.length).sort((a, b) => a - b), buf.length]) {
    if (cut < at) continue;
    let expected = true;
    for (let i = at; i < cut; i++) if (flagged(kind, buf, i)) expected = false;
    assert.equal(scan.clean(buf, at, cut), expected, `${kind} ${useLoop ? 'loop' : 'kernel'}: [${at}, ${cut}) of ${buf.toString('hex')}`);
    at = cut + 1;
  }
}

describe('ByteScan', () => {
  it('runs the SIMD kernel here once compiled, the module its assembler makes', async () => {
    const early = new ByteScan('json');
    assert.equal(early.clean(Buffer.from('a"b'), 0, 3), false, 'the loop answers until the kernel is there');
    assert.equal(await kernelReady, true);
    assert.equal(usesWasm(), true);
    assert.equal(early.clean(Buffer.from('abc'), 0, 3), true, 'a scanner made before takes up the kernel');
    assert.equal(Buffer.from(assembleKernel()).toString('base64'), KERNEL_BASE64);
  });

  it('flags what each format must rewrite, and nothing else', () => {
    const json = [...Array(256).keys()].filter((b) => flagged('json', Buffer.from([b]), 0));
    assert.deepEqual(json, [...[...Array(32).keys()].filter((b) => b !== 10), 0x22, 0x5c]);
    const pretty = [...Array(256).keys()].filter((b) => flagged('pretty', Buffer.from([b]), 0));
    assert.deepEqual(pretty, [...[...Array(32).keys()].filter((b) => b !== 9 && b !== 10), 0x7f]);
    const c1 = [...Array(256).keys()].filter((b) => flagged('pretty', Buffer.from([0xc2, b]), 0));
    assert.deepEqual(c1, [...Array(32).keys()].map((b) => 0x80 + b), 'U+0080–U+009F');
    const bidi: string[] = [];
    for (let b1 = 0; b1 < 256; b1++) for (let b2 = 0; b2 < 256; b2++) if (flagged('pretty', Buffer.from([0xe2, b1, b2]), 0)) bidi.push(Buffer.from([0xe2, b1, b2]).toString('utf8'));
    assert.deepEqual(bidi, ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']);
  });

  it('agrees with the reference for every byte at every position of a 16-byte step', () => {
    for (const kind of KINDS) {
      for (let b = 0; b < 256; b++) {
        for (let pos = 0; pos < 40; pos++) {
          const buf = Buffer.alloc(48, 0x61);
          buf[pos] = b;
          for (const useLoop of [false, true]) check(kind, useLoop, buf, [pos - 3, pos + 5, 47]);
        }
      }
    }
  });

  it('agrees with the reference on random lines cut anywhere (property)', () => {
    const bytes = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(0x61, 0x20, 0x7a) },
      { weight: 2, arbitrary: fc.constantFrom(0x0a, 0x09, 0x0d, 0x1b, 0x22, 0x5c, 0x7f, 0x00, 0xc2, 0xe2, 0x80, 0x81, 0x9f, 0xa0, 0xa6, 0xa9, 0xaa, 0xae, 0xaf) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
    );
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 20 }), fc.constantFrom(...KINDS), (values, cuts, kind) => {
        const buf = Buffer.from(values);
        check(kind, false, buf, cuts);
        check(kind, true, buf, cuts);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps its answers when scanners of several streams take turns, and across buffers', () => {
    const a = Buffer.from('clean line\nwith "quote"\nclean\n');
    const b = Buffer.from('x\x1by\nplain\n');
    const json = new ByteScan('json');
    const pretty = new ByteScan('pretty');
    assert.equal(json.clean(a, 0, 10), true);
    assert.equal(pretty.clean(b, 0, 3), false);
    assert.equal(json.clean(a, 11, 23), false, 'after another scanner loaded its bytes');
    assert.equal(pretty.clean(b, 4, 9), true);
    assert.equal(json.clean(a, 24, 29), true);
    assert.equal(json.clean(a, 0, 10), true, 'a step back loads again');
    const big = Buffer.alloc(300_000, 0x61);
    big[299_990] = 0x22;
    assert.equal(json.clean(big, 0, 299_000), true, 'a buffer larger than the memory it started with');
    assert.equal(json.clean(big, 299_001, 300_000), false);
  });
});
