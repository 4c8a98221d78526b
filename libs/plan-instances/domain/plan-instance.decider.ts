import { integerIn, oneOf } from '../../catalog/domain';
import { BillingInterval } from '../../catalog/domain';
import { dueDate, Invoice, invoiceTotal, InvoiceLine } from './invoice';
import { paidByOthers, withPayers } from './payers';
import { Decimal } from '../../shared-kernel/decimal';
import { addDays, CalendarDate, compareDates, dayOfMonth, isCalendarDate, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId, deterministicUuid } from '../../shared-kernel/ids';
import { optional, validateAll } from '../../shared-kernel/validation';
import { gridFor, Period, periodContaining } from './billing-grid';
import { chargeFor, creditLine, recurringLine, recurringPrices } from './charges';
import { AssignPlan, BillingFacts, CancelPlan, ChangePlanQuantity, PlanInstanceCommand, SwitchPlan } from './plan-instance.commands';
import {
  BillingGrid,
  ChargeInForce,
  INVOICING_OPTIONS,
  InvoicingOption,
  PlanAssigned,
  PlanInstanceEvent,
  PlanInstanceStatus,
  PlanSnapshot,
  PRORATION_RULES,
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
  usageFromStart,
  usageLine,
  UsagePrice,
  usagePrices,
  usageServiceIds,
  MissingUsageFactsError,
} from './usage-charges';
import { streamName } from '../../shared-kernel/streams';

/** One plan assigned to one account, as its stream says it is. */
export interface PlanInstance {
  id: string;
  accountId: string;
  plan: PlanSnapshot;
  quantity: number;
  status: PlanInstanceStatus;
  billingGroupId: string | null;
  dunningGroupId: string | null;
  startDate: CalendarDate;
  grid: BillingGrid;
  invoicingOption: InvoicingOption;
  /** The first day not billed yet; null once cancelled. */
  nextBillDate: CalendarDate | null;
  /** What the period in force was charged (credits refund from these). */
  charges: ChargeInForce[];
  invoiceCount: number;
  pending: ScheduledChange | null;
  /** The effective date of the last quantity change or switch: a cancellation may not go back before it. */
  lastChangeOn: CalendarDate | null;
  cancelledOn: CalendarDate | null;
  warnings: string[];
  /** How far usage is billed per usage service, and how much late usage was billed (DOMAIN.md §6). */
  usage: UsageBilling;
}

export type PlanInstanceState = PlanInstance | null;

export const MAX_QUANTITY = 1_000_000_000;

export const planInstanceDecider: Decider<PlanInstanceCommand, PlanInstanceEvent, PlanInstanceState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'AssignPlan':
        return assignPlan(command.data, state);
      case 'BillPlanInstance': {
        // The bill run asks every due instance; one that is cancelled or already billed decides nothing.
        if (state === null || state.status === 'cancelled') return [];
        const run = new BillingRun(state, command.data);
        run.catchUp();
        return run.finish('billRun');
      }
      case 'ChangePlanQuantity':
        return changeQuantity(command.data, existing(state, command.data.planInstanceId));
      case 'SwitchPlan':
        return switchPlan(command.data, existing(state, command.data.planInstanceId));
      case 'CancelPlan':
        return cancelPlan(command.data, existing(state, command.data.planInstanceId));
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    if (event.type === 'PlanAssigned') return assigned(event.data);
    if (state === null) throw new Error(`${event.type} before PlanAssigned`);
    switch (event.type) {
      case 'PlanInstanceBilled':
        return {
          ...state,
          nextBillDate: event.data.nextBillDate,
          charges: event.data.charges,
          invoiceCount: state.invoiceCount + (event.data.invoice ? 1 : 0),
          usage: event.data.usage ?? state.usage,
        };
      case 'PlanQuantityChanged':
        return { ...state, quantity: event.data.to, lastChangeOn: event.data.effectiveDate };
      case 'PlanSwitched':
        return {
          ...state,
          plan: event.data.plan,
          grid: event.data.grid,
          usage: usageAfterSwitch(state.usage, event.data.plan, event.data.effectiveDate),
          pending: state.pending?.kind === 'switch' ? null : state.pending,
          lastChangeOn: event.data.effectiveDate,
        };
      case 'PlanChangeScheduled':
        return { ...state, pending: event.data.change };
      case 'PlanCancelled':
        return { ...state, status: 'cancelled', cancelledOn: event.data.effectiveDate, nextBillDate: null, charges: [], pending: null };
      default:
        return assertNever(event);
    }
  },
};

