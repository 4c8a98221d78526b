import { RecordedEvent } from '../event-store/event-store.port';

/** What a runner knows of a stream after reading it up to `revision`. */
export interface CachedStream<State> {
  revision: number;
  lastPosition: number;
  state: State;
  /** Command id → position of its last event: how a repeated command is recognised. */
  commandIds: CommandIds;
}

/**
 * Command id → position of its last event on a stream, taken from the events' metadata only when first asked: a
 * stream read for its state alone (`stateOf`) never asks, so its events' metadata is never parsed (SQLite parses it
 * on first read). Grows in place as a cached stream gains events.
 */
export class CommandIds {
  private known: Map<string, number> | null = null;
  private unread: RecordedEvent[] = [];

  add(events: readonly RecordedEvent[]): void {
    if (this.known) for (const event of events) this.known.set(event.metadata.commandId, event.position);
    else for (const event of events) this.unread.push(event);
  }

  get(commandId: string): number | undefined {
    return this.read().get(commandId);
  }

  set(commandId: string, position: number): this {
    this.read().set(commandId, position);
    return this;
  }

  private read(): Map<string, number> {
    if (!this.known) {
      this.known = new Map();
      for (const event of this.unread) this.known.set(event.metadata.commandId, event.position);
      this.unread = [];
    }
    return this.known;
  }
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
