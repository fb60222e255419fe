// A first-in first-out list with O(1) push, shift and push-to-front, for the broker's waiting
// jobs (Array#shift is O(n), which 100k queued jobs would feel). Jobs put back after a worker
// died go to the front: they were taken first, so they run first again.
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
}
