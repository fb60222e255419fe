// Tells which lines of a chunk of a child's output a format cannot copy as they are. Most log
// lines are plain text, and a plain line is copied byte for byte; only a line that holds a
// byte the format must rewrite takes the slow way:
//
// - json: a control character (but "\n", which never occurs inside a line), `"` or `\`: JSON
//   escapes them inside a string.
// - pretty: a control character a terminal would act on instead of showing it: C0 but tab and
//   "\n" (ESC, which starts colour, cursor and title sequences; CR, which returns to the start
//   of the line and overwrites the prefix; backspace…), DEL, the C1 controls U+0080–U+009F, and
//   the bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069, which reorder
//   how the rest of a line reads. Such a line is shown escaped (./visible.ts).
//
// Scanning must cost next to nothing on plain lines: the relay moves a raw pipe's worth of
// lines a second. Testing each byte in JavaScript costs more than all the rest of relaying a
// line, and one memchr per byte value of the set costs over 30 passes per chunk. So the chunk
// is copied once into the memory of a tiny WebAssembly function that tests 16 bytes per step
// (SIMD), and asked for the first byte of the set from a line on; a clean chunk is one call.
// Where WebAssembly is not available (node --jitless), a plain loop gives the same answers.

export type ScanKind = 'json' | 'pretty';

/** Whether byte `b` at `buf[at]` needs the format's care; the reference the kernel must match. */
export function flagged(kind: ScanKind, buf: Uint8Array, at: number): boolean {
  const b = buf[at] ?? 0;
  if (kind === 'json') return (b < 0x20 && b !== 0x0a) || b === 0x22 || b === 0x5c;
  if (b < 0x20) return b !== 0x0a && b !== 0x09;
  if (b === 0x7f) return true;
  const b1 = buf[at + 1] ?? 0;
  if (b === 0xc2) return b1 >= 0x80 && b1 <= 0x9f;
  if (b !== 0xe2) return false;
  const b2 = buf[at + 2] ?? 0;
  return (b1 === 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 === 0x81 && b2 >= 0xa6 && b2 <= 0xa9);
}

type Find = (from: number, to: number) => number;

interface Kernel {
  /** First flagged index in [from, to) of what was loaded, or a value >= to. */
  find: Record<ScanKind, Find>;
  /** Makes `buf[start, end)` the loaded bytes, at index 0. */
  load(buf: Uint8Array, start: number, end: number): void;
}

// The bytes past the loaded ones that the kernel may read: a 16-byte step that starts at the
// last byte, plus two bytes of look-ahead (pretty's multi-byte sequences).
const SLACK = 18;
const PAGE = 64 * 1024;

/*
 * The kernel, as WebAssembly text (this is what WASM below encodes):
 *
 * (module
 *   (memory (export "memory") 2)
 *   (func (export "json") (param $from i32) (param $to i32) (result i32) (local $v v128) (local $bits i32)
 *     (block $done (loop $step
 *       (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
 *       (local.set $v (v128.load (local.get $from)))
 *       (local.tee $bits (i8x16.bitmask
 *         (v128.or (v128.or
 *           (v128.andnot (i8x16.lt_u (local.get $v) (v128.const i8x16 0x20…)) (i8x16.eq (local.get $v) (v128.const i8x16 0x0a…)))
 *           (i8x16.eq (local.get $v) (v128.const i8x16 0x22…)))
 *           (i8x16.eq (local.get $v) (v128.const i8x16 0x5c…)))))
 *       (if (then (return (i32.add (local.get $from) (i32.ctz (local.get $bits))))))
 *       (local.set $from (i32.add (local.get $from) (i32.const 16)))
 *       (br $step)))
 *     (local.get $to))
 *   (func (export "pretty") …the same loop, with $v1 and $v2 loaded at offsets 1 and 2, and
 *     controls  = lt_u($v, 0x20) andnot eq($v, 0x0a) andnot eq($v, 0x09), or eq($v, 0x7f)
 *     c1        = eq($v, 0xc2) and ge_u($v1, 0x80) and le_u($v1, 0x9f)
 *     bidi      = eq($v, 0xe2) and (eq($v1, 0x80) and ge_u($v2, 0xaa) and le_u($v2, 0xae)
 *                                or eq($v1, 0x81) and ge_u($v2, 0xa6) and le_u($v2, 0xa9))
 *     bits      = bitmask(controls or c1 or bidi)
 *   where a step without controls, 0xc2 or 0xe2 (any_true) skips the look-ahead))
 */
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

