import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { ChangePlanMetadataHandler } from './commands/change-plan-metadata';
import { CreatePlanHandler } from './commands/create-plan';
import { PlanMetadataCommandController } from './commands/plan-metadata.command-controller';
import { PlansCommandController } from './commands/plans.command-controller';
import { PriceOverridesCommandController } from './commands/price-overrides.command-controller';
import { RevisePlanHandler } from './commands/revise-plan';
import { SetPriceOverrideHandler } from './commands/set-price-override';
import { EffectivePricingQueryController } from './queries/effective-pricing.query-controller';
import { PlansQueryController } from './queries/plans.query-controller';

/** The catalog and special pricing: plans and their versions, and price overrides along a hierarchy. */
export const catalogContext: BoundedContext = {
  name: 'catalog',
  commandControllers: [PlansCommandController, PriceOverridesCommandController, PlanMetadataCommandController],
  queryControllers: [PlansQueryController, EffectivePricingQueryController],
  commandHandlers: [CreatePlanHandler, RevisePlanHandler, SetPriceOverrideHandler, ChangePlanMetadataHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
};

export { loadPlanSnapshot } from './commands/plan-lookup';