function assigned(data: PlanAssigned['data']): PlanInstance {
  return {
    id: data.planInstanceId,
    accountId: data.accountId,
    plan: data.plan,
    quantity: data.quantity,
    status: data.status,
    billingGroupId: data.billingGroupId,
    dunningGroupId: data.dunningGroupId,
    startDate: data.startDate,
    grid: { anchorDate: data.anchorDate, billDay: data.billDay, interval: data.plan.billingInterval },
    invoicingOption: data.invoicingOption,
    nextBillDate: data.startDate,
    charges: [],
    invoiceCount: 0,
    pending: null,
    lastChangeOn: null,
    cancelledOn: null,
    warnings: data.warnings,
    usage: usageFromStart(data.plan, data.startDate),
  };
}

/** DOMAIN.md §4: bill day, stub, catch-up of every period begun by today, all on the assignment's invoice. */
function assignPlan(data: AssignPlan['data'], state: PlanInstanceState): PlanInstanceEvent[] {
  if (state !== null) throw new ConflictError(`plan instance ${data.planInstanceId} already exists`);
  if (data.account === null) throw new NotFoundError('Account', data.accountId);
  const input = validateAll({
    planId: () => validId(data.planId, 'planId'),
    quantity: () => quantityOf(data.quantity ?? 1),
    status: () => oneOf(data.status ?? 'active', 'status', ['active'] as const),
    billingGroupId: () => optional(data.billingGroupId, 'billingGroupId', validId),
    dunningGroupId: () => optional(data.dunningGroupId, 'dunningGroupId', validId),
    retroactiveStartDate: () => optional(data.retroactiveStartDate, 'retroactiveStartDate', parseCalendarDate),
    altBillDay: () => optional(data.altBillDay, 'altBillDay', (value, field) => integerIn(value, field, 1, 31)),
    invoicingOption: () => oneOf(data.invoicingOption ?? 'full', 'invoicingOption', INVOICING_OPTIONS),
    prorationRule: () => prorationRuleOf(data.prorationRule, data.tenantProrationRule),
  });
  const plan = data.plan;
  if (plan === null) throw rule('planId', 'planExists', `plan ${input.planId} does not exist; create it with POST /v1/plans first`);
  if (plan.currency !== data.account.currency) {
    throw rule('planId', 'sameCurrency', `plan ${plan.id} is priced in ${plan.currency} but account ${data.accountId} is billed in ${data.account.currency}`);
  }
  const startDate = input.retroactiveStartDate ?? data.today;
  if (compareDates(startDate, data.today) > 0) {
    throw rule('retroactiveStartDate', 'notInFuture', `retroactiveStartDate ${startDate} is after today (${data.today}); a start date may only be in the past`);
  }
  const { billDay, warnings } = billDayFor(startDate, input.altBillDay, input.invoicingOption, plan);
  const grid = gridFor(startDate, billDay, plan.billingInterval);
  const event: PlanAssigned = {
    type: 'PlanAssigned',
    data: {
      planInstanceId: data.planInstanceId,
      accountId: data.accountId,
      plan,
      quantity: input.quantity,
      status: input.status,
      billingGroupId: input.billingGroupId,
      dunningGroupId: input.dunningGroupId,
      startDate,
      anchorDate: grid.anchorDate,
      billDay: grid.billDay,
      altBillDay: input.altBillDay,
      invoicingOption: input.invoicingOption,
      prorationRule: input.prorationRule,
      warnings,
      assignedOn: data.today,
    },
  };
  // A new instance has no usage yet (usage before its assignment was refused): its caught-up periods bill none.
  const noUsage = Object.fromEntries(usageServiceIds(plan).map((id) => [id, { from: startDate, lateFrom: startDate, to: addDays(data.today, 1), onTime: [], late: [] }]));
  const run = new BillingRun(assigned(event.data), { ...data, usage: noUsage }, [event], input.prorationRule);
  run.catchUp();
  return run.finish('assignment');
}

