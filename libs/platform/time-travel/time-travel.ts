import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { EventStore, RecordedEvent } from '../event-store/event-store.port';
import { projectChunk } from '../projection-runner/project-batch';
import { Projector } from '../projection-runner/projector';
import { ReadStore } from '../read-store/read-store.port';
import { InvalidInputError } from '../../shared-kernel/errors';
import { compareDates, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { scratchReadStore } from './replay';

/**
 * Time travel (issue 21, Must have 3; decision 0020): a read of the past is the same query run against the read
 * models as they were right after a log position, rebuilt from the log through the same projectors into a
 * throwaway store in memory. So the answer is, by construction, what the live read returned at that time.
 */

/** What a route was asked: the end of a business day, or right after a log position. */
export type AsOf = { asOf: string } | { asOfPosition: number };

/** The query parameters the time-travelling routes declare (`@Query('asOf')`, `@Query('asOfPosition')`). */
const AS_OF_PARAMETERS = [
  { name: 'asOf', required: false, description: 'YYYY-MM-DD: the answer as it was at the end of that business day (not before the tenant was created, not after its business date)' },
  { name: 'asOfPosition', required: false, description: 'A log position: the answer as it was right after it (not beyond the end of the log); not with asOf' },
] as const;

/** The two time-travel query parameters in the OpenAPI document, on a route that reads them with `parseAsOf`. */
export const AsOfQueries = () => applyDecorators(ApiQuery(AS_OF_PARAMETERS[0]), ApiQuery(AS_OF_PARAMETERS[1]));

/** `null` for a live read; a 400 naming the parameter for a malformed value or both given. */
export function parseAsOf(raw: { asOf?: unknown; asOfPosition?: unknown }): AsOf | null {
  const { asOf, asOfPosition } = raw;
  if (asOf !== undefined && asOfPosition !== undefined) {
    const message = 'asOf and asOfPosition cannot be given together: ask for the end of a business day or for a log position';
    throw new InvalidInputError(message, [
      { field: 'asOf', rule: 'exclusive', message },
      { field: 'asOfPosition', rule: 'exclusive', message },
    ]);
  }
  if (asOf !== undefined) return { asOf: parseCalendarDate(asOf, 'asOf') };
  if (asOfPosition === undefined) return null;
  if (typeof asOfPosition !== 'string' || !/^\d{1,15}$/.test(asOfPosition) || Number(asOfPosition) < 1) {
    throw InvalidInputError.forField('asOfPosition', 'positiveInteger', `asOfPosition must be a log position, a whole number from 1 (got ${JSON.stringify(asOfPosition)})`);
  }
  return { asOfPosition: Number(asOfPosition) };
}

/** The tenant as the routes have it (TenantView's fields the rules read). */
export interface TimeTravelTenant {
  id: string;
  /** The first business day of the tenant: nothing can be asked before it. */
  createdOn: string;
}

/** A business day of the tenant: the position of the event that started it (`BusinessDayStarted`). */
export interface BusinessDay {
  date: string;
  position: number;
}

export interface TimeTravelOptions<T extends TimeTravelTenant> {
  events: EventStore;
  projectors: readonly Projector[];
  /** The tenant's business days started so far, in log order (the time context's clock stream). */
  businessDays(tenantId: string): Promise<BusinessDay[]>;
  /** The tenant's business date now (a sandbox's clock, a production tenant's today). */
  today(tenant: T): string;
  /** Events read from the log per step of a replay. Default 10,000. */
  chunkSize?: number;
  /** The fast way to one account's own document (readAccount); without it readAccount replays the whole tenant. */
  account?: AccountReplay;
}

/**
 * One account's document as of a position from the events about that account alone: the projectors that write the
 * account's document (they read no other document), fed the events about the account up to the position, in log
 * order, of the types those projectors read (its timeline's index and its own stream). `events` answers null when it
 * cannot tell (the index is behind).
 */
export interface AccountReplay {
  projectors: readonly Projector[];
  events(tenantId: string, accountId: string, upTo: number): Promise<RecordedEvent[] | null>;
}

/** The read models of one tenant as they were right after `position`, and the business date the clock showed then. */
export interface PastView {
  store: ReadStore;
  position: number;
  businessDate: string;
}

/** One tenant's replayed store, moved forward along the log as later positions are asked. */
interface Replay {
  /** Null until the first read (made inside the queue). */
  store: ReadStore | null;
  position: number;
  /** The tenant's reads and moves of this store, one at a time: a read never sees the store move under it. */
  queue: Promise<unknown>;
}

/** Tenants whose replayed store is kept in memory between reads. */
const MAX_REPLAYS = 4;

export class TimeTravel<T extends TimeTravelTenant = TimeTravelTenant> {
  private readonly replays = new Map<string, Replay>();
  private readonly chunkSize: number;

  constructor(private readonly options: TimeTravelOptions<T>) {
    this.chunkSize = options.chunkSize ?? 10_000;
  }

  /**
   * Runs `read` against the tenant's read models as of `asOf`, or against `live` (with today's business date) when
   * nothing was asked. Reads of one tenant's past run one at a time (they share a replayed store, which only ever
   * moves forward; a position before it replays from the start).
   */
  async read<R>(tenant: T, asOf: AsOf | null, live: ReadStore, read: (view: PastView) => Promise<R>): Promise<R> {
    if (asOf === null) return read({ store: live, position: Number.NaN, businessDate: this.options.today(tenant) });
    const { position, businessDate } = await this.resolve(tenant, asOf);
    return this.withReplay(tenant.id, position, (store) => read({ store, position, businessDate }));
  }

  /**
   * `read` against the read models as of `asOf`, for a read of one account's own document: only the events about the
   * account are replayed, through the projectors that write it (options.account), into a store of its own; when
   * those cannot be told, as `read` does.
   */
  async readAccount<R>(tenant: T, asOf: AsOf | null, accountId: string, live: ReadStore, read: (view: PastView) => Promise<R>): Promise<R> {
    const scope = this.options.account;
    if (asOf === null || !scope) return this.read(tenant, asOf, live, read);
    const { position, businessDate } = await this.resolve(tenant, asOf);
    const events = await scope.events(tenant.id, accountId, position);
    if (events === null) return this.withReplay(tenant.id, position, (store) => read({ store, position, businessDate }));
    const store = await scratchReadStore(scope.projectors);
    try {
      await projectChunk(store, scope.projectors, events);
      return await read({ store, position, businessDate });
    } finally {
      await store.close();
    }
  }

  /** The log position and business date `asOf` stands for; a 400 naming the parameter when it cannot be answered. */
  async resolve(tenant: T, asOf: AsOf): Promise<{ position: number; businessDate: string }> {
    const head = await this.options.events.headPosition();
    const days = await this.options.businessDays(tenant.id);
    if ('asOf' in asOf) {
      const date = asOf.asOf;
      if (compareDates(date, tenant.createdOn) < 0) {
        throw InvalidInputError.forField('asOf', 'notBeforeTenant', `asOf must not be before the tenant was created (${tenant.createdOn}); got ${date}`);
      }
      const today = this.options.today(tenant);
      if (compareDates(date, today) > 0) {
        throw InvalidInputError.forField('asOf', 'notAfterBusinessDate', `asOf must not be after the tenant's business date (${today}); got ${date}`);
      }
      // The end of day D is right before the event that started the next day; the current day ends at the head.
      const next = days.find((day) => compareDates(day.date, date) > 0);
      return { position: next ? next.position - 1 : head, businessDate: date };
    }
    const position = asOf.asOfPosition;
    if (position > head) {
      throw InvalidInputError.forField('asOfPosition', 'notBeyondLog', `asOfPosition must not be beyond the end of the log (position ${head}); got ${position}`);
    }
    let businessDate = tenant.createdOn;
    for (const day of days) if (day.position <= position) businessDate = day.date;
    return { position, businessDate };
  }

  /** Nest calls it when the app closes. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Closes every replayed store (the app's shutdown, a test's end). */
  async close(): Promise<void> {
    const replays = [...this.replays.values()];
    this.replays.clear();
    for (const replay of replays) await replay.queue.catch(() => undefined).then(() => replay.store?.close());
  }

  private async withReplay<R>(tenantId: string, position: number, read: (store: ReadStore) => Promise<R>): Promise<R> {
    let replay = this.replays.get(tenantId);
    if (replay) this.replays.delete(tenantId); // re-inserted below: the map's order is least recently used first
    replay ??= { store: null, position: 0, queue: Promise.resolve() };
    this.replays.set(tenantId, replay);
    this.evictBeyond(MAX_REPLAYS);
    const current = replay;
    const run = current.queue.catch(() => undefined).then(async () => {
      if (current.store === null || position < current.position) {
        // Back in time: a fresh store replayed from the start (only forward moves are cheap).
        await current.store?.close();
        current.store = await scratchReadStore(this.options.projectors);
        current.position = 0;
      }
      await this.moveTo(tenantId, current as Replay & { store: ReadStore }, position);
      return read(current.store);
    });
    current.queue = run;
    return run;
  }

  /** Keeps the replays of the tenants asked most recently; the others' stores are closed once their reads ended. */
  private evictBeyond(count: number): void {
    for (const [tenantId, replay] of this.replays) {
      if (this.replays.size <= count) return;
      this.replays.delete(tenantId);
      void replay.queue.catch(() => undefined).then(() => replay.store?.close());
    }
  }

  /** Projects the tenant's events after the store's position up to `position`. */
  private async moveTo(tenantId: string, replay: Replay & { store: ReadStore }, position: number): Promise<void> {
    while (replay.position < position) {
      const read = await this.options.events.readTenant(tenantId, { after: replay.position, maxCount: this.chunkSize });
      const chunk = read.events.filter((event) => event.position <= position);
      await projectChunk(replay.store, this.options.projectors, chunk);
      const reached = Math.min(position, read.through);
      if (reached <= replay.position) break; // nothing further in the log
      replay.position = reached;
    }
  }
}
