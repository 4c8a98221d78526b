/**
 * How far consumers of the log got, and a way to wait for them: what read-your-writes and the sandbox clock
 * ask. A position is reported only once the batch that reached it committed (its checkpoint included).
 */
export interface PositionSource {
  /** The consumers this source knows. */
  readonly names: string[];
  /** Lowest position reached by the named consumers this source knows (all of them by default); Infinity if none. */
  position(names?: readonly string[]): number;
  /** Resolves true once the named consumers this source knows reached `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean>;
  /**
   * Calls `listener` with a consumer's name once it handled events of its types (its read model may have changed),
   * before the waiters for that position are told. Returns the unregister function.
   */
  onChange(listener: (name: string) => void): () => void;
}

/**
 * Positions reported from elsewhere (the projector thread posts them after each batch's commit). They only
 * move forward: a late or repeated report never takes a consumer back.
 */
export class ReportedPositions implements PositionSource {
  private readonly reached = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private readonly changeListeners = new Set<(name: string) => void>();
  private closed = false;

  constructor(readonly names: string[]) {
    for (const name of names) this.reached.set(name, 0);
  }

  /** `changed`: the consumers that handled events of their types since the last report (told before the waiters). */
  report(positions: Record<string, number>, changed: readonly string[] = []): void {
    for (const name of changed) for (const listener of [...this.changeListeners]) listener(name);
    for (const [name, position] of Object.entries(positions)) {
      const current = this.reached.get(name);
      if (current !== undefined && position > current) this.reached.set(name, position);
    }
    this.notify();
  }

  /** Waiters answer now (with whether they were reached): nothing more will be reported. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  positions(): Record<string, number> {
    return Object.fromEntries(this.reached);
  }

  position(names?: readonly string[]): number {
    const chosen = names ? this.names.filter((name) => names.includes(name)) : this.names;
    return chosen.length === 0 ? Infinity : Math.min(...chosen.map((name) => this.reached.get(name) ?? 0));
  }

  waitFor(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    return waitUntilReached(() => this.position(names) >= position, () => this.closed, this.waiters, timeoutMs);
  }

  onChange(listener: (name: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** Several sources as one (all-in-one with projectors in a thread: local process managers + remote projectors). */
export class CombinedPositions implements PositionSource {
  constructor(private readonly sources: PositionSource[]) {}

  get names(): string[] {
    return this.sources.flatMap((source) => source.names);
  }

  position(names?: readonly string[]): number {
    return Math.min(...this.sources.map((source) => source.position(names)));
  }

  async waitFor(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    const answers = await Promise.all(this.sources.map((source) => source.waitFor(position, timeoutMs, names)));
    return answers.every(Boolean);
  }

  onChange(listener: (name: string) => void): () => void {
    const unregister = this.sources.map((source) => source.onChange(listener));
    return () => unregister.forEach((stop) => stop());
  }
}

/** Shared by the sources: resolve at once when reached, else on a notify that finds it reached (or stopped), else on time out. */
export function waitUntilReached(
  reached: () => boolean,
  stopped: () => boolean,
  waiters: Set<() => void>,
  timeoutMs: number,
): Promise<boolean> {
  if (reached()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const check = () => {
      if (reached() || stopped()) finish(reached());
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (result: boolean) => {
      clearTimeout(timer);
      waiters.delete(check);
      resolve(result);
    };
    waiters.add(check);
  });
}
