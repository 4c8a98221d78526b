import { priceFor, Pricing, effectivePricing } from '../../catalog/domain';
import { InvoiceLine } from './invoice';
import { addDays, CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { roundToMinor } from '../../shared-kernel/money';
import { lastDay, Period } from './billing-grid';
import { PricingContext, ServiceUsage, UsageFacts } from './plan-instance.commands';
import { PlanSnapshot, UsageBilling } from './plan-instance.events';

/** What one usage service of the plan costs this account: the catalog's price or the nearest override's. */
export interface UsagePrice {
  serviceId: string;
  name: string;
  pricing: Pricing;
  discountPercent: string | null;
}

/** The usage services of the plan, each with the price in force for the account (DOMAIN.md §5, as recurring charges). */
export function usagePrices(plan: PlanSnapshot, accountId: string, context: PricingContext): UsagePrice[] {
  return effectivePricing(accountId, context.ancestors, plan, context.overrides)
    .services.filter((service) => service.type === 'usage')
    .map(({ serviceId, name, pricing, discountPercent }) => ({ serviceId, name, pricing, discountPercent }));
}

export function usageServiceIds(plan: PlanSnapshot): string[] {
  return plan.services.filter((service) => service.type === 'usage').map((service) => service.id);
}

/** Usage billing of a new instance: nothing billed, every usage service from the start date. */
export function usageFromStart(plan: PlanSnapshot, startDate: CalendarDate): UsageBilling {
  return { billedTo: Object.fromEntries(usageServiceIds(plan).map((id) => [id, startDate])), lateBilled: {} };
}

/**
 * After a switch to `plan` on `date`: services the new plan does not have are no longer billed (the switch has
 * billed them), services it adds are billed from `date`, services both have keep where they were. Late usage
 * billed is kept whatever the plan, so late usage is never billed twice if a service comes back.
 */
export function usageAfterSwitch(usage: UsageBilling, plan: PlanSnapshot, date: CalendarDate): UsageBilling {
  return { billedTo: Object.fromEntries(usageServiceIds(plan).map((id) => [id, usage.billedTo[id] ?? date])), lateBilled: usage.lateBilled };
}

export function isEmptyUsage(usage: UsageBilling): boolean {
  return Object.keys(usage.billedTo).length === 0 && Object.keys(usage.lateBilled).length === 0;
}

export function sameUsage(a: UsageBilling, b: UsageBilling): boolean {
  return sameRecord(a.billedTo, b.billedTo) && sameRecord(a.lateBilled, b.lateBilled);
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/** Thrown when a plan with usage services is billed without usage facts: billing zero silently would lose revenue. */
export class MissingUsageFactsError extends Error {
  constructor(planInstanceId: string, serviceId: string, needed: string) {
    super(`usage facts for service ${serviceId} of plan instance ${planInstanceId} are missing or do not cover ${needed}; gather them (gatherUsageFacts) before deciding`);
    this.name = 'MissingUsageFactsError';
  }
}

/** The facts of one service, checked to cover [from, to). */
export function serviceUsage(usage: UsageFacts | undefined, planInstanceId: string, serviceId: string, used: Period): ServiceUsage {
  const facts = usage?.[serviceId];
  if (!facts || compareDates(used.from, facts.from) < 0 || compareDates(used.to, facts.to) > 0) {
    throw new MissingUsageFactsError(planInstanceId, serviceId, `${used.from} – ${used.to} (exclusive)`);
  }
  return facts;
}

/** On-time usage of the days in [from, to): exact. */
export function onTimeQuantity(facts: ServiceUsage, used: Period): Decimal {
  let total = new Decimal(0);
  for (const day of facts.onTime) {
    if (compareDates(day.date, used.from) >= 0 && compareDates(day.date, used.to) < 0) total = total.plus(day.quantity);
  }
  return total;
}

/** Late usage known so far (every late day in the facts), exact. */
export function lateQuantity(facts: ServiceUsage): Decimal {
  return facts.late.reduce((total, day) => total.plus(day.quantity), new Decimal(0));
}

/**
 * The days of the late usage not billed yet, for the line's period: walking late days in date order, the days
 * past the quantity already billed. (Late usage of an earlier day arriving after a later one's was billed can
 * make this period approximate; the quantity and amount are exact whatever the order.)
 */
export function unbilledLateDays(facts: ServiceUsage, billed: Decimal): Period | null {
  const days = [...facts.late].sort((a, b) => compareDates(a.date, b.date));
  let covered = new Decimal(0);
  let first: CalendarDate | null = null;
  let last: CalendarDate | null = null;
  for (const day of days) {
    covered = covered.plus(day.quantity);
    if (covered.gt(billed)) {
      first ??= day.date;
      last = day.date;
    }
  }
  return first === null || last === null ? null : { from: first, to: addDays(last, 1) };
}

export interface UsageLineInput {
  price: UsagePrice;
  planName: string;
  planInstanceId: string;
  quantity: Decimal;
  /** The days the usage occurred in, half-open. */
  used: Period;
  currency: string;
  late: boolean;
}

/**
 * A usage line: the period's quantity priced by the service's model (per unit, graduated tiers, volume, flat
 * fee per tier), after any discount, computed exactly and rounded once (DOMAIN.md §2, §6). Tiers apply to the
 * quantity as it is, also in a partial period (they are not prorated).
 */
export function usageLine(input: UsageLineInput): InvoiceLine {
  const { price, quantity, used } = input;
  const keep = discountFactor(price.discountPercent);
  const amount = roundToMinor(priceFor(price.pricing, quantity).times(keep), input.currency) + 0;
  const line: InvoiceLine = {
    type: 'usage',
    planInstanceId: input.planInstanceId,
    serviceId: price.serviceId,
    description: `${input.planName} – ${price.name}${input.late ? ' (late usage)' : ''}`,
    periodStart: used.from,
    periodEnd: lastDay(used),
    quantity: quantity.toString(),
    unitPrice: price.pricing.model === 'perUnit' ? unitPrice(price.pricing.unitPrice, price.discountPercent) : null,
    amount,
    prorated: false,
  };
  return input.late ? { ...line, late: true } : line;
}

function discountFactor(discountPercent: string | null): Decimal {
  return discountPercent === null ? new Decimal(1) : new Decimal(100).minus(discountPercent).div(100);
}

function unitPrice(price: string, discountPercent: string | null): string {
  return discountPercent === null ? price : new Decimal(price).times(discountFactor(discountPercent)).toString();
}
