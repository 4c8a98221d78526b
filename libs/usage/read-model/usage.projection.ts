import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite, Filter, StoredDoc } from '../../platform/read-store/read-store.port';
import { ProjectionView, Projector } from '../../platform/projection-runner/projector';
import { Decimal } from '../../shared-kernel/decimal';
import type { CalendarDate } from '../../shared-kernel/calendar-date';
import type { UsageEvent } from '../domain/usage.decider';

export const USAGE_TOTALS = 'usageTotals';
/**
 * Late usage only, per account, service and day of occurrence (same ids as usageTotals): few documents, so
 * billing finds an account's late usage since a plan instance started without reading every day of it.
 */
export const USAGE_LATE_TOTALS = 'usageLateTotals';

/** Late usage of one account, service and day (an exact decimal string), as billing reads it. */
export interface UsageLateTotalDoc extends Doc {
  accountId: string;
  serviceId: string;
  occurredOn: CalendarDate;
  lateTotal: string;
}

/**
 * One per account, usage service and day of occurrence: a billing period (whatever its bill day) is a range
 * of days, so its total is the sum of its days. Quantities are exact decimal strings.
 */
export interface UsageTotalDoc extends Doc {
  accountId: string;
  serviceId: string;
  occurredOn: CalendarDate;
  /** `<accountId>/<occurredOn>`: an account's days in order, whatever the service (the index of account-wide ranges). */
  accountDay: string;
  /** The sum of every record's quantity (late ones included), exact, normalised ("0.3", "12"). */
  total: string;
  count: number;
  /** The part of `total` recorded late (dated in a period already closed when it arrived). */
  lateTotal: string;
  lateCount: number;
}

/** Ids never contain '/', so two (account, service, day) triples cannot share a document. */
export function usageTotalId(accountId: string, serviceId: string, occurredOn: CalendarDate): string {
  return `${accountId}/${serviceId}/${occurredOn}`;
}

/**
 * The filter for an account's usage documents from `from` to `to` (inclusive), of one service or of all. One
 * service's days are a range of ids (the primary key); all services' days a range of `accountDay`. Only one
 * indexed field per query: given several, SQLite may pick the less selective index and scan the tenant.
 */
export function usageTotalsFilter(accountId: string, from: CalendarDate, to: CalendarDate, serviceId?: string): Filter {
  return serviceId === undefined
    ? { accountDay: { gte: `${accountId}/${from}`, lte: `${accountId}/${to}` } }
    : { id: { gte: usageTotalId(accountId, serviceId, from), lte: usageTotalId(accountId, serviceId, to) } };
}

/**
 * `usageTotals`: what was used per account, service and day, for period totals (GET /v1/accounts/{id}/usage,
 * and usage billing), and `usageLateTotals`, the late part of the days that have any. Each UsageRecorded adds its records to the documents of their days, read through the
 * batch view. A document at or past the event's position already holds it (a redelivery after a crash), so
 * such an event adds nothing there; sums are exact, so a rebuild gives identical documents.
 */
export const usageProjection: Projector = {
  name: 'usage',
  // accountDay: an account's usage over a range of days; serviceId and occurredOn: a service's or a day's usage
  // across accounts. An account's usage of one service over a range is a range of ids.
  collections: [
    { name: USAGE_TOTALS, indexes: ['accountDay', 'serviceId', 'occurredOn'] },
    { name: USAGE_LATE_TOTALS, indexes: [] },
  ],
  eventTypes: ['UsageRecorded'],
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const event = recorded as unknown as RecordedEvent & UsageEvent;
    if (event.type !== 'UsageRecorded') return [];
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const { accountId, records } = event.data;

    // The event's records summed per day and service first: one read and one write per document.
    const sums = new Map<string, { serviceId: string; occurredOn: CalendarDate; total: Decimal; count: number; lateTotal: Decimal; lateCount: number }>();
    for (const { serviceId, occurredOn, quantity, late } of records) {
      const id = usageTotalId(accountId, serviceId, occurredOn);
      let sum = sums.get(id);
      if (!sum) {
        sum = { serviceId, occurredOn, total: ZERO, count: 0, lateTotal: ZERO, lateCount: 0 };
        sums.set(id, sum);
      }
      sum.total = sum.total.plus(quantity);
      sum.count += 1;
      if (late) {
        sum.lateTotal = sum.lateTotal.plus(quantity);
        sum.lateCount += 1;
      }
    }

    const writes: DocWrite[] = [];
    for (const [id, sum] of sums) {
      const current = (await view.get(USAGE_TOTALS, tenantId, id)) as StoredDoc<UsageTotalDoc> | null;
      if (current && current._position >= position) continue;
      const doc: UsageTotalDoc = {
        accountId,
        serviceId: sum.serviceId,
        occurredOn: sum.occurredOn,
        accountDay: `${accountId}/${sum.occurredOn}`,
        total: sum.total.plus(current?.total ?? 0).toString(),
        count: sum.count + (current?.count ?? 0),
        lateTotal: sum.lateTotal.plus(current?.lateTotal ?? 0).toString(),
        lateCount: sum.lateCount + (current?.lateCount ?? 0),
      };
      writes.push({ op: 'upsert', collection: USAGE_TOTALS, tenantId, id, doc, position });
      if (sum.lateCount > 0) {
        const late: UsageLateTotalDoc = { accountId, serviceId: sum.serviceId, occurredOn: sum.occurredOn, lateTotal: doc.lateTotal };
        writes.push({ op: 'upsert', collection: USAGE_LATE_TOTALS, tenantId, id, doc: late, position });
      }
    }
    return writes;
  },
};

const ZERO = new Decimal(0);
