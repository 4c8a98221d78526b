import { EffectivePricingQueryController } from './effective-pricing.query-controller';

/** Special pricing's read side, for QueryApiModule. */
export const PRICING_QUERY_CONTROLLERS = [EffectivePricingQueryController];
