/** Where a cache hears that a read model changed (ReadYourWrites.onChange); null: no local runner to hear from. */
export interface ReadModelChanges {
  onChange(listener: (name: string) => void): (() => void) | null;
}

/**
 * Values read from read models, in memory by a key, kept current by those read models: whenever one of their
 * projectors handled events of its types, the whole cache is dropped, before the command that caused it answers (the
 * runner tells changes before it wakes the waiters), so no caller sees a value older than the read store would have
 * shown it. Only values found are kept; above `maxKeys` keys the cache starts again empty. Used only where the read
 * models are built in this process (all-in-one, worker); elsewhere (a split deployment's API process) nothing would
 * tell it of a change, so every call reads. The values it hands out are shared between callers, who only read them.
 */
export class ReadModelCache<Value> {
  private readonly values = new Map<string, Value>();
  /** Moves on every drop: a read that began before a drop must not fill the cache with what it found. */
  private generation = 0;
  private following = false;

  constructor(
    private readonly changes: ReadModelChanges,
    private readonly readModels: readonly string[],
    private readonly maxKeys = 10_000,
  ) {}

  /** The cached value of `key`, else what `read` finds (kept when it found one and nothing changed meanwhile). */
  async get(key: string, read: () => Promise<Value | null>): Promise<Value | null> {
    if (!this.follow()) return read();
    const cached = this.values.get(key);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const value = await read();
    if (value !== null && generation === this.generation) {
      if (this.values.size >= this.maxKeys) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }

  get size(): number {
    return this.values.size;
  }

  /** Registers with the change feed once it can (the runner is attached after the app starts). */
  private follow(): boolean {
    if (this.following) return true;
    const unregister = this.changes.onChange((name) => {
      if (this.readModels.includes(name)) this.drop();
    });
    this.following = unregister !== null;
    return this.following;
  }

  private drop(): void {
    this.generation++;
    this.values.clear();
  }
}
