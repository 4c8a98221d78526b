import { AllSubscription, EventBatch, RecordedEvent } from '../event-store.port';

export interface PollingSubscriptionSource {
  after: number;
  batchSize: number;
  pollIntervalMs: number;
  /**
   * Committed events strictly after `after`, in position order, at most `maxCount`, and the position read up
   * to (`through`): the last event's, or further when the read left out events of other types.
   */
  read(after: number, maxCount: number): { events: RecordedEvent[]; through: number };
  /** Registers a wake-up for appends made by this process; returns the unregister function. */
  onAppend(listener: () => void): () => void;
  onClose(subscription: PollingAllSubscription): void;
}

/**
 * Catch-up subscription over a table ordered by position: read a batch after the checkpoint; when there is
 * nothing to read, sleep until this process appends (immediate wake-up) or the poll interval passes (to see
 * other processes' appends on the same file). Reading by position makes order, no duplicates and no gaps
 * follow from the table itself.
 */
export class PollingAllSubscription implements AllSubscription {
  private closed = false;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly source: PollingSubscriptionSource) {}

  async *[Symbol.asyncIterator](): AsyncIterator<EventBatch> {
    let checkpoint = this.source.after;
    while (!this.closed) {
      const { events, through } = this.source.read(checkpoint, this.source.batchSize);
      if (through <= checkpoint) {
        await this.sleep();
        continue;
      }
      // Possibly empty (everything read was of other types): it still moves the consumer to `through`.
      checkpoint = through;
      yield Object.assign(events, { through });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.sleepers]) wake();
    this.source.onClose(this);
  }

  /**
   * Registered synchronously right after an empty read: appends commit in another macrotask, so no wake-up
   * can fall between the read and the registration.
   */
  private sleep(): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        unregister();
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.source.pollIntervalMs);
      const unregister = this.source.onAppend(wake);
      this.sleepers.add(wake);
    });
  }
}
