/** What a runner knows of a stream after reading it up to `revision`. */
export interface CachedStream<State> {
  revision: number;
  lastPosition: number;
  state: State;
  /** Command id → position of its last event: how a repeated command is recognised. */
  commandIds: Map<string, number>;
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
