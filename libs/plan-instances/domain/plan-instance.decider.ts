import { parseMetadata, patchMetadata } from '../../shared-kernel/metadata';
import { integerIn, oneOf } from '../../catalog/domain';
import { addDays, assertInInputRange, CalendarDate, compareDates, dayOfMonth, isCalendarDate, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { decideRestore, decideStatusChange, DEFAULT_MAX_RETROACTIVE_PERIODS, knownStatus, StatusChange } from '../../tenancy/domain';
import { billDateResetOf, resetOnBillableAccount, withBillDateReset } from './bill-date-reset';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, DomainError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { optional, validateAll } from '../../shared-kernel/validation';
import { boundary, gridFor, periodIndexOf } from './billing-grid';
import {
  AssignPlan,
  CancelPlan,
  ChangePlanInstanceStatus,
  ChangePlanQuantity,
  PlanInstanceCommand,
  RestorePlanInstanceStatusAfterDunning,
  SwitchPlan,
} from './plan-instance.commands';
import {
  INVOICING_OPTIONS,
  InvoicingOption,
  PlanAssigned,
  PlanInstanceEvent,
  PlanSnapshot,
  PRORATION_RULES,
  ProrationRule,
} from './plan-instance.events';
import {
  usageServiceIds,
} from './usage-charges';
import { streamName } from '../../shared-kernel/streams';
import { BillingRun, sameInterval } from './billing-run';
import { assigned, evolvePlanInstance, PlanInstance, PlanInstanceState } from './plan-instance';

export type { PlanInstance, PlanInstanceState };

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
        try {
          // A pending (future-dated) instance starts as if assigned that day: its stub by the assignment's rule.
          const starting = state.activation !== undefined;
          const run = new BillingRun(state, command.data, [], state.activation?.prorationRule);
          run.catchUp();
          return run.finish(starting ? 'assignment' : 'billRun');
        } catch (error) {
          return billingFailed(state, command.data.today, error);
        }
      }
      case 'ChangePlanQuantity':
        return changeQuantity(command.data, existing(state, command.data.planInstanceId));
      case 'SwitchPlan':
        return switchPlan(command.data, existing(state, command.data.planInstanceId));
      case 'CancelPlan':
        return cancelPlan(command.data, existing(state, command.data.planInstanceId));
      case 'ChangePlanInstanceStatus':
        return changeStatus(command.data, existing(state, command.data.planInstanceId));
      case 'RestorePlanInstanceStatusAfterDunning':
        return restoreStatus(command.data, existing(state, command.data.planInstanceId));
      case 'ResetPlanInstanceBillDate':
        return state === null ? [] : resetOnBillableAccount(command.data, state);
      case 'ChangePlanInstanceMetadata':
        return changeMetadata(command.data.metadata, existing(state, command.data.planInstanceId));
      default:
        return assertNever(command);
    }
  },
  evolve: evolvePlanInstance,
};


/** Patch semantics, also on a cancelled instance (billing ignores metadata); nothing differs: nothing recorded. */
function changeMetadata(change: unknown, state: PlanInstance): PlanInstanceEvent[] {
  const { metadata, changed } = patchMetadata(state.metadata ?? {}, change);
  if (Object.keys(changed).length === 0) return [];
  return [{ type: 'PlanInstanceMetadataChanged', data: { planInstanceId: state.id, accountId: state.accountId, metadata, changed } }];
}

