import { oneOf } from '../../catalog/domain';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { BILL_DATE_RESET_RULES, BillDateReset, isBillableStatus, StatusSettings } from '../../tenancy/domain';
import { BillingRun } from './billing-run';
import { BillDateResetFacts, ResetPlanInstanceBillDate } from './plan-instance.commands';
import { PlanInstanceEvent } from './plan-instance.events';
import { evolvePlanInstance, PlanInstance } from './plan-instance';

/*
 * Seed 003's bill-date reset rule (issue 23, decision 0022) on status changes, and the rule of a call. A change made
 * now (quantity, switch) resets through BillingRun.resetBillDate / switchTo in the decider.
 */

/** The call's rule, else the tenant's, else "keep". */
export function billDateResetOf(value: unknown, tenantRule: BillDateReset | undefined): BillDateReset {
  return value === undefined || value === null ? (tenantRule ?? 'keep') : oneOf(value, 'billDateReset', BILL_DATE_RESET_RULES);
}

/**
 * Seed 003: a change from a non-billable to a billable status resets the bill date under the "reset" rule: billing
 * starts again today with a whole period (what was charged from today is credited by the tenant's proration rule).
 * Only when the instance is then billed: started, not cancelled, its account billable too. Without the billing facts
 * (the handler gathers them only when the rule may reset) nothing is reset.
 */
export function withBillDateReset(
  state: PlanInstance,
  events: PlanInstanceEvent[],
  reset: BillDateReset,
  data: BillDateResetFacts & { today: CalendarDate },
  settings: StatusSettings,
): PlanInstanceEvent[] {
  const changed = events[0];
  const billing = data.billing;
  if (reset !== 'reset' || changed?.type !== 'PlanInstanceStatusChanged' || !billing || billing.billable === false) return events;
  if (state.activation || state.nextBillDate === null) return events;
  if (isBillableStatus(changed.data.from, settings) || !isBillableStatus(changed.data.to, settings)) return events;
  const run = new BillingRun(evolvePlanInstance(state, changed) as PlanInstance, { ...billing, today: data.today }, [changed]);
  run.resetBillDate(data.today, billing.tenantProrationRule, 'billableStatus');
  return run.finish('change');
}

/** The account went billable under the "reset" rule (process-managers/bill-date-reset): reset if this instance is billed now. */
export function resetOnBillableAccount(data: ResetPlanInstanceBillDate['data'], state: PlanInstance): PlanInstanceEvent[] {
  if (state.status === 'cancelled' || state.activation || state.nextBillDate === null) return [];
  if (data.billable === false || !isBillableStatus(state.status, data.statusSettings ?? {})) return [];
  const run = new BillingRun(state, data);
  run.resetBillDate(data.today, data.tenantProrationRule, 'billableStatus');
  return run.finish('change');
}
