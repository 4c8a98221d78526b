import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { addDays } from '../../shared-kernel/calendar-date';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { findAll } from '../../platform/read-store/find-all';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { POOL_RATINGS, PoolRatingDoc, USAGE_POOLS, UsagePoolDoc } from '../read-model/usage-pools.projection';
import { MinPositionGuard } from '../../platform/http/min-position.guard';

@ApiTags('usage')
@UseGuards(MinPositionGuard)
@Controller('v1/accounts')
export class UsagePoolsQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get(':id/usage-pools')
  @ApiOperation({
    summary:
      'The pools this account owns, by service: { items: [{ accountId, serviceId, currency, members, effectiveDate, planInstanceId, pricing, ' +
      'nextPeriodStart, nextRatingDate, ratings: [{ periodStart, periodEnd, totalQuantity, amount, memberCount, status }] }] } ' +
      '(periods inclusive, newest rating first; each member\'s share is a pooled usage line on its invoice).',
  })
  async pools(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
    const pools = await findAll<UsagePoolDoc>(this.store, USAGE_POOLS, tenant.id, { filter: { ownerAccountId: id } });
    const ratings = await findAll<PoolRatingDoc>(this.store, POOL_RATINGS, tenant.id, { filter: { ownerAccountId: id } });
    return {
      items: pools.map((pool) => ({
        accountId: pool.ownerAccountId,
        serviceId: pool.serviceId,
        currency: pool.currency,
        members: pool.members,
        effectiveDate: pool.effectiveDate,
        planInstanceId: pool.source.planInstanceId,
        pricing: pool.source.pricing,
        nextPeriodStart: pool.nextPeriodStart,
        nextRatingDate: pool.nextRatingDate,
        ratings: ratings
          .filter((rating) => rating.serviceId === pool.serviceId)
          .sort((a, b) => (a.periodStart < b.periodStart ? 1 : -1))
          .map(({ periodStart, periodEnd, totalQuantity, amount, memberCount, status }) => ({
            periodStart,
            periodEnd: addDays(periodEnd, -1),
            totalQuantity,
            amount,
            memberCount,
            status,
          })),
      })),
    };
  }
}
