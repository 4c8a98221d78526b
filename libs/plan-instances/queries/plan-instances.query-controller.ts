import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../shared-kernel/errors';
import { shownMetadata } from '../../shared-kernel/metadata';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { scheduledInvoiceOf } from './scheduled-invoice.query';
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
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly directory: TenantDirectory,
  ) {}

  @CustomerMay({ param: 'id', collection: 'planInstances' })
  @Get('plan-instances/:id')
  @ApiOperation({
    summary:
      'A plan instance: { id, accountId, planId, planVersion, quantity, status, billDay, nextBillDate, startDate, anchorDate, billingInterval, ' +
      'billingGroupId, dunningGroupId, invoicingOption, cancelledOn, pendingChange: { kind, effectiveDate, planId?, planVersion? } | null, ' +
      'billingError?: { date, reason, field, rule } (only while the bill run cannot bill it), ' +
      'scheduledInvoice?: the invoice that will post on the start date of a pending instance or on the date of its scheduled switch or cancellation ' +
      '(as the command that scheduled it answered; null when nothing posts then), present only then and not on asOf/asOfPosition reads }',
  })
  @AsOfQueries()
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('asOf') asOf?: unknown, @Query('asOfPosition') asOfPosition?: unknown) {
    const past = parseAsOf({ asOf, asOfPosition });
    return this.timeTravel.read(tenant, past, this.store, async ({ store }) => {
      const doc = await store.get<PlanInstanceDoc>(PLAN_INSTANCES, tenant.id, id);
      if (!doc) throw new NotFoundError('Plan instance', id);
      const shown = toPlanInstance(id, doc);
      // Only for this one instance, read now: it runs the instance's pricing (lists and past reads do not).
      if (past !== null || (doc.status !== 'pending' && !doc.pendingChange)) return shown;
      return { ...shown, scheduledInvoice: await scheduledInvoiceOf(this.events, this.store, tenant, id, this.directory.businessDate(tenant)) };
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
