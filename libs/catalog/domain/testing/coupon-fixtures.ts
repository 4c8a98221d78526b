import { fold } from '../../../shared-kernel/decider';
import { CouponTerms } from '../coupon';
import { CouponCommand, couponDecider, CouponEvent } from '../coupon.decider';

/** What the coupon decider decides for `command` on the coupon the `given` events made. */
export function decideCoupon(given: CouponEvent[], command: CouponCommand): CouponEvent[] {
  return couponDecider.decide(command, fold(couponDecider, given));
}

/** A coupon's terms for specs: 10% off, forever, on every plan and service, no limit, unless `terms` says otherwise. */
export function couponTerms(terms: Partial<CouponTerms> = {}): CouponTerms {
  return {
    couponId: 'ten-off',
    name: '10% off',
    percentOff: '10',
    amountOff: null,
    currency: null,
    duration: 'forever',
    durationInPeriods: null,
    planIds: [],
    serviceIds: [],
    maxRedemptions: null,
    expiresOn: null,
    ...terms,
  };
}
