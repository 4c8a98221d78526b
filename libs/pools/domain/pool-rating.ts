import { PaymentResponsibility } from '../../accounts/domain';
import { Pricing, priceFor } from '../../catalog/domain';
import { adjustInvoice, dueDate, Invoice, InvoiceLine, invoiceTotal, paidByOthers, withPayers, lastDay, nextBoundaryAfter, Period, BillingGrid, TaxFacts } from '../../plan-instances/domain';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { deterministicUuid } from '../../shared-kernel/ids';
import { allocate } from '../../shared-kernel/largest-remainder';
import { roundToMinor } from '../../shared-kernel/money';
import { MemberCoupon } from './pool-adjustments';
import { byId } from './pool-membership';
import { PoolMemberShare, PoolRatingHeader } from './pool.events';

/** At most this many members (and invoices) per PoolRated append. */
export const RATING_PART_SIZE = 500;

/** The id pooled invoices carry as their plan instance: `pool:<owner>:<serviceId>`. */
export function poolId(ownerAccountId: string, serviceId: string): string {
  return `pool:${ownerAccountId}:${serviceId}`;
}

/** What invoicing needs to know of a member: its payment terms, who pays its usage, and its ancestors now. */
export interface MemberBilling {
  paymentTermsDays: number;
  responsibility: PaymentResponsibility;
  /** Nearest first; put on the invoice when another account pays part of it. */
  ancestors: string[];
  /** The coupon in force for the member, if any (decision 0021: what `once` and `repeating` count on pools). */
  coupon?: MemberCoupon;
  /** The rates of the member's place (or `exempt`); absent: no rate applies there. */
  tax?: TaxFacts;
}

export interface PoolRatingInput {
  ownerAccountId: string;
  serviceId: string;
  serviceName: string;
  pricing: Pricing;
  /** The plan that prices the pool (the owner's plan instance's): what a plan coupon is matched against. */
  planId?: string;
  /** The pool's service's tax category on that plan; absent or null: none (the rates naming no category tax it). */
  taxCategory?: string | null;
  currency: string;
  /** The owner's period (half-open), clipped to the pool's start. */
  period: Period;
  /** The rating day: the invoices' date. */
  invoiceDate: CalendarDate;
  /** Each member's on-time usage on the days the pool covered it (exact decimal strings); zeros allowed. */
  usage: readonly { accountId: string; quantity: string }[];
  billing(accountId: string): MemberBilling;
}

export interface PoolRating {
  header: Omit<PoolRatingHeader, 'parts'>;
  /** In account-id order; only members with usage. */
  members: PoolMemberShare[];
  /** One per member with usage, in the same order. */
  invoices: Invoice[];
}

/**
 * Rates one period of a pool (DOMAIN.md §6): the price of the pool's total quantity (tiers applied to the total),
 * rounded once, then split over the members in proportion to their usage by largest remainder, ties to the lower
 * account id (DOMAIN.md §2), so the shares add up to the pool's amount exactly. Each member with usage gets an
 * invoice of one pooled usage line, with its payment responsibility applied. Null when the pool used nothing.
 */
export function ratePool(input: PoolRatingInput): PoolRating | null {
  const used = input.usage.filter((member) => new Decimal(member.quantity).gt(0)).sort((a, b) => byId(a.accountId, b.accountId));
  const totalQuantity = used.reduce((sum, member) => sum.plus(member.quantity), new Decimal(0));
  if (totalQuantity.isZero()) return null;
  const amount = roundToMinor(priceFor(input.pricing, totalQuantity), input.currency);
  const shares = allocate(amount, used.map((member) => member.quantity));
  const members: PoolMemberShare[] = used.map((member, i) => ({ accountId: member.accountId, quantity: new Decimal(member.quantity).toString(), amount: shares[i] }));
  const header = {
    periodStart: input.period.from,
    periodEnd: input.period.to,
    currency: input.currency,
    totalQuantity: totalQuantity.toString(),
    amount,
    memberCount: members.length,
  };
  return { header, members, invoices: members.map((share) => memberInvoice(input, header, share)) };
}

