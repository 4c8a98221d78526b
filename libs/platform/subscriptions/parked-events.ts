import { CollectionSpec, ReadStore, SYSTEM_TENANT } from '../read-store/read-store.port';

/** The read-store collection of parked events (process-wide documents, tenant `_system`). */
export const PARKED_EVENTS = 'parkedEvents';
export const PARKED_EVENTS_COLLECTION: CollectionSpec = { name: PARKED_EVENTS, indexes: ['consumer', 'tenantId'] };

/**
 * An event one consumer could not handle for one tenant. The consumer went on with other tenants' events;
 * this tenant's later events for the same consumer wait behind it (order matters within a tenant) until a
 * retry handles it and them. One record per consumer and tenant: it names the first event that failed.
 */
export interface ParkedEvent {
  consumer: string;
  tenantId: string;
  /** Log position of the event that failed; the tenant's events from here on wait. */
  position: number;
  eventId: string;
  eventType: string;
  streamName: string;
  /** The last attempt's error message. */
  error: string;
  /** Attempts so far (1 when first parked). */
  attempts: number;
  /** Wall-clock instants (ISO-8601): operations data, not business time. */
  parkedAt: string;
  lastAttemptAt: string;
  nextRetryAt: string;
  /** Set by an operator's retry (the admin API): retried at the consumer's next look, whatever the back-off says. */
  retryRequestedAt?: string;
}

/** Back-off of automatic retries: base, 2 × base, 4 × base, … up to max. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}

/**
 * The parked-event records in the read store: written by the consumer runner that owns the consumer, read
 * by /health, the admin API and the sandbox clock. Writes are versioned by wall time (each one above the
 * record's last), so the store's position guard orders them; a retry request is a patch, which a record
 * removed in the meantime (resolved) ignores.
 */
export class ParkedEvents {
  private lastVersion = 0;

  constructor(
    private readonly store: ReadStore,
    private readonly now: () => number = Date.now,
  ) {}

  static id(consumer: string, tenantId: string): string {
    return `${consumer}:${tenantId}`;
  }

  prepare(): Promise<void> {
    return this.store.ensureCollections([PARKED_EVENTS_COLLECTION]);
  }

  /** Every parked event, or those of one consumer or one tenant, oldest position first. */
  async list(filter: { consumer?: string; tenantId?: string } = {}): Promise<ParkedEvent[]> {
    const found: ParkedEvent[] = [];
    const where = { ...(filter.consumer ? { consumer: filter.consumer } : {}), ...(filter.tenantId ? { tenantId: filter.tenantId } : {}) };
    let cursor: string | undefined;
    do {
      const page = await this.store.find<ParkedEvent & Record<string, unknown>>(PARKED_EVENTS, SYSTEM_TENANT, { filter: where, limit: 500, cursor });
      found.push(...page.items.map(withoutStoreFields));
      cursor = page.nextCursor;
    } while (cursor);
    return found.sort((a, b) => a.position - b.position || (a.consumer < b.consumer ? -1 : 1));
  }

  async get(consumer: string, tenantId: string): Promise<ParkedEvent | null> {
    const doc = await this.store.get<ParkedEvent & Record<string, unknown>>(PARKED_EVENTS, SYSTEM_TENANT, ParkedEvents.id(consumer, tenantId));
    return doc ? withoutStoreFields(doc) : null;
  }

  async save(parked: ParkedEvent): Promise<void> {
    const id = ParkedEvents.id(parked.consumer, parked.tenantId);
    await this.store.apply([{ op: 'upsert', collection: PARKED_EVENTS, tenantId: SYSTEM_TENANT, id, doc: { ...parked }, position: await this.version(id) }]);
  }

  async remove(consumer: string, tenantId: string): Promise<void> {
    const id = ParkedEvents.id(consumer, tenantId);
    await this.store.apply([{ op: 'delete', collection: PARKED_EVENTS, tenantId: SYSTEM_TENANT, id, position: await this.version(id) }]);
  }

  /** Asks the owning runner to retry now; null when nothing is parked there. */
  async requestRetry(consumer: string, tenantId: string): Promise<ParkedEvent | null> {
    const id = ParkedEvents.id(consumer, tenantId);
    const fields = { retryRequestedAt: new Date(this.now()).toISOString() };
    await this.store.apply([{ op: 'patch', collection: PARKED_EVENTS, tenantId: SYSTEM_TENANT, id, fields, position: await this.version(id) }]);
    return this.get(consumer, tenantId);
  }

  /**
   * A position above the record's last write: the wall clock, or one more when it has not moved on. Also above
   * this instance's own last write, since a removed record leaves a tombstone at its position that `get` hides.
   */
  private async version(id: string): Promise<number> {
    const current = await this.store.get(PARKED_EVENTS, SYSTEM_TENANT, id);
    this.lastVersion = Math.max(this.now(), (current?._position ?? 0) + 1, this.lastVersion + 1);
    return this.lastVersion;
  }
}

function withoutStoreFields(doc: ParkedEvent & { id?: string; _position?: number }): ParkedEvent {
  const { id: _id, _position, ...parked } = doc;
  return parked as ParkedEvent;
}
