export { PricingContext, effectivePricing } from './effective-pricing';
export { integerIn, oneOf } from './input';
export { BillingInterval, PlanService, PlanSnapshot } from './plan.events';
export { Pricing, priceFor } from './pricing';
export { COUPON_DURATIONS, CouponDuration, CouponTerms } from './coupon';
export { TaxRate } from './tax-rate';
