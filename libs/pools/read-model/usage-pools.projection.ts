import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite, StoredDoc } from '../../platform/read-store/read-store.port';
import { ProjectionView, Projector } from '../../platform/projection-runner/projector';
import type { CalendarDate } from '../../shared-kernel/calendar-date';
import type { PoolSetting } from '../domain/pool-membership';
import { poolPeriodFrom } from '../domain/pool-rating';
import type { PoolEvent, PoolMembers, PoolPriceSource, PoolRatingHeader } from '../domain/pool.events';

export const USAGE_POOLS = 'usagePools';
export const POOL_RATINGS = 'poolRatings';

/** Ids never contain '/', so an (owner, service) pair names one document. */
export function usagePoolId(ownerAccountId: string, serviceId: string): string {
  return `${ownerAccountId}/${serviceId}`;
}

export function poolRatingId(ownerAccountId: string, serviceId: string, periodStart: CalendarDate): string {
  return `${ownerAccountId}/${serviceId}/${periodStart}`;
}

/** One per pool (owner and usage service). */
export interface UsagePoolDoc extends Doc {
  ownerAccountId: string;
  serviceId: string;
  currency: string;
  /** The setting in force now. */
  members: PoolMembers;
  effectiveDate: CalendarDate;
  /** Every setting, in order of effective date: membership on a past day follows the setting of that day. */
  settings: PoolSetting[];
  source: PoolPriceSource;
  /** The first day not rated yet. */
  nextPeriodStart: CalendarDate;
  /** The day after the owner's period that starts on nextPeriodStart ends: the rating process manager's key. */
  nextRatingDate: CalendarDate;
  lastRating: Pick<PoolRatingHeader, 'periodStart' | 'periodEnd' | 'totalQuantity' | 'amount' | 'memberCount'> | null;
}

/** One per rated period of a pool; `periodEnd` exclusive. */
export interface PoolRatingDoc extends Doc, PoolRatingHeader {
  ownerAccountId: string;
  serviceId: string;
  partsPosted: number;
  status: 'rating' | 'posted';
}

/**
 * `usagePools` (the pools and when each is next rated) and `poolRatings` (each rated period's totals; the members'
 * shares are on their invoices, in `invoices`). Every write is read through the batch view and guarded by position,
 * so a redelivered event changes nothing and a rebuild gives the same documents.
 */
export const usagePoolsProjection: Projector = {
  name: 'usage-pools',
  collections: [
    { name: USAGE_POOLS, indexes: ['ownerAccountId', 'serviceId', 'nextRatingDate'] },
    { name: POOL_RATINGS, indexes: ['ownerAccountId'] },
  ],
  eventTypes: ['UsagePoolSet', 'PoolRated', 'PoolRatingPosted'],
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const event = recorded as unknown as RecordedEvent & PoolEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const id = usagePoolId(event.data.ownerAccountId, event.data.serviceId);
    const pool = (await view.get(USAGE_POOLS, tenantId, id)) as StoredDoc<UsagePoolDoc> | null;
    if (pool && pool._position >= position) return [];
    switch (event.type) {
      case 'UsagePoolSet': {
        const { ownerAccountId, serviceId, currency, members, effectiveDate, source } = event.data;
        const settings = [...(pool?.settings ?? []).filter((s) => s.effectiveDate < effectiveDate), { members, effectiveDate }];
        const nextPeriodStart = pool?.nextPeriodStart ?? effectiveDate;
        const doc: UsagePoolDoc = {
          ownerAccountId,
          serviceId,
          currency,
          members,
          effectiveDate,
          settings,
          source,
          nextPeriodStart,
          nextRatingDate: poolPeriodFrom(source.grid, nextPeriodStart).to,
          lastRating: pool?.lastRating ?? null,
        };
        return [{ op: 'upsert', collection: USAGE_POOLS, tenantId, id, doc, position }];
      }
      case 'PoolRated': {
        const { ownerAccountId, serviceId, periodStart, periodEnd, currency, totalQuantity, amount, memberCount, parts } = event.data;
        const ratingId = poolRatingId(ownerAccountId, serviceId, periodStart);
        const current = (await view.get(POOL_RATINGS, tenantId, ratingId)) as StoredDoc<PoolRatingDoc> | null;
        if (current && current._position >= position) return [];
        const doc: PoolRatingDoc = {
          ownerAccountId, serviceId, periodStart, periodEnd, currency, totalQuantity, amount, memberCount, parts,
          partsPosted: (current?.partsPosted ?? 0) + 1,
          status: 'rating',
        };
        return [{ op: 'upsert', collection: POOL_RATINGS, tenantId, id: ratingId, doc, position }];
      }
      case 'PoolRatingPosted': {
        const { ownerAccountId, serviceId, periodStart, periodEnd, currency, totalQuantity, amount, memberCount, parts } = event.data;
        const ratingId = poolRatingId(ownerAccountId, serviceId, periodStart);
        const current = (await view.get(POOL_RATINGS, tenantId, ratingId)) as StoredDoc<PoolRatingDoc> | null;
        const writes: DocWrite[] = [];
        // A pending write of this batch carries no _position: it is earlier than this event.
        if (!(current && current._position >= position)) {
          const doc: PoolRatingDoc = { ownerAccountId, serviceId, periodStart, periodEnd, currency, totalQuantity, amount, memberCount, parts, partsPosted: parts, status: 'posted' };
          writes.push({ op: 'upsert', collection: POOL_RATINGS, tenantId, id: ratingId, doc, position });
        }
        if (pool) {
          writes.push({
            op: 'patch',
            collection: USAGE_POOLS,
            tenantId,
            id,
            fields: {
              nextPeriodStart: periodEnd,
              nextRatingDate: poolPeriodFrom(pool.source.grid, periodEnd).to,
              lastRating: { periodStart, periodEnd, totalQuantity, amount, memberCount },
            },
            position,
          });
        }
        return writes;
      }
      default:
        return [];
    }
  },
};
