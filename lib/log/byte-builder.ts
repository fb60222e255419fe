// Builds the bytes of one write to the log stream. The relay formats a whole chunk of a
// child's lines into one builder and hands the result to the Output in one write(): copying
// bytes into a large buffer is what lets the primary keep up with a raw pipe, where building
// and then encoding a string per line cannot.
//
// Writes are carved out of a shared slab: take() hands out a view of the bytes appended since
// the last take() and later appends go after it, so a handed-out view is never overwritten.
// Once every view of the slab has been released (written: the OS has the bytes), building
// starts again at the slab's beginning, so a steady flood reuses one slab instead of leaving
// megabytes of garbage per second to the collector (and to the primary's RSS). A view that is
// never released only stops the reuse: the slab is then left behind for the collector.

const SLAB_BYTES = 1024 * 1024;

export class ByteBuilder {
  private slab: Buffer;
  private start = 0;
  private pos = 0;
  // Views of the current slab handed out and not yet released.
  private views = 0;

  constructor(private readonly slabBytes: number = SLAB_BYTES) {
    // Slabs get memory of their own, never a share of Node's buffer pool: release() knows a
    // view of the current slab by its ArrayBuffer.
    this.slab = Buffer.allocUnsafeSlow(slabBytes);
  }

  /** Bytes appended since the last take(). */
  get length(): number {
    return this.pos - this.start;
  }

  /** Appends `src[start, end)`, or all of `src`. */
  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    if (this.pos + n > this.slab.length) this.grow(n);
    // A plain Uint8Array view is much cheaper to make than a Buffer (subarray) or copy()'s.
    // (Copying from a staged copy of the chunk with copyWithin, which makes no object, cost the
    // relay more: with less garbage per line the collector runs less often, so the chunks read
    // from the children, garbage too, pile up, and the primary's memory and page faults grow.)
    this.slab.set(start === 0 && end === src.length ? src : new Uint8Array(src.buffer, src.byteOffset + start, n), this.pos);
    this.pos += n;
  }

  byte(value: number): void {
    if (this.pos + 1 > this.slab.length) this.grow(1);
    this.slab[this.pos++] = value;
  }

  /** Appends `text` as UTF-8. */
  string(text: string): void {
    // A UTF-16 unit never takes more than 3 bytes of UTF-8.
    const room = text.length * 3;
    if (this.pos + room > this.slab.length) this.grow(room);
    this.pos += this.slab.write(text, this.pos);
  }

  /** Takes back what was appended after `length` was the length (length only ever shrinks). */
  rewind(length: number): void {
    if (length >= 0 && length < this.pos - this.start) this.pos = this.start + length;
  }

  /** The bytes appended since the last take(); they stay valid (and untouched) after. */
  take(): Buffer {
    const out = this.slab.subarray(this.start, this.pos);
    this.start = this.pos;
    this.views++;
    return out;
  }

  /** A view from take() has been written; its bytes are no longer needed. */
  release(view: Buffer): void {
    if (view.buffer !== this.slab.buffer) return; // a slab left behind: the collector's
    this.views--;
    if (this.views === 0 && this.start === this.pos) this.start = this.pos = 0;
  }

  // The bytes being built move to a new slab; what was taken stays in the old one.
  private grow(needed: number): void {
    const building = this.pos - this.start;
    const next = Buffer.allocUnsafeSlow(Math.max(this.slabBytes, (building + needed) * 2));
    this.slab.copy(next, 0, this.start, this.pos);
    this.slab = next;
    this.start = 0;
    this.pos = building;
    this.views = 0;
  }
}