function wasmModule(): Uint8Array {
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

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: WasmMemory; json: Find; pretty: Find } };
}

function wasmKernel(): Kernel | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return undefined;
  let exports: { memory: WasmMemory; json: Find; pretty: Find };
  try {
    exports = new api.Instance(new api.Module(wasmModule())).exports;
  } catch {
    // No SIMD, or WebAssembly switched off (node --jitless): the loop below gives the same
    // answers, only slower; nothing else changes.
    return undefined;
  }
  const { memory } = exports;
  let bytes = new Uint8Array(memory.buffer);
  return {
    find: { json: exports.json, pretty: exports.pretty },
    load(buf, start, end) {
      const length = end - start;
      if (length + SLACK > bytes.length) {
        memory.grow(Math.ceil((length + SLACK - bytes.length) / PAGE));
        bytes = new Uint8Array(memory.buffer);
      }
      bytes.set(buf.subarray(start, end), 0);
      // Zeros after the bytes: no look-ahead past them completes a sequence.
      bytes.fill(0, length, length + SLACK);
    },
  };
}

function loopKernel(): Kernel {
  let loaded: Uint8Array = new Uint8Array(0);
  const finder =
    (kind: ScanKind): Find =>
    (from, to) => {
      for (let at = from; at < to; at++) if (flagged(kind, loaded, at)) return at;
      return to;
    };
  return {
    find: { json: finder('json'), pretty: finder('pretty') },
    load(buf, start, end) {
      loaded = buf.subarray(start, end);
    },
  };
}

let kernel: Kernel | undefined;
let kernelIsWasm = false;
// Which scanner's bytes are loaded (its id): every scanner of the process shares the kernel.
let loadedBy = 0;
let scanners = 0;

function theKernel(): Kernel {
  if (kernel === undefined) {
    const wasm = wasmKernel();
    kernelIsWasm = wasm !== undefined;
    kernel = wasm ?? loopKernel();
  }
  return kernel;
}

/** Whether the fast kernel runs (not under node --jitless): for tests and benchmarks. */
export function usesWasm(): boolean {
  theKernel();
  return kernelIsWasm;
}

/** Scans one child stream's chunks, line by line, for one format's flagged bytes. */
export class ByteScan {
  private readonly find: Find;
  private readonly kernel: Kernel;
  private readonly id = ++scanners;
  private buf: Uint8Array | undefined;
  private base = 0;
  private length = 0;
  private last = 0;
  // The first flagged index at or after `last`, as an index of `buf`.
  private next = -1;

  constructor(kind: ScanKind, useLoop = false) {
    this.kernel = useLoop ? loopKernel() : theKernel();
    this.find = this.kernel.find[kind];
  }

  /**
   * Whether `buf[start, end)` holds no flagged byte. Lines of one buffer are expected in order;
   * a new buffer, a step back, or another scanner's use of the kernel starts a new load.
   */
  clean(buf: Uint8Array, start: number, end: number): boolean {
    if (buf !== this.buf || start < this.last || loadedBy !== this.id) {
      this.kernel.load(buf, start, buf.length);
      loadedBy = this.id;
      this.buf = buf;
      this.base = start;
      this.length = buf.length - start;
      this.next = -1;
    }
    this.last = start;
    if (this.next < start) {
      const at = this.find(start - this.base, this.length);
      this.next = at >= this.length ? buf.length : at + this.base;
    }
    return this.next >= end;
  }
}
