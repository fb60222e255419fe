// The newest `capacity` items of a stream, newest first, for the succeeded jobs both drivers
// keep for the operator: adding one costs a slot write and never allocates once the ring is full.
export class Ring<T> {
  private readonly items: Array<T | undefined>;
  /** Where the next item goes. */
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(Math.max(0, capacity));
  }

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.capacity === 0) return;
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size += 1;
  }

  /** Newest first. */
  *[Symbol.iterator](): Generator<T> {
    for (let n = 1; n <= this.size; n++) yield this.items[(this.next - n + this.capacity) % this.capacity]!;
  }

  /** Drops every item `drop` says so of; returns how many. */
  removeWhere(drop: (item: T) => boolean): number {
    const kept = [...this].filter((item) => !drop(item)).reverse();
    const removed = this.size - kept.length;
    if (removed === 0) return 0;
    this.items.fill(undefined);
    this.next = 0;
    this.size = 0;
    for (const item of kept) this.push(item);
    return removed;
  }
}
