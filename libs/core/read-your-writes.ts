import { ReadStore } from '../read-store/read-store.port';
import { ProjectionRunner } from '../projection-runner/projection-runner';

const POLL_MS = 20;

/**
 * Waits (bounded) until the read models reflect a log position. In the all-in-one process it asks the
 * local projection runner; in a split deployment it polls the projectors' checkpoints in the read store.
 */
export class ReadYourWrites {
  private runner: ProjectionRunner | null = null;

  constructor(
    private readonly store: ReadStore,
    private readonly projectorNames: string[],
    readonly timeoutMs: number,
  ) {}

  attach(runner: ProjectionRunner): void {
    this.runner = runner;
  }

  /** True when a command's HTTP response should wait for its read models (all-in-one). */
  get waitsAfterCommands(): boolean {
    return this.runner !== null;
  }

  async waitFor(position: number, timeoutMs = this.timeoutMs): Promise<boolean> {
    if (this.runner) return this.runner.waitFor(position, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.lowestCheckpoint()) >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async lowestCheckpoint(): Promise<number> {
    const checkpoints = await Promise.all(this.projectorNames.map((name) => this.store.getCheckpoint(name)));
    return Math.min(...checkpoints.map((c) => c ?? 0));
  }
}
