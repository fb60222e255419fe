// A binary min-heap of delayed jobs ordered by the time they become due, so the broker needs
// one timer, for the earliest, however many jobs wait. Walking it and taking one item out are
// O(n): operator commands, not the path of every job.
export interface Due {
  runAt: number;
}

export class DelayHeap<T extends Due> {
  private readonly heap: T[] = [];

  get length(): number {
    return this.heap.length;
  }

  /** When the earliest item is due, or undefined when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.runAt;
  }

  push(item: T): void {
    this.heap.push(item);
    this.up(this.heap.length - 1);
  }

  /** Removes and returns the earliest item if it is due at `now`. */
  popDue(now: number): T | undefined {
    const top = this.heap[0];
    if (top === undefined || top.runAt > now) return undefined;
    this.removeAt(0);
    return top;
  }

  /** Every item, in no particular order. */
  [Symbol.iterator](): Iterator<T> {
    return this.heap[Symbol.iterator]();
  }

  /** Takes `item` out of the heap; returns whether it was there. */
  remove(item: T): boolean {
    const at = this.heap.indexOf(item);
    if (at < 0) return false;
    this.removeAt(at);
    return true;
  }

  private removeAt(at: number): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (at === heap.length) return;
    heap[at] = last;
    this.down(at);
    this.up(at);
  }

  private up(from: number): void {
    const heap = this.heap;
    const item = heap[from]!;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.runAt <= item.runAt) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  private down(from: number): void {
    const heap = this.heap;
    const item = heap[from]!;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.runAt < heap[left]!.runAt ? right : left;
      if (heap[child]!.runAt >= item.runAt) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