/** DOMAIN.md §4: bill day, stub, catch-up of every period begun by today, all on the assignment's invoice. */
function assignPlan(data: AssignPlan['data'], state: PlanInstanceState): PlanInstanceEvent[] {
  if (state !== null) throw new ConflictError(`plan instance ${data.planInstanceId} already exists`);
  if (data.account === null) throw new NotFoundError('Account', data.accountId);
  const input = validateAll({
    planId: () => validId(data.planId, 'planId'),
    quantity: () => quantityOf(data.quantity ?? 1),
    // Terminated is not a way to start; cancelled is not a status one sets.
    status: () => knownStatus(data.status ?? 'active', data.statusSettings ?? {}, 'status', ['terminated']),
    billingGroupId: () => optional(data.billingGroupId, 'billingGroupId', validId),
    dunningGroupId: () => optional(data.dunningGroupId, 'dunningGroupId', validId),
    retroactiveStartDate: () => optional(data.retroactiveStartDate, 'retroactiveStartDate', parseCalendarDate),
    startDate: () => optional(data.startDate, 'startDate', parseCalendarDate),
    altBillDay: () => optional(data.altBillDay, 'altBillDay', (value, field) => integerIn(value, field, 1, 31)),
    invoicingOption: () => oneOf(data.invoicingOption ?? 'full', 'invoicingOption', INVOICING_OPTIONS),
    prorationRule: () => prorationRuleOf(data.prorationRule, data.tenantProrationRule),
    metadata: () => parseMetadata(data.metadata),
  });
  const plan = data.plan;
  if (plan === null) throw rule('planId', 'planExists', `plan ${input.planId} does not exist; create it with POST /v1/plans first`);
  if (plan.currency !== data.account.currency) {
    throw rule('planId', 'sameCurrency', `plan ${plan.id} is priced in ${plan.currency} but account ${data.accountId} is billed in ${data.account.currency}`);
  }
  if (input.startDate !== null) assertFutureStart(input.startDate, input.retroactiveStartDate, data.today);
  const startDate = input.startDate ?? input.retroactiveStartDate ?? data.today;
  if (compareDates(startDate, data.today) > 0 && input.startDate === null) {
    throw rule('retroactiveStartDate', 'notInFuture', `retroactiveStartDate ${startDate} is after today (${data.today}); a start date may only be in the past`);
  }
  assertRetroactiveLimit(startDate, data.today, plan, data.maxRetroactivePeriods ?? DEFAULT_MAX_RETROACTIVE_PERIODS);
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
      ...(Object.keys(input.metadata).length > 0 ? { metadata: input.metadata } : {}),
    },
  };
  // A future start bills nothing now: the bill run starts and bills it on its start date (PlanInstanceActivated).
  if (compareDates(startDate, data.today) > 0) return [event];
  // A new instance has no usage yet (usage before its assignment was refused): its caught-up periods bill none.
  const noUsage = Object.fromEntries(usageServiceIds(plan).map((id) => [id, { from: startDate, lateFrom: startDate, to: addDays(data.today, 1), onTime: [], late: [] }]));
  const run = new BillingRun(assigned(event.data), { ...data, usage: noUsage }, [event], input.prorationRule);
  run.catchUp();
  return run.finish('assignment');
}

/**
 * `startDate` is for a start today or later (a pending instance, issue 23); a start in the past is
 * retroactiveStartDate, with its own limits. Both at once would be two starts.
 */
function assertFutureStart(start: CalendarDate, retroactive: CalendarDate | null, today: CalendarDate): void {
  if (retroactive !== null) {
    throw InvalidInputError.forField('startDate', 'oneStartDate', 'give startDate (today or later) or retroactiveStartDate (in the past), not both');
  }
  if (compareDates(start, today) < 0) {
    throw rule('startDate', 'notInPast', `startDate ${start} is before today (${today}); a start in the past is retroactiveStartDate`);
  }
}

/**
 * A retroactive start at most `periods` periods of the plan's interval before today (exactly that many back is
 * allowed): every period begun since is invoiced at once, so this bounds the catch-up invoice. Counted on a
 * grid anchored on today, so no date before the start is ever computed.
 */
