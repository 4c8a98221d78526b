import { BillingInterval } from '../../catalog/domain';
import { dueDate, Invoice, InvoiceLine } from './invoice';
import { paidByOthers } from './payers';
import { adjustInvoice } from './invoice-adjustments';
import { CouponUsage } from './discounts';
import { Decimal } from '../../shared-kernel/decimal';
import { addDays, CalendarDate, compareDates, dayOfMonth } from '../../shared-kernel/calendar-date';
import { deterministicUuid } from '../../shared-kernel/ids';
import { gridFor, Period, periodContaining } from './billing-grid';
import { chargeFor, creditLine, recurringLine, recurringPrices } from './charges';
import { BillingFacts } from './plan-instance.commands';
import {
  ChargeInForce,
  PlanInstanceEvent,
  PlanSnapshot,
  ProrationRule,
  ScheduledChange,
  UsageBilling,
} from './plan-instance.events';
import {
  isEmptyUsage,
  lateQuantity,
  onTimeQuantity,
  sameUsage,
  serviceUsage,
  unbilledLateDays,
  usageAfterSwitch,
  usageLine,
  UsagePrice,
  usagePrices,
  usageServiceIds,
  MissingUsageFactsError,
} from './usage-charges';
import { evolvePlanInstance, PlanInstance } from './plan-instance';
import { isBillableStatus } from '../../tenancy/domain';
import { SkippedBilling } from './plan-instance.events';

/**
 * Billing from the instance's state up to `today`, one command at a time: applies scheduled changes and bills
 * periods in date order, gathers the lines, and ends with one PlanInstanceBilled carrying the invoice.
 */
export class BillingRun {
  private state: PlanInstance;
  private readonly lines: InvoiceLine[] = [];
  nextBillDate: CalendarDate | null;
  private charges: ChargeInForce[];
  private usage: UsageBilling;
  /**
   * Not billable (the instance's status, or its account's: `facts.billable`): due periods are skipped, their
   * start moving on with nothing charged, so billing resumes at the next period start once billable again and
   * never bills the skipped days later. Usage billed at a skipped bill date (the period that just ended, in
   * arrears) and late usage arriving meanwhile are not billed either and count as billed: the status at the
   * bill date decides the whole billing of that date. Credits (refunds of what was charged) still post.
   */
  private readonly skipping: boolean;
  private skipped: SkippedBilling | null = null;
  /** A new period was billed (not skipped): the invoice counts against a coupon's once/repeating duration. */
  private newPeriod = false;
  /** The coupon's usage after the invoice, when it changed (set by invoice()). */
  private couponUsage: CouponUsage | undefined;
  /** The plan before any switch of this run: its credit lines are taxed by its services' categories. */
  private readonly planAtStart: PlanSnapshot;

  constructor(
    state: PlanInstance,
    private readonly facts: BillingFacts,
    readonly events: PlanInstanceEvent[] = [],
    /** The rule for a stub at assignment; periods after it are whole. */
    private readonly stubRule: ProrationRule = facts.tenantProrationRule,
  ) {
    this.state = state;
    this.planAtStart = state.plan;
    this.nextBillDate = state.nextBillDate;
    this.charges = state.charges;
    this.usage = state.usage;
    this.skipping = facts.billable === false || !isBillableStatus(state.status, facts.statusSettings ?? {});
    const pendingPlan = state.pending?.kind === 'switch' ? [state.pending.plan] : [];
    const metered = [state.plan, ...pendingPlan].flatMap(usageServiceIds);
    if (metered.length > 0 && facts.usage === undefined) {
      // Never bill zero usage because nobody looked: the caller must gather it (gatherUsageFacts).
      throw new MissingUsageFactsError(state.id, metered[0], 'this billing');
    }
  }

  emit(event: PlanInstanceEvent): void {
    this.events.push(event);
    this.state = evolvePlanInstance(this.state, event) as PlanInstance;
  }

  /** Everything due by today, in date order: a scheduled change on or before the next bill date comes first. */
  catchUp(): void {
    const today = this.facts.today;
    for (;;) {
      const billOn = this.nextBillDate;
      if (this.state.status === 'cancelled' || billOn === null) return;
      const pending = this.state.pending;
      if (pending && compareDates(pending.effectiveDate, today) <= 0 && compareDates(pending.effectiveDate, billOn) <= 0) {
        // Periods that ended by the change are billed at the plan they were used under.
        this.billUsage(this.meteredServices(), pending.effectiveDate, false);
        this.apply(pending);
      } else if (compareDates(billOn, today) <= 0) {
        // A future-dated assignment starts with its first period (its start date is its first bill date).
        if (this.state.activation) this.emit({ type: 'PlanInstanceActivated', data: { planInstanceId: this.state.id, accountId: this.state.accountId, status: this.state.status, activatedOn: billOn } });
        // In arrears: the usage of the period(s) ended, on the same invoice as the new period in advance.
        this.billUsage(this.meteredServices(), billOn, false);
        this.billPeriodFrom(billOn);
      } else {
        return;
      }
    }
  }

