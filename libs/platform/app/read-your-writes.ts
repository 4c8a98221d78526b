import { ReadStore } from '../read-store/read-store.port';
import { PositionSource } from '../subscriptions/position-source';

const POLL_MS = 20;

/**
 * Waits (bounded) until consumers of the log reach a position: the read models, for a client reading its
 * own write; or every consumer, process managers included, for the sandbox clock to know a day settled.
 * In the all-in-one process it asks the local runner (and the projector thread, when projectors run there: see
 * libs/projection-runner/thread); in a split deployment it polls the checkpoints.
 */
export class ReadYourWrites {
  private runner: PositionSource | null = null;

  constructor(
    private readonly store: ReadStore,
    private readonly readModels: string[],
    private readonly processManagers: string[],
    readonly timeoutMs: number,
  ) {}

  attach(runner: PositionSource): void {
    this.runner = runner;
  }

  /**
   * Registers `listener` for the local consumers' changes (a consumer's name once it handled events of its types,
   * told before the waiters for that position): what keeps an in-memory cache of a read model current. Null when no
   * local runner is attached (a split deployment's API process: another process builds the read models, so nothing
   * here would know of a change, and such a cache must not be used).
   */
  onChange(listener: (name: string) => void): (() => void) | null {
    return this.runner ? this.runner.onChange(listener) : null;
  }

  /** True when a command's HTTP response should wait for its read models (all-in-one). */
  get waitsAfterCommands(): boolean {
    return this.runner !== null;
  }

  /** The read models reached `position`. */
  waitFor(position: number, timeoutMs = this.timeoutMs): Promise<boolean> {
    return this.wait(position, timeoutMs, this.readModels);
  }

  /** Every consumer, process managers included, reached `position` (and so issued what it caused). */
  waitForEverything(position: number, timeoutMs = this.timeoutMs): Promise<boolean> {
    return this.wait(position, timeoutMs, [...this.readModels, ...this.processManagers]);
  }

  private async wait(position: number, timeoutMs: number, names: string[]): Promise<boolean> {
    if (this.runner) return this.runner.waitFor(position, timeoutMs, names);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.lowestCheckpoint(names)) >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async lowestCheckpoint(names: string[]): Promise<number> {
    const checkpoints = await Promise.all(names.map((name) => this.store.getCheckpoint(name)));
    return Math.min(...checkpoints.map((c) => c ?? 0));
  }
}
