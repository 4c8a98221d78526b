import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlanService } from '../domain/plan.events';
import { pricingContext } from '../read-model/pricing-context';
import { CurrentPlan, effectivePricing } from '../domain/effective-pricing';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { PLANS } from '../read-model/plans.projection';
import { MinPositionGuard } from '../../platform/http/min-position.guard';

@ApiTags('pricing')
@UseGuards(MinPositionGuard)
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
    const { ancestors, overrides } = await pricingContext(this.store, tenant.id, id, [planId]);
    return effectivePricing(id, ancestors, plan, overrides);
  }
}
