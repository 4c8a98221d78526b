export { PlanServicesCache, mergeNeeds, paymentFacts, paymentFactsOf, usageFactsFor, usageNeeds } from './usage-facts';
export { USAGE_TOTALS, UsageTotalDoc, usageTotalsFilter } from './usage.projection';
