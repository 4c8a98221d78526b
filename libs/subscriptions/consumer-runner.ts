import type { Logger } from 'pino';
import { AllSubscription, EventStore } from '../event-store/event-store.port';
import { ReadStore } from '../read-store/read-store.port';
import { projectBatch } from './project-batch';
import { Projector } from './projector';

interface RunningProjector {
  projector: Projector;
  position: number;
  subscription?: AllSubscription;
  loop?: Promise<void>;
}

const RETRY_DELAY_MS = 1000;

/**
 * Runs every projector from its checkpoint: catch up, then follow the log live, a batch at a time,
 * each batch committed with its checkpoint. `waitFor` lets a caller read its own writes.
 */
export class ProjectionRunner {
  private readonly running: RunningProjector[];
  private readonly waiters = new Set<() => void>();
  private stopping = false;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    projectors: Projector[],
    private readonly logger: Logger,
    private readonly batchSize = 500,
  ) {
    this.running = projectors.map((projector) => ({ projector, position: 0 }));
  }

  get names(): string[] {
    return this.running.map((r) => r.projector.name);
  }

  /** Lowest position every projector has reached. */
  get position(): number {
    return Math.min(...this.running.map((r) => r.position));
  }

  positions(): Record<string, number> {
    return Object.fromEntries(this.running.map((r) => [r.projector.name, r.position]));
  }

  async start(): Promise<void> {
    await this.store.ensureCollections(this.running.flatMap((r) => r.projector.collections));
    for (const entry of this.running) {
      entry.position = (await this.store.getCheckpoint(entry.projector.name)) ?? 0;
      entry.loop = this.follow(entry);
    }
  }

  /** Ends the subscriptions after the batch in flight has committed with its checkpoint. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.map((entry) => entry.subscription?.close()));
    await Promise.all(this.running.map((entry) => entry.loop));
    this.notify();
  }

  /** Resolves true once every projector has reached `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (this.position >= position || this.stopping) finish(this.position >= position);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (reached: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(reached);
      };
      this.waiters.add(check);
    });
  }

  private async follow(entry: RunningProjector): Promise<void> {
    while (!this.stopping) {
      try {
        entry.subscription = this.events.subscribeToAll({ after: entry.position, batchSize: this.batchSize });
        for await (const batch of entry.subscription) {
          entry.position = Math.max(entry.position, await projectBatch(entry.projector, batch, this.store));
          this.notify();
          if (this.stopping) break;
        }
      } catch (error) {
        // A failing batch is not skipped: log, wait, and resume from the last committed checkpoint.
        this.logger.error({ err: error, projector: entry.projector.name, position: entry.position }, 'projection batch failed');
        await entry.subscription?.close().catch(() => undefined);
        if (!this.stopping) await delay(RETRY_DELAY_MS);
        entry.position = (await this.store.getCheckpoint(entry.projector.name).catch(() => null)) ?? entry.position;
      }
    }
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