function memberInvoice(input: PoolRatingInput, header: PoolRating['header'], share: PoolMemberShare): Invoice {
  const { ownerAccountId, serviceId, serviceName, pricing, period, invoiceDate, currency } = input;
  const billing = input.billing(share.accountId);
  const line: InvoiceLine = {
    type: 'usage',
    planInstanceId: poolId(ownerAccountId, serviceId),
    serviceId,
    description: `${serviceName} – pooled with ${ownerAccountId} (${share.quantity} of ${header.totalQuantity})`,
    periodStart: period.from,
    periodEnd: lastDay(period),
    quantity: share.quantity,
    unitPrice: pricing.model === 'perUnit' ? pricing.unitPrice : null,
    amount: share.amount,
    prorated: false,
    pool: { ownerAccountId, serviceId, poolQuantity: header.totalQuantity, poolAmount: header.amount },
  };
  const { lines, total, taxed } = adjustedLines(input, line, share.accountId, billing);
  return {
    invoiceId: pooledInvoiceId(ownerAccountId, serviceId, period.from, share.accountId),
    accountId: share.accountId,
    planInstanceId: poolId(ownerAccountId, serviceId),
    invoiceDate,
    dueDate: dueDate(invoiceDate, billing.paymentTermsDays),
    currency,
    total,
    ...taxed,
    lines,
    ...(paidByOthers(lines, share.accountId) ? { ancestors: billing.ancestors } : {}),
  };
}

/**
 * The pooled line through the plan-instance invoices' seam (DOMAIN.md §13, decision 0021): the coupon's discount
 * line, one tax line per rate, then the payers. A pool invoice bills a new period of the pool: the coupon covers it
 * while fewer than its periods were discounted before (`periodsBefore`, counted by the caller). Without a coupon
 * or a rate the invoice is as before (no subtotal, no tax).
 */
function adjustedLines(input: PoolRatingInput, line: InvoiceLine, accountId: string, billing: MemberBilling): { lines: InvoiceLine[]; total: number; taxed: { subtotal?: number; tax?: number } } {
  const { coupon, tax } = billing;
  if (!coupon && !tax) {
    const lines = withPayers([line], accountId, billing.responsibility);
    return { lines, total: invoiceTotal(lines), taxed: {} };
  }
  const adjusted = adjustInvoice({
    lines: [line],
    accountId,
    planId: input.planId ?? '',
    planInstanceId: line.planInstanceId,
    currency: input.currency,
    taxCategories: input.taxCategory ? { [input.serviceId]: input.taxCategory } : {},
    ...(coupon ? { coupon: coupon.terms, couponUsage: { couponId: coupon.terms.couponId, periods: coupon.periodsBefore, covering: false } } : {}),
    newPeriod: true,
    ...(tax ? { tax } : {}),
    responsibility: billing.responsibility,
  });
  return { lines: adjusted.lines, total: adjusted.total, taxed: { subtotal: adjusted.subtotal, tax: adjusted.tax } };
}

/** Deterministic: the same member's invoice for the same pool period always has the same id. */
export function pooledInvoiceId(ownerAccountId: string, serviceId: string, periodStart: CalendarDate, accountId: string): string {
  return deterministicUuid('poolInvoice', ownerAccountId, serviceId, periodStart, accountId);
}

/** The rating cut into parts of at most `size` members, each with its members' invoices. */
export function ratingParts(rating: PoolRating, size = RATING_PART_SIZE): { header: PoolRatingHeader; part: number; members: PoolMemberShare[]; invoices: Invoice[] }[] {
  const parts = Math.max(1, Math.ceil(rating.members.length / size));
  const header: PoolRatingHeader = { ...rating.header, parts };
  return Array.from({ length: parts }, (_, part) => ({
    header,
    part,
    members: rating.members.slice(part * size, (part + 1) * size),
    invoices: rating.invoices.slice(part * size, (part + 1) * size),
  }));
}

/** The pool's period that starts on `from`: up to the owner's next bill date (the first one may be clipped to the pool's start). */
export function poolPeriodFrom(grid: BillingGrid, from: CalendarDate): Period {
  return { from, to: nextBoundaryAfter(grid, from) };
}

/** Every period from `nextStart` on that has ended by `today` (rated the day after its end, or later to catch up). */
export function periodsDue(grid: BillingGrid, nextStart: CalendarDate, today: CalendarDate): Period[] {
  const due: Period[] = [];
  for (let period = poolPeriodFrom(grid, nextStart); period.to <= today; period = poolPeriodFrom(grid, period.to)) due.push(period);
  return due;
}