  /** Bills [from, end of the grid period containing it): a whole period, or a stub measured against its full period. */
  private billPeriodFrom(from: CalendarDate): void {
    const full = periodContaining(this.state.grid, from);
    const used = { from, to: full.to };
    const partial = compareDates(from, full.from) !== 0;
    this.nextBillDate = full.to;
    if (this.skipping) {
      this.charges = [];
      this.skipped = { reason: 'notBillable', from: this.skipped?.from ?? from, to: full.to };
      return;
    }
    if (partial && this.stubRule === 'none') {
      this.charges = []; // proration none: a partial first period is not charged; billing starts on the bill day
      return;
    }
    this.newPeriod = true;
    this.charges = this.prices().map((price) => chargeFor(price, this.state.quantity));
    for (const charge of this.charges) this.lines.push(recurringLine(this.lineInput(charge, used, full)));
  }

  /** Refunds the days from `date` to the end of what was charged, by the charge's own price. */
  creditUnused(date: CalendarDate, rule: ProrationRule): void {
    const billedTo = this.nextBillDate;
    if (rule === 'none' || billedTo === null || compareDates(date, billedTo) >= 0) return;
    const full = periodContaining(this.state.grid, date);
    for (const charge of this.charges) this.lines.push(creditLine(this.lineInput(charge, { from: date, to: billedTo }, full)));
    this.charges = [];
  }

  /** Charges the current plan and quantity from `date` to the end of the period already billed. */
  chargeRemaining(date: CalendarDate, rule: ProrationRule): void {
    const billedTo = this.nextBillDate;
    if (rule === 'none' || billedTo === null || compareDates(date, billedTo) >= 0) return;
    if (this.skipping) {
      this.charges = []; // nothing charged while not billable, so nothing to credit later either
      return;
    }
    const full = periodContaining(this.state.grid, date);
    this.charges = this.prices().map((price) => chargeFor(price, this.state.quantity));
    for (const charge of this.charges) this.lines.push(recurringLine(this.lineInput(charge, { from: date, to: billedTo }, full)));
  }

  /**
   * The new plan from `date`. Same interval: the grid stays, unused days are credited and the rest of the
   * period charged at the new price. Another interval: a new grid starts where the new plan's first whole
   * period is charged: on `date` when prorating (after the credit), else at the next bill date.
   */
  switchTo(plan: PlanSnapshot, date: CalendarDate, rule: ProrationRule, resetBillDate = false): void {
    const same = sameInterval(plan.billingInterval, this.state.grid.interval);
    // A bill-date reset (seed 003) lays a new grid from `date` whatever the intervals, as another interval does.
    const regrid = !same || resetBillDate;
    // Usage up to the switch at the old price: every service when the grid changes (its periods end here),
    // else only the services the new plan drops; the kept ones are billed at the period end at the new price.
    const kept = new Set(usageServiceIds(plan));
    this.billUsage(!regrid ? this.meteredServices().filter((id) => !kept.has(id)) : this.meteredServices(), date, true);
    this.creditUnused(date, rule);
    const from = { planId: this.state.plan.id, version: this.state.plan.version };
    let grid = this.state.grid;
    if (regrid) {
      const start = rule === 'prorate' || resetBillDate ? date : (this.nextBillDate as CalendarDate);
      // Anchored on `start` itself, so its first period is whole: the bill day is kept when `start` falls on it
      // (2024-04-30 is bill day 31's April date), else it becomes the start's day.
      const keepDay = !resetBillDate && plan.billingInterval.unit === 'month' && grid.interval.unit === 'month' && gridFor(start, grid.billDay, plan.billingInterval).anchorDate === start;
      grid = gridFor(start, keepDay ? grid.billDay : dayOfMonth(start), plan.billingInterval);
      if (rule === 'prorate' || resetBillDate) this.nextBillDate = start;
    }
    this.emit({
      type: 'PlanSwitched',
      data: { planInstanceId: this.state.id, accountId: this.state.accountId, from, plan, effectiveDate: date, grid, prorationRule: rule },
    });
    this.usage = usageAfterSwitch(this.usage, plan, date);
    if (!regrid) this.chargeRemaining(date, rule);
    else this.catchUp();
  }

