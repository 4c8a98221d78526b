import { CouponTerms } from '../../catalog/domain';
import { BillingGrid, nextBoundaryAfter } from '../../plan-instances/domain';
import { CalendarDate, compareDates } from '../../shared-kernel/calendar-date';

/**
 * The coupon in force for a pool member (its own, else the nearest ancestor's: DOMAIN.md §13), with how many of
 * the pool's periods it discounted before the one being rated (`couponPeriodsBefore`).
 */
export interface MemberCoupon {
  terms: CouponTerms;
  periodsBefore: number;
}

/**
 * What `once` and `repeating` count on a pool's invoices (decision 0021): the pool's own periods (the owner's
 * billing periods) rated after the coupon was applied, counted apart from any plan instance's. A period counts
 * when it ends after the coupon's application day (it is rated on its end day or later, at the start of that
 * business day: a coupon applied on the end day itself comes after that rating) and after the pool started,
 * whether or not the member used anything in it. Stateless, so a rating repeated or caught up counts the same:
 * the number of the pool's periods ending in (max(appliedOn, poolStart), periodEnd), at most `limit` (counting
 * further would change nothing).
 */
export function couponPeriodsBefore(grid: BillingGrid, appliedOn: CalendarDate, poolStart: CalendarDate, periodEnd: CalendarDate, limit: number): number {
  const since = compareDates(appliedOn, poolStart) >= 0 ? appliedOn : poolStart;
  let count = 0;
  for (let end = nextBoundaryAfter(grid, since); count < limit && compareDates(end, periodEnd) < 0; end = nextBoundaryAfter(grid, end)) count++;
  return count;
}
