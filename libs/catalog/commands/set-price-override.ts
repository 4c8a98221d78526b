import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Pricing } from '../domain/pricing';
import { KnownPlan } from '../domain/price-override';
import { overrideView, priceOverrideDecider, priceOverridesStream } from '../domain/price-override.decider';
import { isValidId } from '../../shared-kernel/ids';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { loadAccount } from '../../accounts';
import { loadPlanSnapshot } from './plan-lookup';
import { PricingDto } from './plan.dto';

/*
 * The body of PUT /v1/accounts/{id}/price-overrides. `@Allow()` only lists the fields, so the global
 * ValidationPipe refuses unknown ones (400 unknownField); the values are checked by the domain
 * (libs/catalog/domain/price-override.ts), which reuses the catalog's pricing rules and their error paths (`pricing.tiers[1].upTo`).
 */
export class PriceOverrideDto {
  @ApiProperty({ example: 'gold', description: 'A plan of the tenant, billed in the account currency' })
  @Allow()
  planId: string;

  @ApiProperty({ example: 'data', description: 'A service of the plan (its current version)' })
  @Allow()
  serviceId: string;

  @ApiPropertyOptional({ type: PricingDto, nullable: true, description: "Replaces the plan's pricing for this service; null: keep the plan's" })
  @Allow()
  pricing?: PricingDto | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '10',
    description: 'Percent off the pricing in force, a decimal string more than 0 and at most 100 (up to 4 decimals); null: none',
  })
  @Allow()
  discountPercent?: string | null;
}

export interface PriceOverrideView {
  accountId: string;
  planId: string;
  serviceId: string;
  pricing: Pricing | null;
  discountPercent: string | null;
}

export class SetPriceOverrideCommand extends Command<{ accountId: string; input: PriceOverrideDto }> {}

/**
 * Looks up the account's currency and the plan's current version in their own streams, not in read models,
 * so a plan created or revised a moment ago is seen. A plan revised after this check (a service dropped)
 * leaves a harmless override: effective pricing only reads the services of the current version.
 */
@CommandHandler(SetPriceOverrideCommand)
export class SetPriceOverrideHandler implements ICommandHandler<SetPriceOverrideCommand, CommandOutcome<PriceOverrideView>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { accountId, input }, context }: SetPriceOverrideCommand): Promise<CommandOutcome<PriceOverrideView>> {
    const { planId, serviceId, pricing, discountPercent } = input;
    const accountCurrency = await this.currencyOf(context.tenantId, accountId);
    // A malformed plan id names no stream; the decider refuses it (400) before it looks at the plan.
    const plan = isValidId(planId) ? await this.planOf(context.tenantId, planId) : null;
    const outcome = await this.runner.run(
      priceOverrideDecider,
      priceOverridesStream(context.tenantId, accountId),
      { type: 'SetPriceOverride', data: { accountId, accountCurrency, plan, planId, serviceId, pricing, discountPercent } },
      context,
    );
    // Reaching here, decide accepted planId and serviceId as ids.
    return { body: overrideView(accountId, planId as string, serviceId as string, outcome.state), position: outcome.position };
  }

  private async currencyOf(tenantId: string, accountId: string): Promise<string | null> {
    return (await loadAccount(this.events, tenantId, accountId))?.currency ?? null;
  }

  private async planOf(tenantId: string, planId: string): Promise<KnownPlan | null> {
    const plan = await loadPlanSnapshot(this.events, tenantId, planId);
    return plan && { id: plan.id, currency: plan.currency, serviceIds: plan.services.map((service) => service.id) };
  }
}
