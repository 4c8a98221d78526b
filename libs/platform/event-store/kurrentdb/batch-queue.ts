/**
 * Turns a push source (a Node stream emitting one item at a time) into an async iterable of batches.
 * The consumer gets everything buffered so far, up to `batchSize`, in one batch. When the buffer reaches
 * `highWaterMark` the source is paused, and resumed once the consumer has drained it below that mark.
 * Client-agnostic on purpose: the KurrentDB adapter feeds it, and it is tested without a server.
 */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class BatchQueue<T> implements AsyncIterable<T[]> {
  private items: T[] = [];
  private failure: { error: unknown } | undefined;
  private finished = false;
  private paused = false;
  private wakeConsumer: (() => void) | undefined;

  constructor(
    private readonly batchSize: number,
    private readonly highWaterMark: number,
    private readonly flow: FlowControl,
  ) {}

  push(item: T): void {
    if (this.finished) return;
    this.items.push(item);
    if (!this.paused && this.items.length >= this.highWaterMark) {
      this.paused = true;
      this.flow.pause();
    }
    this.wake();
  }

  /** The source broke: the consumer gets what is buffered, then the error. */
  fail(error: unknown): void {
    if (this.finished || this.failure) return;
    this.failure = { error };
    this.wake();
  }

  /** Ends the iteration now (buffered items are dropped: the consumer resumes from its checkpoint). */
  close(): void {
    this.finished = true;
    this.items = [];
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T[]> {
    while (!this.finished) {
      if (this.items.length > 0) {
        yield this.takeBatch();
        continue;
      }
      if (this.failure) throw this.failure.error;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }

  private takeBatch(): T[] {
    const batch = this.items.splice(0, this.batchSize);
    if (this.paused && this.items.length < this.highWaterMark) {
      this.paused = false;
      this.flow.resume();
    }
    return batch;
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }
}
