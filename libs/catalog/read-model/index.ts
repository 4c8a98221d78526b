import { Projector } from '../../platform/projection-runner/projector';
import { plansProjection } from './plans.projection';
import { priceOverridesProjection } from './price-overrides.projection';
import { couponsProjection } from './coupons.projection';
import { taxRatesProjection } from './tax-rates.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [plansProjection, priceOverridesProjection, couponsProjection, taxRatesProjection];

export { PLAN_VERSIONS, planVersionId } from './plans.projection';
export { OverridePresence, pricingContext } from './pricing-context';
export { couponInForce, couponsInForce, ratesOfPlace, taxRateTable } from './billing-adjustments';
export { ACCOUNT_COUPONS, COUPONS } from './coupons.projection';
export { TAX_RATES } from './tax-rates.projection';
