import { RecordedEvent } from '../event-store/event-store.port';
import { deterministicUuid } from '../../shared-kernel/ids';

/** What a runner knows of a stream after reading it up to `revision`. */
export interface CachedStream<State> {
  revision: number;
  lastPosition: number;
  state: State;
  /** Command id → position of its last event: how a repeated command is recognised. */
  commandIds: CommandIds;
}

/**
 * Which command wrote a stream's events, told by their ids: the runner derives each event's id from its command id,
 * its stream and its index in that command's append (`commandEventId`), so a command's events on a stream are the
 * ids `commandEventId(commandId, stream, 0)`, `…1`, … Recognising a repeat never parses an event's metadata (for a
 * schedule's fifteen events that was a third of each command's load on the day its installments fall due). The map
 * of ids is built only when first asked: a stream read for its state alone (`stateOf`) never asks. Grows in place as
 * a cached stream gains events.
 */
export class CommandIds {
  /** Event id → log position. */
  private known: Map<string, number> | null = null;
  private unread: RecordedEvent[] = [];

  constructor(private readonly stream: string) {}

  add(events: readonly RecordedEvent[]): void {
    if (this.known) for (const event of events) this.known.set(event.id, event.position);
    else for (const event of events) this.unread.push(event);
  }

  /** The position of the last event `commandId` wrote on the stream; undefined if it wrote none. */
  get(commandId: string): number | undefined {
    const known = this.read();
    let last: number | undefined;
    for (let index = 0; ; index++) {
      const position = known.get(commandEventId(commandId, this.stream, index));
      if (position === undefined) return last;
      last = position;
    }
  }

  /** `commandId` appended events whose last is at `position` (only that position is kept: what `get` answers). */
  set(commandId: string, position: number): this {
    this.read().set(commandEventId(commandId, this.stream, 0), position);
    return this;
  }

  private read(): Map<string, number> {
    if (!this.known) {
      this.known = new Map();
      for (const event of this.unread) this.known.set(event.id, event.position);
      this.unread = [];
    }
    return this.known;
  }
}

/** The id of the `index`th event a command appends to a stream: the same on every retry of the command. */
export function commandEventId(commandId: string, stream: string, index: number): string {
  return deterministicUuid(commandId, stream, String(index));
}

/**
 * Folded state per stream, so a command on a long stream (a tenant's hierarchy) reads and folds only
 * the events after the cached revision. Never stale: the runner always reads what came after it, from
 * the store, and entries only move forward. Bounded: the least recently used stream is dropped.
 */
export class StreamStateCache {
  private readonly entries = new Map<string, CachedStream<unknown>>();

  constructor(private readonly maxStreams = 1000) {}

  get<State>(stream: string): CachedStream<State> | undefined {
    const entry = this.entries.get(stream);
    if (entry) {
      this.entries.delete(stream); // re-insert: Map order is the recency order
      this.entries.set(stream, entry);
    }
    return entry as CachedStream<State> | undefined;
  }

  set<State>(stream: string, entry: CachedStream<State>): void {
    const current = this.entries.get(stream);
    if (current && current.revision >= entry.revision) return;
    this.entries.delete(stream);
    this.entries.set(stream, entry as CachedStream<unknown>);
    if (this.entries.size > this.maxStreams) this.entries.delete(this.entries.keys().next().value as string);
  }
}
