import type { Logger } from 'pino';
import { AllSubscription, batchEnd, EventBatch, EventStore } from '../event-store/event-store.port';
import { ReadStore } from '../read-store/read-store.port';
import { PositionSource, waitUntilReached } from './position-source';

/**
 * Something that follows the log from a checkpoint: a projector or a process manager. `handleBatch`
 * must leave the checkpoint at the batch's last position once (and only once) the batch's effects are done.
 */
export interface Consumer {
  name: string;
  /** The only event types it reads: passed to the subscription as a hint (see SubscribeOptions.eventTypes). */
  eventTypes?: readonly string[];
  /** Most events per batch for this consumer (the runner's own default otherwise). */
  batchSize?: number;
  prepare?(): Promise<void>;
  /**
   * Must leave the checkpoint at `batchEnd(events)`. With `eventTypes` a batch may be empty (only other types
   * were appended): the checkpoint still moves.
   */
  handleBatch(events: EventBatch): Promise<void>;
}

interface Running {
  consumer: Consumer;
  position: number;
  subscription?: AllSubscription;
  loop?: Promise<void>;
}

const RETRY_DELAY_MS = 1000;

/**
 * Runs consumers from their checkpoints: catch up, then follow the log live, a batch at a time. A failing
 * batch is retried from the last checkpoint, never skipped. `waitFor` lets callers read their own writes
 * and lets the sandbox clock know when a day has settled.
 */
export class ConsumerRunner implements PositionSource {
  private readonly running: Running[];
  private readonly waiters = new Set<() => void>();
  private readonly moveListeners = new Set<() => void>();
  private stopping = false;
  private failures = 0;

  constructor(
    private readonly events: EventStore,
    private readonly checkpoints: ReadStore,
    consumers: Consumer[],
    private readonly logger: Logger,
    private readonly batchSize = 500,
  ) {
    const names = consumers.map((c) => c.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`Two consumers are named "${duplicate}": each needs its own checkpoint`);
    this.running = consumers.map((consumer) => ({ consumer, position: 0 }));
  }

  get names(): string[] {
    return this.running.map((r) => r.consumer.name);
  }

  /** Batches that failed (and were retried from the checkpoint) since start. */
  get failedBatches(): number {
    return this.failures;
  }

  positions(): Record<string, number> {
    return Object.fromEntries(this.running.map((r) => [r.consumer.name, r.position]));
  }

  /** Lowest position reached by the named consumers (all of them by default). */
  position(names?: readonly string[]): number {
    const chosen = names ? this.running.filter((r) => names.includes(r.consumer.name)) : this.running;
    return chosen.length === 0 ? Infinity : Math.min(...chosen.map((r) => r.position));
  }

  async start(): Promise<void> {
    for (const entry of this.running) {
      await entry.consumer.prepare?.();
      entry.position = (await this.checkpoints.getCheckpoint(entry.consumer.name)) ?? 0;
    }
    for (const entry of this.running) entry.loop = this.follow(entry);
  }

  /** Ends the subscriptions after the batch in flight has finished and moved its checkpoint. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.map((entry) => entry.subscription?.close()));
    await Promise.all(this.running.map((entry) => entry.loop));
    this.notify();
  }

  /** Resolves true once the named consumers (all by default) reached `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    return waitUntilReached(() => this.position(names) >= position, () => this.stopping, this.waiters, timeoutMs);
  }

  /** Called after a consumer's position moved (its batch committed); e.g. to report positions to another thread. */
  onMove(listener: () => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }

  private async follow(entry: Running): Promise<void> {
    while (!this.stopping) {
      try {
        const { eventTypes, batchSize = this.batchSize } = entry.consumer;
        entry.subscription = this.events.subscribeToAll({ after: entry.position, batchSize, eventTypes });
        for await (const batch of entry.subscription) {
          const end = batchEnd(batch);
          if (end <= entry.position) continue;
          await entry.consumer.handleBatch(batch);
          entry.position = Math.max(entry.position, end);
          this.notify();
          if (this.stopping) break;
        }
      } catch (error) {
        this.failures++;
        this.logger.error({ err: error, consumer: entry.consumer.name, position: entry.position }, 'batch failed; retrying from the checkpoint');
        await entry.subscription?.close().catch(() => undefined);
        if (!this.stopping) await delay(RETRY_DELAY_MS);
        entry.position = (await this.checkpoints.getCheckpoint(entry.consumer.name).catch(() => null)) ?? entry.position;
      }
    }
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
    for (const listener of [...this.moveListeners]) listener();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
