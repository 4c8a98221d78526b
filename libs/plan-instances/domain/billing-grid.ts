import { BillingInterval } from '../../catalog/domain';
import { addDays, addMonthsClamped, CalendarDate, compareDates, daysBetween, dayOfMonth, yearMonthOf } from '../../shared-kernel/calendar-date';
import { BillingGrid } from './plan-instance.events';

/** A half-open range of days [from, to): written inclusive (to − 1) only in documents and the API. */
export interface Period {
  from: CalendarDate;
  to: CalendarDate;
}

/**
 * Boundary k of the grid: the anchor plus k intervals, computed from the anchor every time so short months
 * never drag later ones (DOMAIN.md §3). k may be negative (the period before the anchor measures a stub).
 */
export function boundary(grid: BillingGrid, k: number): CalendarDate {
  const { anchorDate, billDay, interval } = grid;
  return interval.unit === 'month'
    ? addMonthsClamped(anchorDate, k * interval.count, billDay)
    : addDays(anchorDate, 7 * interval.count * k);
}

/** The k of the period that contains `date`: the largest k with boundary(k) ≤ date (negative before the anchor). */
export function periodIndexOf(grid: BillingGrid, date: CalendarDate): number {
  let k = estimateIndex(grid, date);
  while (compareDates(boundary(grid, k), date) > 0) k--;
  while (compareDates(boundary(grid, k + 1), date) <= 0) k++;
  return k;
}

/** The full period of the grid that contains `date`. */
export function periodContaining(grid: BillingGrid, date: CalendarDate): Period {
  const k = periodIndexOf(grid, date);
  return { from: boundary(grid, k), to: boundary(grid, k + 1) };
}

/** The first boundary strictly after `date`. */
export function nextBoundaryAfter(grid: BillingGrid, date: CalendarDate): CalendarDate {
  return boundary(grid, periodIndexOf(grid, date) + 1);
}

/**
 * Where the grid of an instance starting on `start` with `billDay` is anchored: `start` itself when the bill
 * day is the start's day (or a short month clamps it there), else the next date on the bill day, and
 * [start, anchor) is a stub. Week intervals always anchor on the start.
 */
export function gridFor(start: CalendarDate, billDay: number, interval: BillingInterval): BillingGrid {
  if (interval.unit === 'week') return { anchorDate: start, billDay: dayOfMonth(start), interval };
  const thisMonth = addMonthsClamped(start, 0, billDay);
  const anchorDate = compareDates(thisMonth, start) >= 0 ? thisMonth : addMonthsClamped(start, 1, billDay);
  return { anchorDate, billDay, interval };
}

export function days(period: Period): number {
  return daysBetween(period.from, period.to);
}

/** The last day of a half-open period, as documents and the API write it (inclusive). */
export function lastDay(period: Period): CalendarDate {
  return addDays(period.to, -1);
}

/** A first guess of the index from whole months or weeks; periodIndexOf corrects it by a step or two. */
function estimateIndex(grid: BillingGrid, date: CalendarDate): number {
  const { anchorDate, interval } = grid;
  if (interval.unit === 'week') return Math.floor(daysBetween(anchorDate, date) / (7 * interval.count));
  const a = yearMonthOf(anchorDate);
  const d = yearMonthOf(date);
  return Math.floor(((d.year - a.year) * 12 + (d.month - a.month)) / interval.count);
}