  /**
   * Seed 003's bill-date reset on `date` (decision 0022): usage is billed up to it, what was charged from it is
   * credited by `rule`, and a new grid starts on it (its day the bill day), whose first whole period is billed now.
   */
  resetBillDate(date: CalendarDate, rule: ProrationRule, reason: 'change' | 'billableStatus'): void {
    this.billUsage(this.meteredServices(), date, true);
    this.creditUnused(date, rule);
    const grid = gridFor(date, dayOfMonth(date), this.state.grid.interval);
    this.emit({ type: 'PlanInstanceBillDateReset', data: { planInstanceId: this.state.id, accountId: this.state.accountId, effectiveDate: date, grid, reason } });
    this.nextBillDate = date;
    this.charges = [];
    this.catchUp();
  }

  cancel(date: CalendarDate, rule: ProrationRule): void {
    this.billUsage(this.meteredServices(), date, true); // the final, partial period's usage
    this.creditUnused(date, rule);
    this.emit({ type: 'PlanCancelled', data: { planInstanceId: this.state.id, accountId: this.state.accountId, effectiveDate: date, prorationRule: rule } });
    this.nextBillDate = null;
    this.charges = [];
  }

  /** A later change replaces an earlier scheduled one: an instance has at most one pending change. */
  schedule(change: ScheduledChange): void {
    this.emit({ type: 'PlanChangeScheduled', data: { planInstanceId: this.state.id, accountId: this.state.accountId, change } });
  }

  private apply(change: ScheduledChange): void {
    if (change.kind === 'switch') this.switchTo(change.plan, change.effectiveDate, change.prorationRule);
    else this.cancel(change.effectiveDate, change.prorationRule);
  }

  interval(): BillingInterval {
    return this.state.grid.interval;
  }

  lastChangeOn(): CalendarDate | null {
    return this.state.lastChangeOn;
  }

  /** The first day of the period billed last (or the start date, inside a stub). */
  currentPeriodStart(): CalendarDate {
    const billedTo = this.nextBillDate as CalendarDate;
    const period = periodContaining(this.state.grid, addDays(billedTo, -1));
    return compareDates(period.from, this.state.startDate) < 0 ? this.state.startDate : period.from;
  }

  /** The events decided: the changes, then one PlanInstanceBilled if billing moved or anything was charged. */
  finish(reason: 'assignment' | 'billRun' | 'change'): PlanInstanceEvent[] {
    this.billLateUsage();
    const usageMoved = !sameUsage(this.usage, this.state.usage);
    const moved = this.nextBillDate !== this.state.nextBillDate || JSON.stringify(this.charges) !== JSON.stringify(this.state.charges) || usageMoved;
    if (this.lines.length === 0 && !moved) return this.events;
    const invoice = this.lines.length === 0 ? null : this.invoice();
    // Plans without usage services keep the event as it was (no `usage` field).
    const usage = isEmptyUsage(this.usage) && isEmptyUsage(this.state.usage) ? {} : { usage: this.usage };
    const skipped = this.skipped ? { skipped: this.skipped } : {};
    const coupon = this.couponUsage && JSON.stringify(this.couponUsage) !== JSON.stringify(this.state.coupon) ? { coupon: this.couponUsage } : {};
    this.emit({
      type: 'PlanInstanceBilled',
      data: { planInstanceId: this.state.id, accountId: this.state.accountId, reason, nextBillDate: this.nextBillDate, charges: this.charges, invoice, ...usage, ...skipped, ...coupon },
    });
    return this.events;
  }

  /** The usage services billed now (those of the plan in force). */
  private meteredServices(): string[] {
    return Object.keys(this.usage.billedTo);
  }

