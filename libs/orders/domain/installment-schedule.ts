import { addDays, addMonthsClamped, CalendarDate, compareDates, dayOfMonth, daysBetween } from '../../shared-kernel/calendar-date';
import { assertNever } from '../../shared-kernel/decider';
import { Decimal } from '../../shared-kernel/decimal';
import { RuleViolationError } from '../../shared-kernel/errors';
import { allocate } from '../../shared-kernel/largest-remainder';
import { fromMajor, toMajorString } from '../../shared-kernel/money';
import { Frequency, InstallmentTerm, LumpSum } from './installment-terms';

/**
 * The schedule of one order on an installment term (DOMAIN.md §10), computed purely from the order and the
 * term: the lump sum first (if any), then the installments, amounts in minor units adding up to the total
 * exactly. The caller supplies every date it needs (the order date, and for an aligned term the plan
 * instance's upcoming invoice dates): nothing here reads a clock or a store.
 */

export type InstallmentKind = 'lumpSum' | 'installment';

export interface ScheduledInstallment {
  /** 0 for the lump sum; the installments are 1..term.installments, so "installment 3" means the same with or without one. */
  number: number;
  kind: InstallmentKind;
  /** When it is billed: the business day that reaches it invoices it. */
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  /** Minor units of the order's currency. */
  amount: number;
}

export interface ScheduleInput {
  /** The order total in minor units of `currency`; more than zero. */
  total: number;
  currency: string;
  term: InstallmentTerm;
  orderDate: CalendarDate;
  /** Resolved by the caller: the term's own, else the payment term's or method's (resolveDaysUntilDue). */
  daysUntilDue: number;
  /**
   * Aligned terms: the plan instance's invoice dates after the order date, ascending (the caller estimates them
   * from every plan instance under the aligned one). Extra dates are ignored; too few is a RuleViolationError.
   */
  upcomingInvoiceDates?: readonly CalendarDate[];
}

/**
 * The lump sum (number 0, on the order date) then the installments, in billing order.
 * - Lump sum: a percent of the total rounded once half away from zero, or the amount; it must be less than
 *   the total (rule `lumpSumBelowTotal`), so something is left to pay in installments. A percent that rounds
 *   to nothing (0.5 % of 0.10) leaves the row out.
 * - The rest is split by largest remainder, ties to the earlier installment (100000 in 3: 33334, 33333, 33333).
 * - Independent: installment k (from 0) on the order date plus k steps; months keep the order's day and clamp
 *   to short months (Jan 31 → Feb 29 → Mar 31). Aligned: installment k on upcomingInvoiceDates[k].
 * - Due dates: invoice date + daysUntilDue; an aligned lump sum uses the term's lumpSumDaysUntilDue when set.
 */
export function computeInstallmentSchedule(input: ScheduleInput): ScheduledInstallment[] {
  const { total, currency, term, orderDate, daysUntilDue } = input;
  if (!Number.isSafeInteger(total) || total <= 0) {
    const message = `an order total of ${Number.isSafeInteger(total) ? toMajorString({ amount: total, currency }) : total} ${currency} cannot be paid in installments: the total must be more than zero`;
    throw new RuleViolationError(message, [{ field: 'total', rule: 'positive', message }]);
  }
  assertDays(daysUntilDue, 'daysUntilDue');
  const lumpSum = term.lumpSum === null ? 0 : lumpSumAmount(term.lumpSum, total, currency);
  const invoiceDates = installmentDates(input);
  const amounts = allocate(total - lumpSum, invoiceDates.map(() => '1'));
  const installments = amounts.map(
    (amount, k): ScheduledInstallment => ({
      number: k + 1,
      kind: 'installment',
      invoiceDate: invoiceDates[k],
      dueDate: addDays(invoiceDates[k], daysUntilDue),
      amount,
    }),
  );
  if (lumpSum === 0) return installments;
  const lumpSumDays = (term.schedule === 'aligned' ? term.lumpSumDaysUntilDue : null) ?? daysUntilDue;
  return [{ number: 0, kind: 'lumpSum', invoiceDate: orderDate, dueDate: addDays(orderDate, lumpSumDays), amount: lumpSum }, ...installments];
}

