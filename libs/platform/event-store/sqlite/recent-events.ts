import { RecordedEvent } from '../event-store.port';

/** Reads every event (all types) with a position in (after, through], in position order. */
export type ReadRange = (after: number, through: number) => RecordedEvent[];

export interface RecentEventsOptions {
  /** Most events kept; the oldest go first. */
  capacity: number;
  /** A subscription further behind the head than this reads the file itself (catching up), not through here. */
  maxGap: number;
}

export interface RecentRead {
  events: RecordedEvent[];
  /** As far as the read looked: the last event's position when `limit` stopped it, else the head. */
  through: number;
}

/**
 * The tail of the log, read once and shared by this connection's live subscriptions (decision 0025). Each
 * process manager and projector follows the log with its own subscription; after every commit each of them
 * used to read the new events from the file and parse them itself (14 on the main thread, 12 on the projector
 * thread). Here the first to look reads the new events of every type once, and every subscription filters its
 * types from memory. The window always holds every event in (start, end] with no gap, because positions are
 * assigned in commit order: nothing at or below a head once read can still appear.
 *
 * Events are shared between consumers, so `readRange` must give frozen ones (data and metadata included): a
 * consumer that mutated an event would otherwise change what the next one reads.
 */
export class RecentEvents {
  private events: RecordedEvent[] = [];
  /** The window covers positions (start, end]. */
  private start = 0;
  private end = 0;
  private empty = true;

  constructor(
    private readonly readRange: ReadRange,
    private readonly options: RecentEventsOptions,
  ) {}

  /**
   * The events of `types` (all with `undefined`) after `after`, at most `limit`, up to `head`; null when `after`
   * is outside the window and too far behind the head to join it: the caller reads the file itself.
   */
  read(after: number, head: number, limit: number, types: ReadonlySet<string> | undefined): RecentRead | null {
    if (!this.extendTo(after, head)) return null;
    const events: RecordedEvent[] = [];
    for (let i = this.indexAfter(after); i < this.events.length; i++) {
      const event = this.events[i];
      if (types && !types.has(event.type)) continue;
      events.push(event);
      if (events.length === limit) return { events, through: event.position };
    }
    return { events, through: this.end };
  }

  /** Makes the window reach `head` from at most `after`; false if this read must go to the file. */
  private extendTo(after: number, head: number): boolean {
    const inWindow = !this.empty && after >= this.start && after <= this.end;
    if (!inWindow) {
      // Behind the window (catching up), or too far from the head to start one: the file.
      if ((!this.empty && after < this.start) || head - after > this.options.maxGap) return false;
      // No window yet, or one left behind by readers that went on without it: start again here.
      this.events = [];
      this.start = this.end = after;
      this.empty = false;
    }
    if (head > this.end) {
      // A burst appended elsewhere (another connection): read from the file until the readers come near again.
      if (head - this.end > this.options.maxGap) return false;
      this.events.push(...this.readRange(this.end, head));
      this.end = head;
      this.trim();
    }
    return true;
  }

  private trim(): void {
    const excess = this.events.length - this.options.capacity;
    if (excess <= 0) return;
    this.start = this.events[excess - 1].position;
    this.events = this.events.slice(excess);
  }

  /** Index of the first event with a position above `after` (binary search: positions ascend). */
  private indexAfter(after: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.events[mid].position <= after) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
