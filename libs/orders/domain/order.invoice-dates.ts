import { BillingInterval } from '../../catalog/domain';
import { nextBoundaryAfter } from '../../plan-instances/domain';
import { CalendarDate, compareDates } from '../../shared-kernel/calendar-date';

/**
 * What an aligned order needs to know of the plan instance it is tied to (the plan-instances read model's
 * document has it all): where its billing grid is anchored, and where its billing stops.
 */
export interface AlignedPlanInstance {
  anchorDate: CalendarDate;
  billDay: number;
  billingInterval: BillingInterval;
  /** The first day not billed yet; null once cancelled (it bills nothing more). */
  nextBillDate: CalendarDate | null;
  /** The first day without service, of a cancellation done or scheduled: nothing is invoiced on or after it. */
  endsOn: CalendarDate | null;
}

/**
 * The plan instance's next `count` invoice dates strictly after `after` (the order date), ascending, estimated
 * from its billing grid (DOMAIN.md §3: each boundary counted from the anchor, so short months never drag later
 * ones, and bill day 31 comes back after February). The first is never before its next bill date (what is
 * already billed is not an upcoming invoice). Fewer than `count` when its billing ends first (a cancellation);
 * none once cancelled. A scheduled switch to a plan with another interval is not foreseen: the schedule is
 * realigned when it happens (`RealignInstallments`).
 */
export function upcomingInvoiceDates(instance: AlignedPlanInstance, after: CalendarDate, count: number): CalendarDate[] {
  const { anchorDate, billDay, billingInterval, nextBillDate, endsOn } = instance;
  if (nextBillDate === null || count <= 0) return [];
  const grid = { anchorDate, billDay, interval: billingInterval };
  let date = compareDates(nextBillDate, after) > 0 ? nextBillDate : nextBoundaryAfter(grid, after);
  const dates: CalendarDate[] = [];
  while (dates.length < count && (endsOn === null || compareDates(date, endsOn) < 0)) {
    dates.push(date);
    date = nextBoundaryAfter(grid, date);
  }
  return dates;
}
