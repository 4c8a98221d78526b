import type { Logger } from 'pino';
import { AllSubscription, batchEnd, EventBatch, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { ReadStore } from '../read-store/read-store.port';
import { ParkedEvent, ParkedEvents, retryDelayMs } from './parked-events';
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
  /**
   * The effects of these events without moving the checkpoint: how the runner handles events one at a time
   * when a batch failed, and replays a parked event. Safe to repeat, as a redelivered batch is.
   */
  handleEvents(events: RecordedEvent[]): Promise<void>;
}

/** How parked events are retried (see ParkedEvent). */
export interface ParkingOptions {
  /** First automatic retry this long after parking, then twice as long each time, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often a consumer with parked events looks for retries that are due or that an operator asked for. */
  pollMs: number;
  /** Wall clock (ms) for the records' instants and the back-off; tests set it. */
  now: () => number;
}

export const DEFAULT_PARKING: ParkingOptions = { retryBaseMs: 5_000, retryMaxMs: 15 * 60_000, pollMs: 1_000, now: Date.now };

interface Running {
  consumer: Consumer;
  position: number;
  subscription?: AllSubscription;
  loop?: Promise<void>;
  /** Tenants whose events wait behind a parked one (the record names it). */
  blocked: Map<string, ParkedEvent>;
  /** The last batch failed: the next is handled event by event, and what fails is parked. */
  isolateNext: boolean;
  consecutiveFailures: number;
  /** Batches and retries of one consumer take turns: a retry replays up to the position the batches reached. */
  turn: Promise<void>;
}

/** Whole-batch retries (the stores failing, not one event) back off from this, doubling, up to the max. */
const RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 30_000;
/** Events read per page when a retry replays a tenant's events from its parked one. */
const REPLAY_PAGE = 1000;

/**
 * Runs consumers from their checkpoints: catch up, then follow the log live, a batch at a time.
 *
 * Failure isolation: a failing batch is retried from the last checkpoint, never skipped, event by event.
 * An event that fails alone is parked (a ParkedEvent record: consumer, tenant, position, error), and the
 * consumer goes on with other tenants' events; that tenant's later events for the consumer wait behind it.
 * Parked events are retried with back-off, and at once when an operator asks (the admin API); a retry
 * replays the tenant's events from the parked one up to where the consumer is, then the tenant goes on
 * with the others. If even the event-by-event pass fails (the stores are down), the batch is retried from
 * the checkpoint with back-off, as before. `waitFor` lets callers read their own writes and lets the
 * sandbox clock know when a day has settled (it asks the parked events too).
 */
export class ConsumerRunner implements PositionSource {
  private readonly running: Running[];
  private readonly waiters = new Set<() => void>();
  private readonly moveListeners = new Set<() => void>();
  private readonly changeListeners = new Set<(name: string) => void>();
  private readonly parked: ParkedEvents;
  private readonly parking: ParkingOptions;
  private retryTimer: NodeJS.Timeout | null = null;
  private retrying = false;
  private stopping = false;
  private failures = 0;

  constructor(
    private readonly events: EventStore,
    private readonly checkpoints: ReadStore,
    consumers: Consumer[],
    private readonly logger: Logger,
    private readonly batchSize = 500,
    parking: Partial<ParkingOptions> = {},
  ) {
    const names = consumers.map((c) => c.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`Two consumers are named "${duplicate}": each needs its own checkpoint`);
    this.parking = { ...DEFAULT_PARKING, ...parking };
    this.parked = new ParkedEvents(checkpoints, this.parking.now);
    this.running = consumers.map((consumer) => ({ consumer, position: 0, blocked: new Map(), isolateNext: false, consecutiveFailures: 0, turn: Promise.resolve() }));
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
    await this.parked.prepare();
    const parked = await this.parked.list();
    for (const entry of this.running) {
      await entry.consumer.prepare?.();
      entry.position = (await this.checkpoints.getCheckpoint(entry.consumer.name)) ?? 0;
      for (const record of parked.filter((p) => p.consumer === entry.consumer.name)) entry.blocked.set(record.tenantId, record);
    }
    for (const entry of this.running) entry.loop = this.follow(entry);
    this.retryTimer = setInterval(() => void this.retryDue(), this.parking.pollMs);
    this.retryTimer.unref();
  }

