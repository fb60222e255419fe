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
 * The kernel, as WebAssembly text (KERNEL_BASE64 below is its binary):
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
// The module's bytes. spec/log/byte-scan-kernel.ts assembles them from the text above, and
// spec/log/byte-scan.spec.ts checks that this is what it assembles: to change the kernel,
// change the assembler there and paste what it prints.
export const KERNEL_BASE64 =
  'AGFzbQEAAAABBwFgAn9/AX8DAwIAAAUDAQACBxoDBm1lbW9yeQIABGpzb24AAAZwcmV0dHkAAQrPBQKSAQIBewF/AkADQCAAIAFPDQEgAP0AAAAhAiAC/QwgICAgICAgICAgICAgICAg/SYgAv0MCgoKCgoKCgoKCgoKCgoKCv0j/U8gAv0MIiIiIiIiIiIiIiIiIiIiIv0j/VAgAv0MXFxcXFxcXFxcXFxcXFxcXP0j/VD9ZCIDBEAgACADaGoPCyAAQRBqIQAMAAsLIAELuAQCA3sBfwJAA0AgACABTw0BIAD9AAAAIQIgAv0MICAgICAgICAgICAgICAgIP0mIAL9DAoKCgoKCgoKCgoKCgoKCgr9I/1PIAL9DAkJCQkJCQkJCQkJCQkJCQn9I/1PIAL9DH9/f39/f39/f39/f39/f3/9I/1QIAL9DMLCwsLCwsLCwsLCwsLCwsL9I/1QIAL9DOLi4uLi4uLi4uLi4uLi4uL9I/1Q/VMEeyAA/QAAASEDIAD9AAACIQQgAv0MICAgICAgICAgICAgICAgIP0mIAL9DAoKCgoKCgoKCgoKCgoKCgr9I/1PIAL9DAkJCQkJCQkJCQkJCQkJCQn9I/1PIAL9DH9/f39/f39/f39/f39/f3/9I/1QIAL9DMLCwsLCwsLCwsLCwsLCwsL9IyAD/QyAgICAgICAgICAgICAgICA/Sz9TiAD/Qyfn5+fn5+fn5+fn5+fn5+f/Sr9Tv1QIAL9DOLi4uLi4uLi4uLi4uLi4uL9IyAD/QyAgICAgICAgICAgICAgICA/SMgBP0Mqqqqqqqqqqqqqqqqqqqqqv0s/U4gBP0Mrq6urq6urq6urq6urq6urv0q/U4gA/0MgYGBgYGBgYGBgYGBgYGBgf0jIAT9DKampqampqampqampqampqb9LP1OIAT9DKmpqampqampqampqampqan9Kv1O/VD9Tv1QBf0MAAAAAAAAAAAAAAAAAAAAAAv9ZCIFBEAgACAFaGoPCyAAQRBqIQAMAAsLIAEL';

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmExports {
  memory: WasmMemory;
  json: Find;
  pretty: Find;
}

interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object) => { exports: WasmExports };
}

function wasmKernel(exports: WasmExports): Kernel {
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

// The kernel every scanner of the process shares: the loop until the WebAssembly one is
// compiled. Compiling takes a few milliseconds, more on a busy machine; it runs off the main
// thread from the moment this module loads, so a starting crew never waits for it.
let kernel: Kernel = loopKernel();
let kernelIsWasm = false;
// Which scanner's bytes are loaded (its id) and into which kernel.
let loadedBy = 0;
let scanners = 0;

/** Resolves once the kernel is settled: true for the WebAssembly one, false for the loop. */
export const kernelReady: Promise<boolean> = (async () => {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return false;
  try {
    const module = await api.compile(Buffer.from(KERNEL_BASE64, 'base64'));
    kernel = wasmKernel(new api.Instance(module).exports);
    kernelIsWasm = true;
    loadedBy = 0;
    return true;
  } catch {
    // No SIMD, or WebAssembly switched off (node --jitless): the loop gives the same answers,
    // only slower; nothing else changes.
    return false;
  }
})();

/** Whether the fast kernel runs (once kernelReady resolved; not under --jitless). */
export function usesWasm(): boolean {
  return kernelIsWasm;
}

/** Scans one child stream's chunks, line by line, for one format's flagged bytes. */
export class ByteScan {
  private readonly own: Kernel | undefined;
  private find: Find;
  private kernel: Kernel;
  private readonly id = ++scanners;
  private buf: Uint8Array | undefined;
  private base = 0;
  private length = 0;
  private last = 0;
  // The first flagged index at or after `last`, as an index of `buf`.
  private next = -1;

  /** `useLoop`: always the plain loop, for tests that compare the two. */
  constructor(
    private readonly kind: ScanKind,
    useLoop = false,
  ) {
    this.own = useLoop ? loopKernel() : undefined;
    this.kernel = this.own ?? kernel;
    this.find = this.kernel.find[kind];
  }

  /**
   * Whether `buf[start, end)` holds no flagged byte. Lines of one buffer are expected in order;
   * a new buffer, a step back, or another scanner's use of the kernel starts a new load.
   */
  clean(buf: Uint8Array, start: number, end: number): boolean {
    if (buf !== this.buf || start < this.last || loadedBy !== this.id) {
      // A new load also takes up the WebAssembly kernel once it is there.
      if (this.own === undefined && this.kernel !== kernel) {
        this.kernel = kernel;
        this.find = kernel.find[this.kind];
      }
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
