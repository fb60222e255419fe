// A binary min-heap of delayed jobs ordered by the time they become due, so the broker needs
// one timer, for the earliest, however many jobs wait.
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
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.runAt <= item.runAt) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  /** Removes and returns the earliest item if it is due at `now`. */
  popDue(now: number): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined || top.runAt > now) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right]!.runAt < heap[left]!.runAt ? right : left;
        if (heap[child]!.runAt >= last.runAt) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
