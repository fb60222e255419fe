// Tells which lines of a chunk JSON must escape. Most log lines hold no quote, backslash or
// control character, and such a line can be copied into a JSON string as it is; escaping
// (JSON.stringify) costs more than all the rest of formatting a line. Testing each line byte by
// byte in JavaScript costs nearly as much, so the scanner asks memchr (Buffer#indexOf) once
// per chunk for each of the 33 bytes that need escaping, and then follows only the ones
// present, line by line.

// Every byte JSON escapes in valid UTF-8, but "\n", which never occurs inside a line.
const NEEDLES: readonly number[] = [...Array.from({ length: 32 }, (_, i) => i).filter((b) => b !== 10), 0x22, 0x5c];

export class EscapeScanner {
  private buf: Buffer | undefined;
  private last = 0;
  // The needles seen in the current buffer, each with its next position at or after `last`.
  private present: number[] = [];
  private next: number[] = [];

  /**
   * Whether `buf[start, end)` can go into a JSON string without escaping. Lines of one buffer
   * are expected in order; a new buffer, or a step back, starts a new scan.
   */
  clean(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.buf || start < this.last) this.scan(buf, start);
    this.last = start;
    let clean = true;
    for (let k = 0; k < this.present.length; k++) {
      let at = this.next[k] ?? -1;
      if (at < start) {
        at = buf.indexOf(this.present[k] ?? 0, start);
        if (at === -1) {
          this.present.splice(k, 1);
          this.next.splice(k, 1);
          k--;
          continue;
        }
        this.next[k] = at;
      }
      if (at < end) clean = false;
    }
    return clean;
  }

  private scan(buf: Buffer, start: number): void {
    this.buf = buf;
    this.present = [];
    this.next = [];
    for (const needle of NEEDLES) {
      const at = buf.indexOf(needle, start);
      if (at !== -1) {
        this.present.push(needle);
        this.next.push(at);
      }
    }
  }
}
