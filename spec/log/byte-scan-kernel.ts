// Assembles the byte scan's WebAssembly kernel (lib/log/byte-scan.ts) from readable parts:
// the text in that file's comment, instruction by instruction. byte-scan.spec.ts checks that
// the module crew ships is exactly this; to change the kernel, change it here and paste the
// base64 that `node dist/spec/log/byte-scan-kernel.js` prints into KERNEL_BASE64.

import { pathToFileURL } from 'node:url';

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  ifV128: [0x04, V128],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  return: [0x0f],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32: (value: number) => [0x41, value],
  i32GeU: [0x4f],
  i32Ctz: [0x68],
  i32Add: [0x6a],
  load: (offset: number) => [0xfd, 0x00, 0x00, offset],
  splat: (byte: number) => [0xfd, 0x0c, ...new Array<number>(16).fill(byte)],
  eq: [0xfd, 0x23],
  ltU: [0xfd, 0x26],
  leU: [0xfd, 0x2a],
  geU: [0xfd, 0x2c],
  and: [0xfd, 0x4e],
  andnot: [0xfd, 0x4f],
  or: [0xfd, 0x50],
  anyTrue: [0xfd, 0x53],
  bitmask: [0xfd, 0x64],
};

/** `$v <op> byte`, for each lane. */
const cmp = (v: number, test: number[], byte: number): number[] => [...op.get(v), ...op.splat(byte), ...test];

// The loop both functions share: `mask` leaves the lanes to flag on the stack; locals 0 and 1
// are from and to, `bits` the i32 local, `loads` fill the v128 locals from memory.
function scanLoop(loads: number[], mask: number[], bits: number): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...op.get(0), ...op.get(1), ...op.i32GeU, ...op.brIf(1),
    ...loads,
    ...mask, ...op.bitmask, ...op.tee(bits),
    ...op.if, ...op.get(0), ...op.get(bits), ...op.i32Ctz, ...op.i32Add, ...op.return, ...op.end,
    ...op.get(0), ...op.i32(16), ...op.i32Add, ...op.set(0),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(1),
    ...op.end,
  ];
}

function jsonBody(): number[] {
  // locals: 2 $v, 3 $bits
  const locals = [2, 1, V128, 1, I32];
  const loads = [...op.get(0), ...op.load(0), ...op.set(2)];
  const mask = [...cmp(2, op.ltU, 0x20), ...cmp(2, op.eq, 0x0a), ...op.andnot, ...cmp(2, op.eq, 0x22), ...op.or, ...cmp(2, op.eq, 0x5c), ...op.or];
  return [...locals, ...scanLoop(loads, mask, 3)];
}

function prettyBody(): number[] {
  // locals: 2 $v, 3 $v1, 4 $v2, 5 $bits
  const locals = [2, 3, V128, 1, I32];
  const controls = [...cmp(2, op.ltU, 0x20), ...cmp(2, op.eq, 0x0a), ...op.andnot, ...cmp(2, op.eq, 0x09), ...op.andnot, ...cmp(2, op.eq, 0x7f), ...op.or];
  const c1 = [...cmp(2, op.eq, 0xc2), ...cmp(3, op.geU, 0x80), ...op.and, ...cmp(3, op.leU, 0x9f), ...op.and];
  const overrides = [...cmp(3, op.eq, 0x80), ...cmp(4, op.geU, 0xaa), ...op.and, ...cmp(4, op.leU, 0xae), ...op.and];
  const isolates = [...cmp(3, op.eq, 0x81), ...cmp(4, op.geU, 0xa6), ...op.and, ...cmp(4, op.leU, 0xa9), ...op.and];
  const bidi = [...cmp(2, op.eq, 0xe2), ...overrides, ...isolates, ...op.or, ...op.and];
  // Plain text has neither controls nor the lead bytes 0xc2 and 0xe2: one cheap test per step;
  // the look-ahead loads and the exact mask only where one of them is.
  const candidates = [...controls, ...cmp(2, op.eq, 0xc2), ...op.or, ...cmp(2, op.eq, 0xe2), ...op.or];
  const exact = [...op.get(0), ...op.load(1), ...op.set(3), ...op.get(0), ...op.load(2), ...op.set(4), ...controls, ...c1, ...op.or, ...bidi, ...op.or];
  const loads = [...op.get(0), ...op.load(0), ...op.set(2)];
  // (if (v128.any_true candidates) (then …exact… bitmask, tee $bits, (if $bits (return …)))) — the
  // shared loop wants a mask on the stack; a zero mask when there are no candidates.
  const mask = [...candidates, ...op.anyTrue, ...op.ifV128, ...exact, ...op.else, ...op.splat(0), ...op.end];
  return [...locals, ...scanLoop(loads, mask, 5)];
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const vector = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (text: string): number[] => [...leb(text.length), ...Buffer.from(text, 'latin1')];

export function assembleKernel(): Uint8Array {
  const bodies = [jsonBody(), prettyBody()].map((body) => [...leb(body.length), ...body]);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, 2, I32, I32, 1, I32]])),
    ...section(3, vector([[0], [0]])),
    ...section(5, vector([[0x00, 2]])),
    ...section(7, vector([[...name('memory'), 0x02, 0], [...name('json'), 0x00, 0], [...name('pretty'), 0x00, 1]])),
    ...section(10, vector(bodies)),
  ]);
}


// Run directly, it prints the module as base64.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(Buffer.from(assembleKernel()).toString('base64'));
}
