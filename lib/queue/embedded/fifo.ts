// A first-in first-out list with O(1) push, shift and push-to-front, for the broker's waiting
// jobs (Array#shift is O(n), which 100k queued jobs would feel). Jobs put back after a worker
// died go to the front: they were taken first, so they run first again. Walking it and taking
// one item out are O(n): operator commands, not the path of every job.
export class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;
  private readonly front: T[] = [];

  get length(): number {
    return this.front.length + this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    this.front.push(item);
  }

  shift(): T | undefined {
    if (this.front.length > 0) return this.front.pop();
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    // Compact once the dead prefix is large, so memory follows the live length.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** In the order they will be shifted. */
  *[Symbol.iterator](): Generator<T> {
    for (let i = this.front.length - 1; i >= 0; i--) yield this.front[i]!;
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }

  /** Takes the first item `match` picks out of the list; returns it, or undefined. */
  remove(match: (item: T) => boolean): T | undefined {
    const inFront = this.front.findIndex(match);
    if (inFront >= 0) return this.front.splice(inFront, 1)[0];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (match(item)) {
        this.items.splice(i, 1);
        return item;
      }
    }
    return undefined;
  }
}
