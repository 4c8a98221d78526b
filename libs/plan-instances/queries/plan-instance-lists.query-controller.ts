import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { knownStatuses, TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, listPage, oneOf, PageQueries, pageSize, textParameter } from '../../platform/http/paging';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../read-model/plan-instances.projection';
import { toPlanInstance } from './plan-instances.query-controller';
import { AsOfQueries, parseAsOf, TimeTravel } from '../../platform/time-travel/time-travel';

/** GET /v1/plan-instances: the tenant's plan instances sorted by id, filtered on indexed fields only (accountId, status, planId). */
@ApiTags('billing')
@UseGuards(MinPositionGuard)
@Controller('v1/plan-instances')
export class PlanInstanceListsQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly timeTravel: TimeTravel,
  ) {}

  @Get()
  @ApiOperation({ summary: "The tenant's plan instances (cancelled ones included) sorted by id, a page at a time: { items, nextCursor?, hasMore }" })
  @ApiQuery({ name: 'accountId', required: false, description: 'Only this account’s instances' })
  @ApiQuery({ name: 'status', required: false, description: "cancelled or one of the tenant's statuses (active, suspended, terminated or its own)" })
  @ApiQuery({ name: 'planId', required: false, description: 'Only instances on this plan (any version)' })
  @PageQueries()
  @AsOfQueries()
  async list(
    @CurrentTenant() tenant: TenantView,
    @Query('accountId') accountId?: string,
    @Query('status') status?: string,
    @Query('planId') planId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('asOf') asOf?: unknown,
    @Query('asOfPosition') asOfPosition?: unknown,
  ) {
    const past = parseAsOf({ asOf, asOfPosition });
    const size = pageSize(limit);
    const account = textParameter('accountId', accountId);
    const plan = textParameter('planId', planId);
    const wanted = oneOf('status', status, [...knownStatuses(tenant.settings), 'cancelled']);
    const filter = {
      ...(account !== undefined ? { accountId: account } : {}),
      ...(wanted !== undefined ? { status: wanted } : {}),
      ...(plan !== undefined ? { planId: plan } : {}),
    };
    const at = textParameter('cursor', cursor, 4096);
    const page = await this.timeTravel.read(tenant, past, this.store, ({ store }) => findPage<PlanInstanceDoc>(store, PLAN_INSTANCES, tenant.id, { filter, sortBy: 'id', limit: size }, at));
    return listPage(page.items.map((doc) => toPlanInstance(doc.id, doc)), page.nextCursor);
  }
}