/**
 * The bill day is altBillDay only when invoicing is prorated (a stub then pays for the days up to it);
 * otherwise it is the start's day and altBillDay is ignored, which the response says (DOMAIN.md §4, case C).
 */
function billDayFor(start: CalendarDate, altBillDay: number | null, invoicing: InvoicingOption, plan: PlanSnapshot): { billDay: number; warnings: string[] } {
  const startDay = dayOfMonth(start);
  if (altBillDay === null) return { billDay: startDay, warnings: [] };
  if (plan.billingInterval.unit === 'week') {
    return { billDay: startDay, warnings: [`altBillDay ${altBillDay} was ignored: plan ${plan.id} bills every ${plan.billingInterval.count} week(s) from the start date`] };
  }
  if (invoicing !== 'prorated') {
    return { billDay: startDay, warnings: [`altBillDay ${altBillDay} was ignored because invoicingOption is "full"; the bill day is ${startDay}, the start date's day`] };
  }
  return { billDay: altBillDay, warnings: [] };
}

function changeQuantity(data: ChangePlanQuantity['data'], state: PlanInstance): PlanInstanceEvent[] {
  const input = validateAll({
    quantity: () => quantityOf(data.quantity),
    prorationRule: () => prorationRuleOf(data.prorationRule, data.tenantProrationRule),
  });
  assertNotCancelled(state);
  const run = new BillingRun(state, data);
  run.catchUp();
  if (input.quantity !== state.quantity) {
    const today = data.today;
    run.creditUnused(today, input.prorationRule);
    run.emit({
      type: 'PlanQuantityChanged',
      data: { planInstanceId: state.id, accountId: state.accountId, from: state.quantity, to: input.quantity, effectiveDate: today, prorationRule: input.prorationRule },
    });
    run.chargeRemaining(today, input.prorationRule);
  }
  return run.finish('change');
}

const SWITCH_EFFECTIVE = ['now', 'nextBillDate'] as const;

function switchPlan(data: SwitchPlan['data'], state: PlanInstance): PlanInstanceEvent[] {
  const input = validateAll({
    planId: () => validId(data.planId, 'planId'),
    effective: () => oneOf(data.effective ?? 'now', 'effective', SWITCH_EFFECTIVE),
    prorationRule: () => prorationRuleOf(data.prorationRule, data.tenantProrationRule),
  });
  assertNotCancelled(state);
  const plan = data.plan;
  if (plan === null) throw rule('planId', 'planExists', `plan ${input.planId} does not exist`);
  if (plan.currency !== state.plan.currency) {
    throw rule('planId', 'sameCurrency', `plan ${plan.id} is priced in ${plan.currency} but this plan instance bills in ${state.plan.currency}`);
  }
  if (plan.id === state.plan.id && plan.version === state.plan.version) {
    throw new ConflictError(`plan instance ${state.id} is already on plan ${plan.id} version ${plan.version}`, [
      { field: 'planId', rule: 'differentPlan', message: `plan instance ${state.id} is already on plan ${plan.id} version ${plan.version}` },
    ]);
  }
  const run = new BillingRun(state, data);
  run.catchUp();
  // Under proration none a switch to another interval credits and charges nothing now, so the old plan keeps
  // the rest of its period and the new grid can only start at the next bill date: the switch is scheduled there.
  const startsAtNextBill = input.prorationRule === 'none' && !sameInterval(plan.billingInterval, run.interval());
  if (input.effective === 'nextBillDate' || startsAtNextBill) {
    run.schedule({ kind: 'switch', plan, effectiveDate: run.nextBillDate as CalendarDate, prorationRule: input.prorationRule });
  } else {
    run.switchTo(plan, data.today, input.prorationRule);
  }
  return run.finish('change');
}

