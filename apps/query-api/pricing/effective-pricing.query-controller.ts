import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlanService } from '../../../libs/domain/catalog/plan.events';
import { CurrentPlan, effectivePricing, StoredOverride } from '../../../libs/domain/pricing/effective-pricing';
import { InvalidInputError, NotFoundError } from '../../../libs/domain/shared/errors';
import { assertValidId } from '../../../libs/domain/shared/ids';
import { TenantView } from '../../../libs/domain/tenants/tenant.decider';
import { CurrentTenant } from '../../../libs/http/auth';
import { READ_STORE, ReadStore } from '../../../libs/read-store/read-store.port';
import { ACCOUNTS } from '../../../projections/accounts.projection';
import { HIERARCHY } from '../../../projections/hierarchy.projection';
import { PLANS } from '../../../projections/plans.projection';
import { PRICE_OVERRIDES } from '../../../projections/price-overrides.projection';
import { MinPositionInterceptor } from '../min-position.interceptor';

/** Overrides one account holds on one plan: at most one per service, but a plan revision may have dropped services since. */
const OVERRIDES_PAGE = 200;

@ApiTags('pricing')
@UseInterceptors(MinPositionInterceptor)
@Controller('v1/accounts')
export class EffectivePricingQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get(':id/effective-pricing')
  @ApiOperation({
    summary:
      "What the account pays for each service of the plan's current version: the override of the nearest account " +
      '(the account itself, then its ancestors nearest first) taken whole, else the plan. source.accountId is null for the plan.',
  })
  @ApiQuery({ name: 'planId', required: true })
  async effectivePricing(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('planId') planId?: string) {
    if (planId === undefined || planId === '') throw InvalidInputError.forField('planId', 'required', 'planId is required: ?planId=<a plan id>');
    assertValidId(planId, 'planId');
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
    const planDoc = await this.store.get<{ version: number; currency: string; services: PlanService[] }>(PLANS, tenant.id, planId);
    if (!planDoc) throw new NotFoundError('Plan', planId);
    const plan: CurrentPlan = { id: planId, version: planDoc.version, currency: planDoc.currency, services: planDoc.services };
    // No hierarchy document yet (or ever): the account is a root.
    const placement = await this.store.get<{ ancestors: string[] }>(HIERARCHY, tenant.id, id);
    const ancestors = placement?.ancestors ?? [];
    const overrides: StoredOverride[] = [];
    for (const accountId of [id, ...ancestors]) overrides.push(...(await this.overridesOf(tenant.id, accountId, planId)));
    return effectivePricing(id, ancestors, plan, overrides);
  }

  private async overridesOf(tenantId: string, accountId: string, planId: string): Promise<StoredOverride[]> {
    const found: StoredOverride[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.find<StoredOverride & Record<string, unknown>>(PRICE_OVERRIDES, tenantId, {
        filter: { accountId, planId },
        limit: OVERRIDES_PAGE,
        ...(cursor ? { cursor } : {}),
      });
      for (const { accountId: owner, planId: plan, serviceId, pricing, discountPercent } of page.items) {
        found.push({ accountId: owner, planId: plan, serviceId, pricing, discountPercent });
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return found;
  }
}
