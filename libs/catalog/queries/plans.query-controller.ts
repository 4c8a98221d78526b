import { Metadata, shownMetadata } from '../../shared-kernel/metadata';
import { Controller, Get, Inject, Param, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, customerMaySeePlan, offeredPlanIds } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { PLAN_VERSIONS, planVersionId, PLANS } from '../read-model/plans.projection';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, pageSize, withCursor } from '../../platform/http/paging';
import { CustomerMay, customerSessionOf } from '../../platform/http/customer-access';

/** Plans are whole definitions (up to 100 services each): smaller pages than other listings. */
export const PLANS_PAGE_SIZE = 50;
export const PLANS_MAX_PAGE_SIZE = 100;

@ApiTags('catalog')
@UseGuards(MinPositionGuard)
@Controller('v1/plans')
export class PlansQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @CustomerMay('catalog')
  @Get()
  @ApiOperation({ summary: 'Plans (their current versions), sorted by id, a page at a time: { items, nextCursor? }' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${PLANS_MAX_PAGE_SIZE}, default ${PLANS_PAGE_SIZE}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async list(@CurrentTenant() tenant: TenantView, @Req() request: FastifyRequest, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const offered = customerSessionOf(request) ? offeredPlanIds(tenant.settings) : null;
    if (offered !== null) return { items: await this.offeredPlans(tenant.id, offered) };
    const page = await findPage(this.store, PLANS, tenant.id, { sortBy: 'id', limit: pageSize(limit, PLANS_PAGE_SIZE, PLANS_MAX_PAGE_SIZE) }, cursor);
    return withCursor(page.items.map(({ id, ...doc }) => toPlan(id, doc)), page.nextCursor);
  }

  @CustomerMay('catalog')
  @Get(':id')
  @ApiOperation({ summary: 'A plan: its current version' })
  async get(@CurrentTenant() tenant: TenantView, @Req() request: FastifyRequest, @Param('id') id: string) {
    const hidden = customerSessionOf(request) !== undefined && !customerMaySeePlan(tenant.settings, id);
    const doc = hidden ? null : await this.store.get(PLANS, tenant.id, id);
    if (!doc) throw new NotFoundError('Plan', id);
    return toPlan(id, doc);
  }

  /** A customer sees the tenant's list of plans (settings.selfService.planIds), by id, on one page. */
  private async offeredPlans(tenantId: string, planIds: string[]) {
    const docs = await Promise.all([...planIds].sort().map(async (id) => ({ id, doc: await this.store.get(PLANS, tenantId, id) })));
    return docs.flatMap(({ id, doc }) => (doc ? [toPlan(id, doc)] : []));
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One version of a plan, as it was published (every version stays readable)' })
  async version(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Param('version') version: string) {
    const doc = await this.store.get(PLAN_VERSIONS, tenant.id, planVersionId(id, versionNumber(version)));
    if (!doc) throw new NotFoundError('Plan version', `${id}@${version}`);
    const { planId: _planId, ...plan } = doc;
    return toPlan(id, plan);
  }
}

/** The API shape, fields in a fixed order; the store's bookkeeping (`_position`) stays inside. */
function toPlan(id: string, doc: Record<string, unknown>) {
  const { name, currency, billingInterval, services, version, metadata } = doc;
  // metadata: the plan's, outside versions (the current plan's document has it, a version's has not).
  return { id, name, currency, billingInterval, services, version, ...shownMetadata(metadata as Metadata | undefined) };
}

function versionNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) {
    throw InvalidInputError.forField('version', 'positiveInteger', `version must be a whole number from 1 (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}