function cancelPlan(data: CancelPlan['data'], state: PlanInstance): PlanInstanceEvent[] {
  const effectiveInput = data.effective ?? 'now';
  const prorationRule = prorationRuleOf(data.prorationRule, data.tenantProrationRule);
  if (effectiveInput !== 'now' && effectiveInput !== 'nextBillDate' && !isCalendarDate(effectiveInput)) {
    throw InvalidInputError.forField('effective', 'cancelEffective', `effective must be "now", "nextBillDate" or a date written YYYY-MM-DD (got ${JSON.stringify(effectiveInput)})`);
  }
  assertNotCancelled(state);
  const run = new BillingRun(state, data);
  run.catchUp();
  const nextBillDate = run.nextBillDate as CalendarDate;
  const effectiveDate = effectiveInput === 'now' ? data.today : effectiveInput === 'nextBillDate' ? nextBillDate : effectiveInput;
  if (compareDates(effectiveDate, data.today) > 0) {
    run.schedule({ kind: 'cancel', effectiveDate, prorationRule });
    return run.finish('change');
  }
  const openFrom = run.currentPeriodStart();
  if (compareDates(effectiveDate, openFrom) < 0) {
    throw rule('effective', 'openPeriod', `a cancellation may not take effect before ${openFrom}, the first day of the period in force; earlier periods are closed (got ${effectiveDate})`);
  }
  // The charge in force covers the days from the last change only: before it, the credit would refund days it
  // never charged (and the stream would hold a change effective after the cancellation).
  const lastChangeOn = run.lastChangeOn();
  if (lastChangeOn !== null && compareDates(effectiveDate, lastChangeOn) < 0) {
    throw rule('effective', 'notBeforeLastChange', `a cancellation may not take effect before ${lastChangeOn}, when this plan instance last changed (got ${effectiveDate})`);
  }
  run.cancel(effectiveDate, prorationRule);
  return run.finish('change');
}

/**
 * Billing from the instance's state up to `today`, one command at a time: applies scheduled changes and bills
 * periods in date order, gathers the lines, and ends with one PlanInstanceBilled carrying the invoice.
 */
class BillingRun {
  private state: PlanInstance;
  private readonly lines: InvoiceLine[] = [];
  nextBillDate: CalendarDate | null;
  private charges: ChargeInForce[];
  private usage: UsageBilling;

  constructor(
    state: PlanInstance,
    private readonly facts: BillingFacts,
    readonly events: PlanInstanceEvent[] = [],
    /** The rule for a stub at assignment; periods after it are whole. */
    private readonly stubRule: ProrationRule = facts.tenantProrationRule,
  ) {
    this.state = state;
    this.nextBillDate = state.nextBillDate;
    this.charges = state.charges;
    this.usage = state.usage;
    const pendingPlan = state.pending?.kind === 'switch' ? [state.pending.plan] : [];
    const metered = [state.plan, ...pendingPlan].flatMap(usageServiceIds);
    if (metered.length > 0 && facts.usage === undefined) {
      // Never bill zero usage because nobody looked: the caller must gather it (gatherUsageFacts).
      throw new MissingUsageFactsError(state.id, metered[0], 'this billing');
    }
  }

  emit(event: PlanInstanceEvent): void {
    this.events.push(event);
    this.state = planInstanceDecider.evolve(this.state, event) as PlanInstance;
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
    if (partial && this.stubRule === 'none') {
      this.charges = []; // proration none: a partial first period is not charged; billing starts on the bill day
      return;
    }
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
    const full = periodContaining(this.state.grid, date);
    this.charges = this.prices().map((price) => chargeFor(price, this.state.quantity));
    for (const charge of this.charges) this.lines.push(recurringLine(this.lineInput(charge, { from: date, to: billedTo }, full)));
  }

