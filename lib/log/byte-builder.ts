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
//
// Copying a line out of the chunk it arrived in is the relay's most frequent operation, two or
// three times per line. Each copy from another buffer needs a view of its range (an object for
// the collector) and a call into the runtime; so a chunk lines are copied from is first staged,
// copied whole into the free end of the slab, and its lines are then copied within the slab
// (copyWithin: no object, a cheaper call). The staged copy is only a copy: building into its
// space simply drops it.

const SLAB_BYTES = 1024 * 1024;
// A source smaller than this is not worth staging; one larger than a quarter of the slab would
// leave too little room to build in.
const STAGE_MIN_BYTES = 4 * 1024;

export class ByteBuilder {
  private slab: Buffer;
  private start = 0;
  private pos = 0;
  // Views of the current slab handed out and not yet released.
  private views = 0;
  // The source whose bytes are staged at slab[stageAt, slab.length), if any.
  private staged: Uint8Array | undefined;
  private stageAt = 0;

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
    if (start === 0 && end === src.length) {
      this.room(n);
      this.slab.set(src, this.pos);
    } else if (src === this.staged || this.stage(src, n)) {
      this.room(n);
      // room() may have dropped the stage to make space; then the view way it is.
      if (src === this.staged) this.slab.copyWithin(this.pos, this.stageAt + start, this.stageAt + end);
      else this.slab.set(new Uint8Array(src.buffer, src.byteOffset + start, n), this.pos);
    } else {
      this.room(n);
      // A plain Uint8Array view is much cheaper to make than a Buffer (subarray) or copy()'s.
      this.slab.set(new Uint8Array(src.buffer, src.byteOffset + start, n), this.pos);
    }
    this.pos += n;
  }

  byte(value: number): void {
    this.room(1);
    this.slab[this.pos++] = value;
  }

  /** Appends `text` as UTF-8. */
  string(text: string): void {
    // A UTF-16 unit never takes more than 3 bytes of UTF-8.
    this.room(text.length * 3);
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
    // A stage lasts for one write's worth of lines: the next chunk is another buffer anyway,
    // and a source changed in place after this is never copied from a stale stage.
    this.staged = undefined;
    return out;
  }

  /** A view from take() has been written; its bytes are no longer needed. */
  release(view: Buffer): void {
    if (view.buffer !== this.slab.buffer) return; // a slab left behind: the collector's
    this.views--;
    if (this.views === 0 && this.start === this.pos) this.start = this.pos = 0;
  }

  // Stages `src` at the end of the slab when it is worth it and fits above what is built.
  private stage(src: Uint8Array, n: number): boolean {
    const at = this.slab.length - src.length;
    if (src.length < STAGE_MIN_BYTES || src.length > this.slab.length / 4 || at < this.pos + n) return false;
    this.slab.set(src, at);
    this.staged = src;
    this.stageAt = at;
    return true;
  }

  // Makes room for `needed` more bytes: over the staged copy (dropped), or in a new slab.
  private room(needed: number): void {
    if (this.pos + needed <= (this.staged === undefined ? this.slab.length : this.stageAt)) return;
    this.staged = undefined;
    if (this.pos + needed > this.slab.length) this.grow(needed);
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
