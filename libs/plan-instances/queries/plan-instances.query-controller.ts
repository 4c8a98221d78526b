import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../shared-kernel/errors';
import { shownMetadata } from '../../shared-kernel/metadata';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../read-model/plan-instances.projection';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, PageQueries, pageSize, withCursor } from '../../platform/http/paging';
import { CustomerMay } from '../../platform/http/customer-access';
import { AsOfQueries, parseAsOf, TimeTravel } from '../../platform/time-travel/time-travel';

@ApiTags('billing')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class PlanInstancesQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly timeTravel: TimeTravel,
  ) {}

  @CustomerMay({ param: 'id', collection: 'planInstances' })
  @Get('plan-instances/:id')
  @ApiOperation({
    summary:
      'A plan instance: { id, accountId, planId, planVersion, quantity, status, billDay, nextBillDate, startDate, anchorDate, billingInterval, ' +
      'billingGroupId, dunningGroupId, invoicingOption, cancelledOn, pendingChange: { kind, effectiveDate, planId?, planVersion? } | null, ' +
      'billingError?: { date, reason, field, rule } (only while the bill run cannot bill it) }',
  })
  @AsOfQueries()
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('asOf') asOf?: unknown, @Query('asOfPosition') asOfPosition?: unknown) {
    return this.timeTravel.read(tenant, parseAsOf({ asOf, asOfPosition }), this.store, async ({ store }) => {
      const doc = await store.get<PlanInstanceDoc>(PLAN_INSTANCES, tenant.id, id);
      if (!doc) throw new NotFoundError('Plan instance', id);
      return toPlanInstance(id, doc);
    });
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/plan-instances')
  @ApiOperation({ summary: "The account's plan instances (cancelled ones included), sorted by id, a page at a time: { items, nextCursor? }" })
  @PageQueries()
  @AsOfQueries()
  async ofAccount(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('asOf') asOf?: unknown,
    @Query('asOfPosition') asOfPosition?: unknown,
  ) {
    const size = pageSize(limit);
    return this.timeTravel.read(tenant, parseAsOf({ asOf, asOfPosition }), this.store, async ({ store }) => {
      if (!(await store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
      const page = await findPage<PlanInstanceDoc>(store, PLAN_INSTANCES, tenant.id, { filter: { accountId: id }, sortBy: 'id', limit: size }, cursor);
      return withCursor(page.items.map((doc) => toPlanInstance(doc.id, doc)), page.nextCursor);
    });
  }
}

/** The API shape, fields in a fixed order; the bill run's bookkeeping (`nextActionDate`, `_position`) stays inside. */
export function toPlanInstance(id: string, doc: PlanInstanceDoc) {
  const { accountId, planId, planVersion, quantity, status, billDay, nextBillDate, startDate, anchorDate, billingInterval } = doc;
  const { billingGroupId, dunningGroupId, invoicingOption, cancelledOn, pendingChange } = doc;
  return {
    id,
    accountId,
    planId,
    planVersion,
    quantity,
    status,
    billDay,
    nextBillDate,
    startDate,
    anchorDate,
    billingInterval,
    billingGroupId,
    dunningGroupId,
    invoicingOption,
    cancelledOn,
    pendingChange,
    // Only while the bill run cannot bill it (PlanInstanceBillingFailed); absent otherwise.
    ...(doc.billingError ? { billingError: doc.billingError } : {}),
    // Only when it holds something (issue 22).
    ...shownMetadata(doc.metadata),
  };
}
