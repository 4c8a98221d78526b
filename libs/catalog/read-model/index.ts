import { Projector } from '../../platform/projection-runner/projector';
import { plansProjection } from './plans.projection';
import { priceOverridesProjection } from './price-overrides.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [plansProjection, priceOverridesProjection];

export { PLAN_VERSIONS, planVersionId } from './plans.projection';
export { OverridePresence, pricingContext } from './pricing-context';
