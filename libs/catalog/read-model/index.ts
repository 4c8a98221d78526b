export { PLAN_VERSIONS, planVersionId } from './plans.projection';
export { OverridePresence, pricingContext } from './pricing-context';
