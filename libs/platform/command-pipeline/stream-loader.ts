import { EventStore, RecordedEvent } from '../event-store/event-store.port';

interface Waiter {
  resolve(events: RecordedEvent[]): void;
  reject(error: unknown): void;
}

/** At most this many streams per `readStreams` call (a bill-run chunk is 1,000 commands). */
const DEFAULT_MAX_STREAMS = 1000;

/**
 * Whole-stream loads for the command side, batched: the streams asked for by one run of synchronous code are
 * read with one `readStreams` call in a microtask right after it. A bill run starts a chunk's commands in one
 * synchronous loop and each reaches its load before its first real wait, so a chunk's loads are one query
 * instead of a thousand; a lone command waits for nothing (no timer, no event-loop turn).
 *
 * Never staler than `readStream` at the moment of the call: the read starts after every load it serves was
 * asked for, so whatever was committed before a caller asked is in what that caller gets. A stream appended
 * after a batch was read is read again by the next load. Each caller gets its own event objects: a stream
 * asked for twice in one turn is read once more for the second caller. Errors stay with their caller: when
 * the batched read fails, each stream is read again on its own and each caller hears only its own outcome.
 */
export class BatchingStreamLoader {
  private pending = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(
    private readonly store: EventStore,
    private readonly maxStreams = DEFAULT_MAX_STREAMS,
  ) {}

  load(stream: string): Promise<RecordedEvent[]> {
    return new Promise<RecordedEvent[]>((resolve, reject) => {
      const waiters = this.pending.get(stream);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(stream, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const names = [...batch.keys()];
    for (let start = 0; start < names.length; start += this.maxStreams) {
      void this.readSlice(names.slice(start, start + this.maxStreams), batch);
    }
  }

  private async readSlice(names: string[], batch: Map<string, Waiter[]>): Promise<void> {
    let read: Map<string, RecordedEvent[]>;
    try {
      read = names.length === 1 ? new Map([[names[0], await this.store.readStream(names[0])]]) : await this.store.readStreams(names);
    } catch {
      // Which stream failed is unknown: read each on its own, so every caller gets its own result or error.
      for (const name of names) for (const waiter of batch.get(name) as Waiter[]) this.readAlone(name, waiter);
      return;
    }
    for (const name of names) {
      const [first, ...others] = batch.get(name) as Waiter[];
      const events = read.get(name);
      if (events === undefined) this.readAlone(name, first);
      else first.resolve(events);
      for (const other of others) this.readAlone(name, other);
    }
  }

  private readAlone(stream: string, waiter: Waiter): void {
    this.store.readStream(stream).then(waiter.resolve, waiter.reject);
  }
}
