import { CouponTerms } from '../../catalog/domain';
import { Decimal } from '../../shared-kernel/decimal';
import { toMajorString } from '../../shared-kernel/money';
import { compareDates } from '../../shared-kernel/calendar-date';
import { assertNever } from '../../shared-kernel/decider';
import { InvoiceLine } from './invoice';
import { allocateSigned } from './signed-allocation';

/**
 * How far one coupon has gone on one plan instance (kept in the instance's state from its PlanInstanceBilled
 * events): `periods` counts the invoices it discounted that billed a new period (what `once` and `repeating`
 * count), `covering` says whether the period in force was discounted, so a change inside that period (a credit
 * and a new charge) is discounted as the period was, and one inside an undiscounted period is not.
 */
export interface CouponUsage {
  couponId: string;
  periods: number;
  covering: boolean;
}

/** A discount computed for an invoice: its line, and its share on each of the invoice's lines (0 where it does not apply). */
export interface Discount {
  line: InvoiceLine;
  /** Same order as the lines given; the shares add up to `line.amount`. */
  shares: number[];
}

export interface DiscountInput {
  /** The invoice's charge lines (recurring, credit, usage). */
  lines: readonly InvoiceLine[];
  coupon: CouponTerms;
  planId: string;
  planInstanceId: string;
  currency: string;
  /** The instance's usage of a coupon before this invoice (of this coupon or an earlier one). */
  usage: CouponUsage | undefined;
  /** True when this invoice charges a new period (a bill date, an assignment): it counts against once/repeating. */
  newPeriod: boolean;
}

/**
 * The discount of a coupon on one invoice (DOMAIN.md §13), or null, and the coupon's usage after it.
 * - It applies to the lines of its plans and services (all lines when it names none), on their net amount:
 *   credits on the same invoice reduce what is discounted, and an invoice that only credits a discounted period
 *   gets back the discount's share of it (a positive discount line) for a percentage off.
 * - A percentage is rounded once on that net; an amount off is at most that net (5.00 off a 3.00 line is −3.00),
 *   so a discount never takes more than the charges it applies to and never makes the invoice's lines negative.
 * - `once` discounts one invoice that bills a period, `repeating` that many, `forever` all; a change inside a
 *   discounted period is discounted without counting.
 */
export function discountFor(input: DiscountInput): { discount: Discount | null; usage: CouponUsage } {
  const { coupon, lines } = input;
  const before = input.usage?.couponId === coupon.couponId ? input.usage : { couponId: coupon.couponId, periods: 0, covering: false };
  let usage = before;
  if (input.newPeriod) {
    const covering = before.periods < couponPeriodLimit(coupon);
    usage = { couponId: coupon.couponId, periods: before.periods + (covering ? 1 : 0), covering };
  }
  if (!usage.covering) return { discount: null, usage };
  const applies = lines.map((line) => appliesTo(coupon, input.planId, line));
  const weights = lines.map((line, i) => (applies[i] ? line.amount : 0));
  const net = weights.reduce((a, b) => a + b, 0);
  const amount = discountAmount(coupon, net, input.currency);
  if (amount === 0) return { discount: null, usage };
  const covered = lines.filter((_, i) => applies[i]);
  const line: InvoiceLine = {
    type: 'discount',
    planInstanceId: input.planInstanceId,
    serviceId: '',
    description: `${coupon.name} (${coupon.percentOff !== null ? `${coupon.percentOff}% off` : `${toMajorString({ amount: coupon.amountOff as number, currency: input.currency })} ${input.currency} off`})`,
    periodStart: covered.map((l) => l.periodStart).reduce((a, b) => (compareDates(a, b) <= 0 ? a : b)),
    periodEnd: covered.map((l) => l.periodEnd).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b)),
    quantity: '1',
    unitPrice: null,
    amount,
    prorated: false,
    couponId: coupon.couponId,
  };
  return { discount: { line, shares: allocateSigned(amount, weights) }, usage };
}

/** The discount on a net of `net` minor units: negative on charges, positive (a refund of it) on a net credit. */
export function discountAmount(coupon: Pick<CouponTerms, 'percentOff' | 'amountOff' | 'currency'>, net: number, currency: string): number {
  if (net === 0) return 0;
  if (coupon.percentOff !== null) {
    return -new Decimal(net).times(coupon.percentOff).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() + 0;
  }
  // An amount off takes from charges only, in its own currency; it gives nothing back on a credit.
  if (coupon.currency !== currency || net < 0) return 0;
  return -Math.min(coupon.amountOff as number, net);
}

/** How many periods a coupon discounts: 1 once, its count repeating, no end forever (pools count theirs with it too). */
export function couponPeriodLimit(coupon: Pick<CouponTerms, 'duration' | 'durationInPeriods'>): number {
  switch (coupon.duration) {
    case 'once':
      return 1;
    case 'repeating':
      return coupon.durationInPeriods ?? 1;
    case 'forever':
      return Number.POSITIVE_INFINITY;
    default:
      return assertNever(coupon.duration);
  }
}

/** A charge line of a plan and a service the coupon names (every plan, every service, when it names none). */
export function appliesTo(coupon: Pick<CouponTerms, 'planIds' | 'serviceIds'>, planId: string, line: InvoiceLine): boolean {
  if (line.type === 'discount' || line.type === 'tax') return false;
  return (coupon.planIds.length === 0 || coupon.planIds.includes(planId)) && (coupon.serviceIds.length === 0 || coupon.serviceIds.includes(line.serviceId));
}