function assertRetroactiveLimit(start: CalendarDate, today: CalendarDate, plan: PlanSnapshot, periods: number): void {
  if (start === today) return;
  const grid = gridFor(today, dayOfMonth(today), plan.billingInterval);
  if (periodIndexOf(grid, start) >= -periods) return;
  const { unit, count } = plan.billingInterval;
  throw rule(
    'retroactiveStartDate',
    'maxRetroactivePeriods',
    `retroactiveStartDate may be at most ${periods} periods of plan ${plan.id} (${count} ${unit}${count > 1 ? 's' : ''} each) before today (${today}): ` +
      `the earliest is ${boundary(grid, -periods)} (got ${start}; the limit is the tenant's settings.maxRetroactivePeriods)`,
  );
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
    billDateReset: () => billDateResetOf(data.billDateReset, data.tenantBillDateReset),
  });
  assertNotCancelled(state);
  const run = new BillingRun(state, data);
  run.catchUp();
  if (state.activation && input.quantity !== state.quantity) {
    // Not started yet: nothing was charged, so the quantity it starts with changes, effective from its start.
    run.emit({
      type: 'PlanQuantityChanged',
      data: { planInstanceId: state.id, accountId: state.accountId, from: state.quantity, to: input.quantity, effectiveDate: state.activation.on, prorationRule: input.prorationRule },
    });
  } else if (input.quantity !== state.quantity) {
    const today = data.today;
    run.creditUnused(today, input.prorationRule);
    run.emit({
      type: 'PlanQuantityChanged',
      data: { planInstanceId: state.id, accountId: state.accountId, from: state.quantity, to: input.quantity, effectiveDate: today, prorationRule: input.prorationRule },
    });
    // Seed 003: with "reset" a whole period at the new quantity starts today, else the rest of this one is charged.
    if (input.billDateReset === 'reset') run.resetBillDate(today, input.prorationRule, 'change');
    else run.chargeRemaining(today, input.prorationRule);
  }
  return run.finish('change');
}

const SWITCH_EFFECTIVE = ['now', 'nextBillDate'] as const;