  /**
   * The new plan from `date`. Same interval: the grid stays, unused days are credited and the rest of the
   * period charged at the new price. Another interval: a new grid starts where the new plan's first whole
   * period is charged: on `date` when prorating (after the credit), else at the next bill date.
   */
  switchTo(plan: PlanSnapshot, date: CalendarDate, rule: ProrationRule): void {
    const same = sameInterval(plan.billingInterval, this.state.grid.interval);
    // Usage up to the switch at the old price: every service when the grid changes (its periods end here),
    // else only the services the new plan drops; the kept ones are billed at the period end at the new price.
    const kept = new Set(usageServiceIds(plan));
    this.billUsage(same ? this.meteredServices().filter((id) => !kept.has(id)) : this.meteredServices(), date, true);
    this.creditUnused(date, rule);
    const from = { planId: this.state.plan.id, version: this.state.plan.version };
    let grid = this.state.grid;
    if (!same) {
      const start = rule === 'prorate' ? date : (this.nextBillDate as CalendarDate);
      // Anchored on `start` itself, so its first period is whole: the bill day is kept when `start` falls on it
      // (2024-04-30 is bill day 31's April date), else it becomes the start's day.
      const keepDay = plan.billingInterval.unit === 'month' && grid.interval.unit === 'month' && gridFor(start, grid.billDay, plan.billingInterval).anchorDate === start;
      grid = gridFor(start, keepDay ? grid.billDay : dayOfMonth(start), plan.billingInterval);
      if (rule === 'prorate') this.nextBillDate = start;
    }
    this.emit({
      type: 'PlanSwitched',
      data: { planInstanceId: this.state.id, accountId: this.state.accountId, from, plan, effectiveDate: date, grid, prorationRule: rule },
    });
    this.usage = usageAfterSwitch(this.usage, plan, date);
    if (same) this.chargeRemaining(date, rule);
    else this.catchUp();
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
    this.emit({
      type: 'PlanInstanceBilled',
      data: { planInstanceId: this.state.id, accountId: this.state.accountId, reason, nextBillDate: this.nextBillDate, charges: this.charges, invoice, ...usage },
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
        if (quantity.gt(0)) this.lines.push(this.usageLine(price, quantity, used, false));
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
      this.lines.push(this.usageLine(price, late.minus(billed), days, true));
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
    // Split billing (DOMAIN.md §7): each line owed by its payers; the tree as it is now, for the payer's statement.
    const lines = payment ? withPayers(this.lines, accountId, payment.responsibility) : this.lines;
    const ancestors = payment && paidByOthers(lines, accountId) ? { ancestors: payment.ancestors } : {};
    return {
      // From the instance and its invoice count: the same id for a preview and the commit that follows it.
      invoiceId: deterministicUuid('invoice', this.state.id, String(this.state.invoiceCount + 1)),
      accountId: this.state.accountId,
      planInstanceId: this.state.id,
      invoiceDate: today,
      dueDate: dueDate(today, paymentTermsDays),
      currency: this.state.plan.currency,
      total: invoiceTotal(lines),
      lines,
      ...ancestors,
    };
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

function sameInterval(a: BillingInterval, b: BillingInterval): boolean {
  return a.unit === b.unit && a.count === b.count;
}

function existing(state: PlanInstanceState, id: string): PlanInstance {
  if (state === null) throw new NotFoundError('Plan instance', id);
  return state;
}

function assertNotCancelled(state: PlanInstance): void {
  if (state.status === 'cancelled') {
    throw rule('planInstanceId', 'notCancelled', `plan instance ${state.id} was cancelled on ${state.cancelledOn}; a cancelled plan instance cannot be changed`);
  }
}

function quantityOf(value: unknown): number {
  return integerIn(value, 'quantity', 1, MAX_QUANTITY);
}

function prorationRuleOf(value: unknown, tenantDefault: ProrationRule): ProrationRule {
  return value === undefined || value === null ? tenantDefault : oneOf(value, 'prorationRule', PRORATION_RULES);
}

function validId(value: unknown, field: string): string {
  assertValidId(value, field);
  return value;
}

function rule(field: string, name: string, message: string): RuleViolationError {
  return new RuleViolationError(message, [{ field, rule: name, message }]);
}

export function planInstanceStream(tenantId: string, planInstanceId: string): string {
  return streamName('planInstance', tenantId, planInstanceId);
}