  /**
   * Bills the on-time usage of `serviceIds` from where each is billed to `until`, one line per period of the grid
   * (none for a period without usage). `partial`: the last period ends at `until` (a cancellation or a switch);
   * else only periods that ended by `until` are billed.
   */
  private billUsage(serviceIds: readonly string[], until: CalendarDate, partial: boolean): void {
    if (serviceIds.length === 0) return;
    const billedTo = { ...this.usage.billedTo };
    for (const price of this.usagePrices()) {
      let from = billedTo[price.serviceId];
      if (from === undefined || !serviceIds.includes(price.serviceId)) continue;
      while (compareDates(from, until) < 0) {
        let to = periodContaining(this.state.grid, from).to;
        if (compareDates(to, until) > 0) {
          if (!partial) break;
          to = until;
        }
        const used = { from, to };
        const quantity = onTimeQuantity(serviceUsage(this.facts.usage, this.state.id, price.serviceId, used), used);
        if (quantity.gt(0) && !this.skipping) this.lines.push(this.usageLine(price, quantity, used, false));
        from = to;
      }
      billedTo[price.serviceId] = from;
    }
    this.usage = { ...this.usage, billedTo };
  }

  /** Late usage not billed yet, one line per service priced on its own (DOMAIN.md §6), so it is billed exactly once. */
  private billLateUsage(): void {
    const lateBilled = { ...this.usage.lateBilled };
    for (const price of this.usagePrices()) {
      if (this.usage.billedTo[price.serviceId] === undefined) continue;
      const facts = this.facts.usage?.[price.serviceId];
      if (!facts) throw new MissingUsageFactsError(this.state.id, price.serviceId, 'late usage');
      const late = lateQuantity(facts);
      const billed = new Decimal(lateBilled[price.serviceId] ?? 0);
      const days = unbilledLateDays(facts, billed);
      if (!late.gt(billed) || days === null) continue;
      if (!this.skipping) this.lines.push(this.usageLine(price, late.minus(billed), days, true));
      lateBilled[price.serviceId] = late.toString();
    }
    this.usage = { ...this.usage, lateBilled };
  }

  private usagePrices(): UsagePrice[] {
    return usagePrices(this.state.plan, this.state.accountId, this.facts.pricing);
  }

  private usageLine(price: UsagePrice, quantity: Decimal, used: Period, late: boolean): InvoiceLine {
    return usageLine({ price, quantity, used, late, planName: this.state.plan.name, planInstanceId: this.state.id, currency: this.state.plan.currency });
  }

  private invoice(): Invoice {
    const { today, paymentTermsDays, payment } = this.facts;
    const accountId = this.state.accountId;
    // A coupon's discount and the tax (DOMAIN.md §13), then split billing (§7): each line owed by its payers; the
    // tree as it is now, for the payer's statement.
    const adjusted = adjustInvoice({
      lines: this.lines,
      accountId,
      planId: this.state.plan.id,
      planInstanceId: this.state.id,
      currency: this.state.plan.currency,
      taxCategories: this.taxCategories(),
      coupon: this.facts.coupon,
      couponUsage: this.state.coupon,
      newPeriod: this.newPeriod,
      tax: this.facts.tax,
      responsibility: payment?.responsibility,
    });
    this.couponUsage = adjusted.couponUsage;
    const lines = adjusted.lines;
    const ancestors = payment && paidByOthers(lines, accountId) ? { ancestors: payment.ancestors } : {};
    const taxed = this.facts.coupon || this.facts.tax ? { subtotal: adjusted.subtotal, tax: adjusted.tax } : {};
    return {
      // From the instance and its invoice count: the same id for a preview and the commit that follows it.
      invoiceId: deterministicUuid('invoice', this.state.id, String(this.state.invoiceCount + 1)),
      accountId: this.state.accountId,
      planInstanceId: this.state.id,
      invoiceDate: today,
      dueDate: dueDate(today, paymentTermsDays),
      currency: this.state.plan.currency,
      total: adjusted.total,
      ...taxed,
      lines,
      ...ancestors,
    };
  }

  /** The tax category of each service of the plans billed (the one in force, and one switched from on this invoice). */
  private taxCategories(): Record<string, string> {
    if (!this.facts.tax) return {};
    const categories: Record<string, string> = {};
    for (const plan of [this.planAtStart, this.state.plan]) for (const service of plan.services) if (service.taxCategory) categories[service.id] = service.taxCategory;
    return categories;
  }

  private prices() {
    return recurringPrices(this.state.plan, this.state.accountId, this.facts.pricing);
  }

  private lineInput(charge: ChargeInForce, used: Period, full: Period) {
    const service = this.state.plan.services.find((s) => s.id === charge.serviceId);
    return {
      charge,
      serviceName: service?.name ?? charge.serviceId,
      planName: this.state.plan.name,
      planInstanceId: this.state.id,
      used,
      full,
      currency: this.state.plan.currency,
    };
  }
}

export function sameInterval(a: BillingInterval, b: BillingInterval): boolean {
  return a.unit === b.unit && a.count === b.count;
}