function switchPlan(data: SwitchPlan['data'], state: PlanInstance): PlanInstanceEvent[] {
  const input = validateAll({
    planId: () => validId(data.planId, 'planId'),
    effective: () => oneOf(data.effective ?? 'now', 'effective', SWITCH_EFFECTIVE),
    prorationRule: () => prorationRuleOf(data.prorationRule, data.tenantProrationRule),
    billDateReset: () => billDateResetOf(data.billDateReset, data.tenantBillDateReset),
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
  if (state.activation) {
    switchBeforeStart(run, state, plan, state.activation.on, input.prorationRule);
    return run.finish('change');
  }
  // Under proration none a switch to another interval credits and charges nothing now, so the old plan keeps
  // the rest of its period and the new grid can only start at the next bill date: the switch is scheduled there.
  // A bill-date reset (seed 003) starts the new plan's grid today whatever the rule; at the next bill date it changes nothing.
  const reset = input.billDateReset === 'reset';
  const startsAtNextBill = input.prorationRule === 'none' && !sameInterval(plan.billingInterval, run.interval()) && !reset;
  if (input.effective === 'nextBillDate' || startsAtNextBill) {
    run.schedule({ kind: 'switch', plan, effectiveDate: run.nextBillDate as CalendarDate, prorationRule: input.prorationRule });
  } else {
    run.switchTo(plan, data.today, input.prorationRule, reset);
  }
  return run.finish('change');
}

/**
 * A pending instance switched before its start starts on the new plan, as if assigned it: the grid stays when the
 * interval is the same, else it is laid from the start date (a monthly bill day kept). Nothing to credit or charge.
 */
function switchBeforeStart(run: BillingRun, state: PlanInstance, plan: PlanSnapshot, start: CalendarDate, prorationRule: ProrationRule): void {
  const same = sameInterval(plan.billingInterval, state.grid.interval);
  const monthly = plan.billingInterval.unit === 'month' && state.grid.interval.unit === 'month';
  const grid = same ? state.grid : gridFor(start, monthly ? state.grid.billDay : dayOfMonth(start), plan.billingInterval);
  run.emit({
    type: 'PlanSwitched',
    data: { planInstanceId: state.id, accountId: state.accountId, from: { planId: state.plan.id, version: state.plan.version }, plan, effectiveDate: start, grid, prorationRule },
  });
}

function cancelPlan(data: CancelPlan['data'], state: PlanInstance): PlanInstanceEvent[] {
  const effectiveInput = data.effective ?? 'now';
  const prorationRule = prorationRuleOf(data.prorationRule, data.tenantProrationRule);
  if (effectiveInput !== 'now' && effectiveInput !== 'nextBillDate' && !isCalendarDate(effectiveInput)) {
    throw InvalidInputError.forField('effective', 'cancelEffective', `effective must be "now", "nextBillDate" or a date written YYYY-MM-DD (got ${JSON.stringify(effectiveInput)})`);
  }
  if (isCalendarDate(effectiveInput)) assertInInputRange(effectiveInput, 'effective');
  assertNotCancelled(state);
  const run = new BillingRun(state, data);
  run.catchUp();
  const nextBillDate = run.nextBillDate as CalendarDate;
  const effectiveDate = effectiveInput === 'now' ? data.today : effectiveInput === 'nextBillDate' ? nextBillDate : effectiveInput;
  if (compareDates(effectiveDate, data.today) > 0) {
    run.schedule({ kind: 'cancel', effectiveDate, prorationRule });
    return run.finish('change');
  }
  if (state.activation) {
    // Not started yet: nothing was charged or used, so it ends today; a date before today is refused.
    if (compareDates(effectiveDate, data.today) < 0) {
      throw rule('effective', 'notInPast', `plan instance ${state.id} starts on ${state.activation.on}; its cancellation may not take effect before today (${data.today}) (got ${effectiveDate})`);
    }
    run.cancel(effectiveDate, prorationRule);
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
 * An operator's or a dunning case's change; the same status again decides nothing. Cancelled is final: an
 * operator is told (422); a dunning case has nothing to hold there, so its change decides nothing.
 */
function changeStatus(data: ChangePlanInstanceStatus['data'], state: PlanInstance): PlanInstanceEvent[] {
  const change = decideStatusChange(state.status, data, data.settings);
  const reset = billDateResetOf(data.billDateReset, data.billing?.tenantBillDateReset);
  if (state.status === 'cancelled') {
    if (change?.by.type === 'dunning') return [];
    throw rule('status', 'notCancelled', `plan instance ${state.id} was cancelled on ${state.cancelledOn}; a cancelled plan instance cannot change status`);
  }
  return withBillDateReset(state, statusChanged(state, change, data.today), reset, data, data.settings);
}

function restoreStatus(data: RestorePlanInstanceStatusAfterDunning['data'], state: PlanInstance): PlanInstanceEvent[] {
  if (state.status === 'cancelled') return [];
  const reset = billDateResetOf(data.billDateReset, data.billing?.tenantBillDateReset);
  const events = statusChanged(state, decideRestore(state.status, state.dunningHold, data.caseId), data.today);
  return withBillDateReset(state, events, reset, data, data.billing?.statusSettings ?? {});
}

function statusChanged(state: PlanInstance, change: StatusChange | null, today: CalendarDate): PlanInstanceEvent[] {
  if (change === null) return [];
  return [{ type: 'PlanInstanceStatusChanged', data: { planInstanceId: state.id, accountId: state.accountId, ...change, changedOn: today } }];
}

/**
 * A bill run that breaks a rule (e.g. a charge beyond the safe range of minor units) is recorded, never only
 * logged: the instance shows why it was not billed, and the run goes on with the others. Once per day, so a
 * repeated command decides nothing; a programming error (not a DomainError) still throws.
 */
function billingFailed(state: PlanInstance, today: CalendarDate, error: unknown): PlanInstanceEvent[] {
  if (!(error instanceof DomainError)) throw error;
  if (state.billingFailedOn === today) return [];
  const detail = error.details[0];
  return [
    {
      type: 'PlanInstanceBillingFailed',
      data: { planInstanceId: state.id, accountId: state.accountId, date: today, reason: error.message, field: detail?.field ?? null, rule: detail?.rule ?? null },
    },
  ];
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