  /** Ends the subscriptions after the batch in flight has finished and moved its checkpoint. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retryTimer) clearInterval(this.retryTimer);
    await Promise.all(this.running.map((entry) => entry.subscription?.close()));
    await Promise.all(this.running.map((entry) => entry.loop));
    await Promise.all(this.running.map((entry) => entry.turn));
    this.notify();
  }

  /** Resolves true once the named consumers (all by default) reached `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    return waitUntilReached(() => this.position(names) >= position, () => this.stopping, this.waiters, timeoutMs);
  }

  /**
   * Called with a consumer's name after it handled events of its types (a projector: its documents may have
   * changed), before the waiters for that position are told: a cache of a read model drops what it holds first.
   */
  onChange(listener: (name: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
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
          await this.inTurn(entry, async () => {
            await this.handle(entry, batch);
            entry.position = Math.max(entry.position, end);
          });
          entry.consecutiveFailures = 0;
          this.notify();
          if (this.stopping) break;
        }
      } catch (error) {
        this.failures++;
        entry.consecutiveFailures++;
        const wait = Math.min(MAX_RETRY_DELAY_MS, RETRY_DELAY_MS * 2 ** Math.min(10, entry.consecutiveFailures - 1));
        this.logger.error(
          { err: error, consumer: entry.consumer.name, position: entry.position, retryInMs: wait },
          entry.isolateNext ? 'batch failed again, event by event (the stores?); retrying from the checkpoint' : 'batch failed; retrying it event by event, parking what fails',
        );
        entry.isolateNext = true;
        await entry.subscription?.close().catch(() => undefined);
        if (!this.stopping) await delay(wait);
        entry.position = (await this.checkpoints.getCheckpoint(entry.consumer.name).catch(() => null)) ?? entry.position;
      }
    }
  }

  /** The batch without the events of blocked tenants; after a failure, event by event. */
  private async handle(entry: Running, batch: EventBatch): Promise<void> {
    const events = entry.blocked.size === 0 ? batch : withoutTenants(batch, entry.blocked);
    try {
      await this.handleUnblocked(entry, batch, events);
    } finally {
      // Also after a failure: an event-by-event pass may have written some of its events.
      if (events.length > 0) this.changed(entry.consumer.name);
    }
  }

  private async handleUnblocked(entry: Running, batch: EventBatch, events: EventBatch): Promise<void> {
    if (!entry.isolateNext) return entry.consumer.handleBatch(events);
    const wanted = entry.consumer.eventTypes ? new Set(entry.consumer.eventTypes) : null;
    for (const event of events) {
      if ((wanted && !wanted.has(event.type)) || entry.blocked.has(event.metadata.tenantId)) continue;
      try {
        await entry.consumer.handleEvents([event]);
      } catch (error) {
        if (this.stopping) throw error;
        await this.park(entry, event, error);
      }
    }
    await entry.consumer.handleBatch(onlyThrough(batchEnd(batch)));
    entry.isolateNext = false;
  }

  private async park(entry: Running, event: RecordedEvent, error: unknown): Promise<void> {
    const now = this.parking.now();
    const parked: ParkedEvent = {
      consumer: entry.consumer.name,
      tenantId: event.metadata.tenantId,
      position: event.position,
      eventId: event.id,
      eventType: event.type,
      streamName: event.streamName,
      error: messageOf(error),
      attempts: 1,
      parkedAt: new Date(now).toISOString(),
      lastAttemptAt: new Date(now).toISOString(),
      nextRetryAt: new Date(now + retryDelayMs(1, this.parking.retryBaseMs, this.parking.retryMaxMs)).toISOString(),
    };
    await this.parked.save(parked);
    entry.blocked.set(parked.tenantId, parked);
    const { consumer, tenantId, position, eventType, eventId } = parked;
    this.logger.error(
      { err: error, consumer, tenantId, position, eventType, eventId },
      "event parked: this tenant's later events wait behind it for this consumer, other tenants go on (GET /v1/admin/parked-events)",
    );
  }

  /** Retries the parked events that are due or that an operator asked for, one consumer's at a time. */
  private async retryDue(): Promise<void> {
    if (this.retrying || this.stopping || this.running.every((entry) => entry.blocked.size === 0)) return;
    this.retrying = true;
    try {
      for (const entry of this.running) {
        if (entry.blocked.size === 0) continue;
        for (const record of await this.parked.list({ consumer: entry.consumer.name })) {
          if (this.stopping) return;
          const due = record.retryRequestedAt !== undefined || Date.parse(record.nextRetryAt) <= this.parking.now();
          if (due && entry.blocked.has(record.tenantId)) await this.inTurn(entry, () => this.retry(entry, record));
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'retrying parked events failed; trying again later');
    } finally {
      this.retrying = false;
    }
  }

  /**
   * Replays the tenant's events from the parked one up to where the consumer is. All handled: the record goes
   * and the tenant's events flow again. One fails: the record names it, with the back-off's next time.
   */
  private async retry(entry: Running, record: ParkedEvent): Promise<void> {
    const wanted = entry.consumer.eventTypes ? new Set(entry.consumer.eventTypes) : null;
    for await (const event of this.tenantEvents(record.tenantId, record.position, entry.position)) {
      if (wanted && !wanted.has(event.type)) continue;
      try {
        await entry.consumer.handleEvents([event]);
        this.changed(entry.consumer.name);
      } catch (error) {
        if (this.stopping) throw error;
        const now = this.parking.now();
        const attempts = record.attempts + 1;
        const { retryRequestedAt: _asked, ...rest } = record;
        const updated: ParkedEvent = {
          ...rest,
          ...{ position: event.position, eventId: event.id, eventType: event.type, streamName: event.streamName },
          error: messageOf(error),
          attempts,
          lastAttemptAt: new Date(now).toISOString(),
          nextRetryAt: new Date(now + retryDelayMs(attempts, this.parking.retryBaseMs, this.parking.retryMaxMs)).toISOString(),
        };
        await this.parked.save(updated);
        entry.blocked.set(record.tenantId, updated);
        // Logged when parked; a retry that fails again is only worth a debug line (the record shows it).
        this.logger.debug({ consumer: record.consumer, tenantId: record.tenantId, position: event.position, attempts }, 'parked event failed again');
        return;
      }
    }
    await this.parked.remove(record.consumer, record.tenantId);
    entry.blocked.delete(record.tenantId);
    this.logger.info({ consumer: record.consumer, tenantId: record.tenantId, position: record.position, attempts: record.attempts + 1 }, 'parked event handled; the tenant goes on');
  }

  /** The tenant's events from `from` (inclusive) to `through` (inclusive), in log order. */
  private async *tenantEvents(tenantId: string, from: number, through: number): AsyncGenerator<RecordedEvent> {
    for (let after = from - 1; after < through; ) {
      const page = await this.events.readAll({ after, maxCount: REPLAY_PAGE });
      if (page.length === 0) return;
      for (const event of page) {
        if (event.position > through) return;
        if (event.metadata.tenantId === tenantId) yield event;
      }
      after = page[page.length - 1].position;
    }
  }

  private inTurn(entry: Running, work: () => Promise<void>): Promise<void> {
    const run = entry.turn.then(work);
    entry.turn = run.catch(() => undefined);
    return run;
  }

  private changed(name: string): void {
    for (const listener of [...this.changeListeners]) listener(name);
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
    for (const listener of [...this.moveListeners]) listener();
  }
}

/** The batch without the blocked tenants' events; it still reaches as far as the batch did. */
function withoutTenants(batch: EventBatch, blocked: Map<string, unknown>): EventBatch {
  return Object.assign(batch.filter((event) => !blocked.has(event.metadata.tenantId)), { through: batchEnd(batch) });
}

/** A batch without events that moves the checkpoint to `position`. */
function onlyThrough(position: number): EventBatch {
  return Object.assign([] as RecordedEvent[], { through: position });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