/** The lump sum in minor units; a refusal names `lumpSum.amount` or `lumpSum.percent`. */
export function lumpSumAmount(lumpSum: LumpSum, total: number, currency: string): number {
  const field = 'percent' in lumpSum ? 'lumpSum.percent' : 'lumpSum.amount';
  const amount =
    'percent' in lumpSum
      ? new Decimal(total).times(lumpSum.percent).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber()
      : fromMajor(lumpSum.amount, currency, field).amount;
  if (amount >= total) {
    const major = `${toMajorString({ amount, currency })} ${currency}`;
    const what = 'percent' in lumpSum ? `${lumpSum.percent} % of the total, ${major}` : major;
    const message = `the lump sum (${what}) must be less than the order total of ${toMajorString({ amount: total, currency })} ${currency}, so that installments remain`;
    throw new RuleViolationError(message, [{ field, rule: 'lumpSumBelowTotal', message }]);
  }
  return amount;
}

/** The invoice date of each installment (not the lump sum), in order. */
function installmentDates(input: ScheduleInput): CalendarDate[] {
  const { term, orderDate } = input;
  if (term.schedule === 'independent') {
    if (term.frequency === null) throw new RangeError(`independent term ${term.id} has no frequency`);
    const frequency = term.frequency;
    return Array.from({ length: term.installments }, (_, k) => independentDate(orderDate, frequency, k));
  }
  return alignedDates(input.upcomingInvoiceDates ?? [], term.installments, orderDate);
}

/** Step k of an independent schedule, always counted from the order date so a short month never drags later ones. */
export function independentDate(orderDate: CalendarDate, frequency: Frequency, k: number): CalendarDate {
  switch (frequency.unit) {
    case 'day':
      return addDays(orderDate, k * frequency.count);
    case 'week':
      return addDays(orderDate, 7 * k * frequency.count);
    case 'month':
      return addMonthsClamped(orderDate, k * frequency.count, dayOfMonth(orderDate));
    default:
      return assertNever(frequency.unit);
  }
}

/**
 * An aligned plan instance's billing interval changed (seed 002: "the installment payments assume the schedule of
 * the new billing interval"): the installments not billed yet move, in order, to its new upcoming invoice dates
 * (after `from`, the business date), each keeping its amount and its days until due. The lump sum never moves.
 */
export function realignInstallments(
  unbilled: readonly ScheduledInstallment[],
  upcomingInvoiceDates: readonly CalendarDate[],
  from: CalendarDate,
): ScheduledInstallment[] {
  const moving = unbilled.filter((row) => row.kind === 'installment');
  const dates = alignedDates(upcomingInvoiceDates, moving.length, from);
  return moving.map((row, k) => ({ ...row, invoiceDate: dates[k], dueDate: addDays(dates[k], daysBetween(row.invoiceDate, row.dueDate)) }));
}

function alignedDates(dates: readonly CalendarDate[], count: number, orderDate: CalendarDate): CalendarDate[] {
  dates.forEach((date, i) => {
    const previous = i === 0 ? orderDate : dates[i - 1];
    // The caller computes these: out of order is a bug, not input.
    if (compareDates(date, previous) < 0 || (i > 0 && compareDates(date, previous) === 0)) {
      throw new RangeError(`upcomingInvoiceDates must ascend from the order date ${orderDate}: ${dates.join(', ')}`);
    }
  });
  if (dates.length < count) {
    const message = `${count} aligned installments need ${count} upcoming invoice dates of the plan instance, but it has only ${dates.length}: choose a plan instance that bills long enough, or an independent term`;
    throw new RuleViolationError(message, [{ field: 'planInstanceId', rule: 'enoughInvoiceDates', message }]);
  }
  return dates.slice(0, count);
}

function assertDays(days: number, field: string): void {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`${field} must be a whole number of days, 0 or more, got ${days}`);
}
