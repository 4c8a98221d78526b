import { RecordedEvent } from '../event-store.port';

/**
 * Reads every event (all types) with a position in (after, through], in position order, with the size of each
 * as stored (its data and metadata text, in characters): what the window holds is bounded by it.
 */
export type ReadRange = (after: number, through: number) => { events: RecordedEvent[]; sizes: number[] };

export interface RecentEventsOptions {
  /** Most events kept; the oldest go first. */
  capacity: number;
  /** Most characters of stored data and metadata kept (events of any size stay bounded in memory); the oldest go first. */
  maxChars: number;
  /** A subscription further behind the head than this reads the file itself (catching up), not through here. */
  maxGap: number;
  /** Most events read from the file at once: a reader far behind the head is served in steps, none blocks the thread long. */
  fillChunk: number;
}

export interface RecentRead {
  events: RecordedEvent[];
  /** As far as the read looked: the last event's position when `limit` stopped it, else the window's end. */
  through: number;
}

/**
 * The tail of the log, read once and shared by this connection's live subscriptions (decisions 0025, 0034). Each
 * process manager and projector follows the log with its own subscription; after every commit each of them
 * used to read the new events from the file and parse them itself (14 on the main thread, 12 on the projector
 * thread). Here the first to look reads the new events of every type once, and every subscription filters its
 * types from memory. The window always holds every event in (start, end] with no gap, because positions are
 * assigned in commit order: nothing at or below a head once read can still appear.
 *
 * A burst (a bill run appends tens of thousands of events in seconds) leaves the slower consumers far behind the
 * head: the window is large enough that they still share it (by count and by stored size), and it grows towards
 * the head a chunk at a time, as readers ask.
 *
 * Events are shared between consumers, so `readRange` must give frozen ones (data and metadata included): a
 * consumer that mutated an event would otherwise change what the next one reads.
 */
export class RecentEvents {
  private events: RecordedEvent[] = [];
  /** Each subscription's position as of its last read: what all of them passed nobody will read here again. */
  private readonly readers = new Map<object, number>();
  private sizes: number[] = [];
  private chars = 0;
  /** The window covers positions (start, end]. */
  private start = 0;
  private end = 0;
  private empty = true;

  constructor(
    private readonly readRange: ReadRange,
    private readonly options: RecentEventsOptions,
  ) {}

  /**
   * The events of `types` (all with `undefined`) after `after`, at most `limit`, towards `head`; null when `after`
   * is outside the window and too far behind the head to join it: the caller reads the file itself. A `reader` (its
   * subscription) is remembered at `after` until `forget`: the events every reader has passed are dropped.
   */
  read(after: number, head: number, limit: number, types: ReadonlySet<string> | undefined, reader?: object): RecentRead | null {
    if (reader) this.readers.set(reader, after);
    if (head <= after) return { events: [], through: after };
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

  /** Makes the window reach past `after` towards `head` (one chunk at most); false if this read must go to the file. */
  private extendTo(after: number, head: number): boolean {
    const inWindow = !this.empty && after >= this.start && after <= this.end;
    if (!inWindow) {
      // Behind the window (catching up), or too far from the head to start one: the file.
      if ((!this.empty && after < this.start) || head - after > this.options.maxGap) return false;
      // No window yet, or one left behind by readers that went on without it: start again here.
      this.events = [];
      this.sizes = [];
      this.chars = 0;
      this.start = this.end = after;
      this.empty = false;
    }
    // A reader at the window's end gets the next chunk; one inside it reads what the window has first.
    if (after === this.end && head > this.end) {
      const through = Math.min(head, this.end + this.options.fillChunk);
      const { events, sizes } = this.readRange(this.end, through);
      for (let i = 0; i < events.length; i++) {
        this.events.push(events[i]);
        this.sizes.push(sizes[i]);
        this.chars += sizes[i];
      }
      this.end = through;
      this.trim(after);
    }
    return true;
  }

  /** A closed subscription no longer holds events in the window. */
  forget(reader: object): void {
    this.readers.delete(reader);
  }

  /**
   * Drops the events every reader in the window has passed, then the oldest beyond the bounds, never those after
   * `keepAfter` (the reader being served): a reader left behind reads the file.
   */
  private trim(keepAfter: number): void {
    // Without readers named (only in tests) nothing counts as passed.
    let passed = this.readers.size === 0 ? this.start : keepAfter;
    for (const position of this.readers.values()) if (position >= this.start && position < passed) passed = position;
    let excess = 0;
    let chars = this.chars;
    while (
      excess < this.events.length &&
      this.events[excess].position <= keepAfter &&
      (this.events[excess].position <= passed || this.events.length - excess > this.options.capacity || chars > this.options.maxChars)
    ) {
      chars -= this.sizes[excess];
      excess++;
    }
    if (excess === 0) return;
    this.start = this.events[excess - 1].position;
    this.events = this.events.slice(excess);
    this.sizes = this.sizes.slice(excess);
    this.chars = chars;
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
