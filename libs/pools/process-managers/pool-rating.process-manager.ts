import { poolRatingFacts, RatingDayFacts, ratingDayFacts } from './pool-rating-facts';
import type { BusinessClockEvent } from '../../time/domain';
import { periodsDue, ratePool, ratingParts } from '../domain/pool-rating';
import { PoolRatingHeader } from '../domain/pool.events';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { USAGE_POOLS, UsagePoolDoc, usagePoolId } from '../read-model/usage-pools.projection';

const PAGE = 100;

/**
 * Pool rating (DOMAIN.md §6): on each business day, every pool whose owner's period has ended (the day after its
 * end, or later to catch up) is rated: the facts are gathered, the rating computed, and posted as RatePool
 * commands of at most 500 members each, then PostPoolRating, in one lane per pool so they run in order. Command
 * ids derive from the pool, the period and the part, and the pool's decider posts each part and each period once,
 * so a crash, a restart or a repeated day never invoices a member twice.
 */
export const poolRatingProcessManager: ProcessManager = {
  name: 'pool-rating',
  eventTypes: ['BusinessDayStarted'],
  react(recorded, context) {
    return poolRatings(recorded as unknown as RecordedEvent & BusinessClockEvent, context);
  },
};

async function* poolRatings(recorded: RecordedEvent & BusinessClockEvent, context: ProcessManagerContext): AsyncGenerator<PmCommand> {
  const { tenantId, date } = recorded.data;
  await context.readModelsAt(recorded.position); // the usage and hierarchy of every day before this one are in the read models
  let day: RatingDayFacts | undefined; // the tax rates and whether any coupon exists: read once per day, if a pool is due
  let cursor: string | undefined;
  do {
    const page = await context.store.find<UsagePoolDoc>(USAGE_POOLS, tenantId, {
      filter: { nextRatingDate: { lte: date } },
      sortBy: 'nextRatingDate',
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const pool of page.items) {
      const lane = usagePoolId(pool.ownerAccountId, pool.serviceId);
      const { ownerAccountId, serviceId } = pool;
      for (const period of periodsDue(pool.source.grid, pool.nextPeriodStart, date)) {
        const key = `pool:${lane}:${period.from}`;
        day ??= await ratingDayFacts(context.store, tenantId);
        const rating = ratePool(await poolRatingFacts(context.store, tenantId, pool, period, date, day));
        let header: PoolRatingHeader = { periodStart: period.from, periodEnd: period.to, currency: pool.currency, totalQuantity: '0', amount: 0, memberCount: 0, parts: 0 };
        if (rating) {
          for (const part of ratingParts(rating)) {
            header = part.header;
            const data = { ownerAccountId, serviceId, header, part: part.part, members: part.members, invoices: part.invoices };
            yield { type: 'RatePool', data, key: `${key}:part:${part.part}`, businessDate: date, lane };
          }
        }
        yield { type: 'PostPoolRating', data: { ownerAccountId, serviceId, header }, key: `${key}:posted`, businessDate: date, lane };
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
}
