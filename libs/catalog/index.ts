import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { ChangePlanMetadataHandler } from './commands/change-plan-metadata';
import { CreatePlanHandler } from './commands/create-plan';
import { PlanMetadataCommandController } from './commands/plan-metadata.command-controller';
import { PlansCommandController } from './commands/plans.command-controller';
import { PriceOverridesCommandController } from './commands/price-overrides.command-controller';
import { CouponsCommandController } from './commands/coupons.command-controller';
import { ApplyCouponHandler, CreateCouponHandler, DeactivateCouponHandler, RemoveCouponHandler } from './commands/coupons';
import { CreateTaxRateHandler } from './commands/tax-rates';
import { RevisePlanHandler } from './commands/revise-plan';
import { SetPriceOverrideHandler } from './commands/set-price-override';
import { EffectivePricingQueryController } from './queries/effective-pricing.query-controller';
import { PlansQueryController } from './queries/plans.query-controller';
import { CouponsQueryController } from './queries/coupons.query-controller';

/** The catalog and special pricing: plans and their versions, price overrides and coupons along a hierarchy, and tax rates. */
export const catalogContext: BoundedContext = {
  name: 'catalog',
  commandControllers: [PlansCommandController, PriceOverridesCommandController, PlanMetadataCommandController, CouponsCommandController],
  queryControllers: [PlansQueryController, EffectivePricingQueryController, CouponsQueryController],
  commandHandlers: [CreatePlanHandler, RevisePlanHandler, SetPriceOverrideHandler, ChangePlanMetadataHandler, CreateCouponHandler, ApplyCouponHandler, DeactivateCouponHandler, RemoveCouponHandler, CreateTaxRateHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
};

export { loadPlanSnapshot } from './commands/plan-lookup';
