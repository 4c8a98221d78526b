import { Projector } from '../../platform/projection-runner/projector';
import { usageProjection } from './usage.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [usageProjection];

export { PlanServicesCache, mergeNeeds, paymentFacts, paymentFactsOf, usageFactsFor, usageNeeds } from './usage-facts';
export { USAGE_TOTALS, UsageTotalDoc, usageTotalsFilter } from './usage.projection';
