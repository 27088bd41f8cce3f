/**
 * Concurrency that keeps output order: `Slots` bounds how many tasks run at once, and
 * `OrderedQueue` hands results to a single consumer in the order their tasks were queued,
 * whatever order they finish in.
 */

export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export class OrderedQueue<T> {
  private readonly items: Promise<T>[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  push(item: T | Promise<T>): void {
    const p = Promise.resolve(item);
    // Rejections are seen by the consumer in turn; until then they must not count as unhandled.
    p.catch(() => undefined);
    this.items.push(p);
    this.wake?.();
  }

  /** No more items; an error becomes the last item the consumer meets. */
  close(err?: unknown): void {
    if (err !== undefined) this.push(Promise.reject(err));
    this.closed = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield await next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
