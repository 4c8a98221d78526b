import { CalendarDate, compareDates, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { parseCurrency } from '../../shared-kernel/currency';
import { ErrorDetail, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { optional, text, validateAll } from '../../shared-kernel/validation';
import { integerIn, listOf, oneOf } from './input';
import { parseDiscountPercent } from './price-override';

export const COUPON_DURATIONS = ['once', 'repeating', 'forever'] as const;
export type CouponDuration = (typeof COUPON_DURATIONS)[number];

/**
 * A promotion (DOMAIN.md §13): a percentage or an amount off, once, for a number of periods or forever, on the
 * whole invoice or only on the lines of chosen plans or services. Immutable once created, so billing may keep a
 * copy of it with each account it is applied to.
 */
export interface CouponTerms {
  couponId: string;
  name: string;
  /** Normalised decimal string, more than 0 and at most 100; null for an amount off. */
  percentOff: string | null;
  /** Minor units of `currency`; null for a percentage off. */
  amountOff: number | null;
  currency: string | null;
  duration: CouponDuration;
  /** For `repeating`: how many invoices of each plan instance it discounts; null otherwise. */
  durationInPeriods: number | null;
  /** Empty: any plan. Otherwise only lines of these plans (and of `serviceIds`, when both are given). */
  planIds: string[];
  serviceIds: string[];
  /** How many accounts it may be applied to; null: no limit. */
  maxRedemptions: number | null;
  /** The last business day it may be applied on; null: no expiry. Once applied, it runs its duration. */
  expiresOn: CalendarDate | null;
}

export const MAX_DURATION_IN_PERIODS = 1200;
export const MAX_REDEMPTIONS = 1_000_000_000;
/** An amount off is at most the catalog's largest price (10,000,000,000 major units of a 2-digit currency). */
export const MAX_AMOUNT_OFF = 1_000_000_000_000;
const MAX_SCOPE = 100;

/** The body of POST /v1/coupons as sent; every field is checked here (400, all at once, then the cross-field rules). */
export function parseCoupon(couponId: string, input: Record<string, unknown>): CouponTerms {
  const fields = validateAll({
    name: () => text(input.name, 'name', 200),
    percentOff: () => optional(input.percentOff, 'percentOff', percentOff),
    amountOff: () => optional(input.amountOff, 'amountOff', (value, field) => integerIn(value, field, 1, MAX_AMOUNT_OFF)),
    currency: () => optional(input.currency, 'currency', parseCurrency),
    duration: () => oneOf(input.duration, 'duration', COUPON_DURATIONS),
    durationInPeriods: () => optional(input.durationInPeriods, 'durationInPeriods', (value, field) => integerIn(value, field, 1, MAX_DURATION_IN_PERIODS)),
    planIds: () => ids(input.planIds, 'planIds'),
    serviceIds: () => ids(input.serviceIds, 'serviceIds'),
    maxRedemptions: () => optional(input.maxRedemptions, 'maxRedemptions', (value, field) => integerIn(value, field, 1, MAX_REDEMPTIONS)),
    expiresOn: () => optional(input.expiresOn, 'expiresOn', parseCalendarDate),
  });
  const problems: ErrorDetail[] = [];
  const problem = (field: string, rule: string, message: string) => problems.push({ field, rule, message });
  if (fields.percentOff !== null && fields.amountOff !== null) problem('percentOff', 'percentOrAmount', 'send percentOff or amountOff, not both');
  if (fields.percentOff === null && fields.amountOff === null) problem('percentOff', 'percentOrAmount', 'send percentOff (e.g. "10") or amountOff (minor units, with currency)');
  if (fields.amountOff !== null && fields.currency === null) problem('currency', 'currencyWithAmount', 'amountOff needs the currency it is in (ISO 4217, e.g. "USD")');
  if (fields.percentOff !== null && fields.currency !== null) problem('currency', 'currencyWithAmount', 'currency is only for amountOff; a percentage off applies in any currency');
  if (fields.duration === 'repeating' && fields.durationInPeriods === null) problem('durationInPeriods', 'required', 'a repeating coupon needs durationInPeriods (how many invoices it discounts)');
  if (fields.duration !== 'repeating' && fields.durationInPeriods !== null) problem('durationInPeriods', 'onlyWhenRepeating', `durationInPeriods is only for duration "repeating" (got duration "${fields.duration}")`);
  if (problems.length > 0) throw new InvalidInputError(problems.map((p) => p.message).join('; '), problems);
  return { couponId, ...fields };
}

/**
 * Whether the coupon may be applied to one more account on `today` (422): not past its expiry, not exhausted
 * (`appliedTo` are the accounts it was applied to; applying it again to one of them counts nothing), and an
 * amount off only to an account billed in its currency.
 */
export function assertApplicable(coupon: CouponTerms, appliedTo: ReadonlySet<string>, accountId: string, accountCurrency: string, today: CalendarDate): void {
  const problems: ErrorDetail[] = [];
  if (coupon.expiresOn !== null && compareDates(today, coupon.expiresOn) > 0) {
    problems.push({ field: 'couponId', rule: 'couponExpired', message: `coupon ${coupon.couponId} expired on ${coupon.expiresOn} (today is ${today}); it can no longer be applied` });
  }
  if (coupon.maxRedemptions !== null && !appliedTo.has(accountId) && appliedTo.size >= coupon.maxRedemptions) {
    problems.push({ field: 'couponId', rule: 'couponExhausted', message: `coupon ${coupon.couponId} was already applied to ${appliedTo.size} accounts, its maxRedemptions` });
  }
  if (coupon.currency !== null && coupon.currency !== accountCurrency) {
    problems.push({ field: 'couponId', rule: 'sameCurrency', message: `coupon ${coupon.couponId} takes an amount off in ${coupon.currency}; account ${accountId} is billed in ${accountCurrency}` });
  }
  if (problems.length > 0) throw new RuleViolationError(problems.map((p) => p.message).join('; '), problems);
}

/** Same rule as a price override's discountPercent: more than 0, at most 100, up to 4 decimals. */
function percentOff(value: unknown, field: string): string {
  return parseDiscountPercent(value, field);
}

function ids(value: unknown, field: string): string[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return [];
  const items = listOf(value, field, MAX_SCOPE);
  items.forEach((item, i) => assertValidId(item, `${field}[${i}]`));
  return [...new Set(items as string[])];
}
