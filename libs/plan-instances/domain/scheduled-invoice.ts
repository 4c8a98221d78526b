import { addDays, CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { BillingRun } from './billing-run';
import { Invoice } from './invoice';
import { BillingFacts, UsageFacts } from './plan-instance.commands';
import { PlanInstanceEvent } from './plan-instance.events';
import { evolvePlanInstance, PlanInstance } from './plan-instance';
import { usageServiceIds } from './usage-charges';

/**
 * The date a command's own dated change takes effect, when it is after today: a future-dated assignment's start,
 * or the date of the switch or cancellation it scheduled. null when the command scheduled nothing.
 */
export function scheduledDateOf(decided: readonly PlanInstanceEvent[], today: CalendarDate): CalendarDate | null {
  for (const event of decided) {
    const date =
      event.type === 'PlanAssigned' ? event.data.startDate : event.type === 'PlanChangeScheduled' ? event.data.change.effectiveDate : null;
    if (date !== null && compareDates(date, today) > 0) return date;
  }
  return null;
}

/**
 * What will post on `date` (after today) if nothing else changes: the bill run's invoice of that day, dated that
 * day, with the prices, hierarchy and statuses known now and no usage beyond what is recorded now. The state is
 * first brought up to the day before (what posts in between is not this day's), then billed on `date`: the bill
 * run's catch-up is the same whether it runs daily or at once. null when nothing posts that day (e.g. a
 * cancellation under proration "none"). Pure: nothing is written, and the invoice id is the one it will have.
 */
export function scheduledInvoice(state: PlanInstance, facts: BillingFacts, date: CalendarDate): Invoice | null {
  if (state.status === 'cancelled' || compareDates(date, facts.today) <= 0) return null;
  const usage = usageUntil(state, facts.usage, addDays(date, 1));
  let current = state;
  const dayBefore = addDays(date, -1);
  if (compareDates(dayBefore, facts.today) > 0) current = billedOn(current, { ...facts, ...usage, today: dayBefore }).state;
  if (current.status === 'cancelled') return null;
  const { events } = billedOn(current, { ...facts, ...usage, today: date });
  for (const event of events) if (event.type === 'PlanInstanceBilled') return event.data.invoice;
  return null;
}

/** One bill run of `state` on `facts.today`, as BillPlanInstance decides it (a pending instance starts by its own rule). */
function billedOn(state: PlanInstance, facts: BillingFacts): { state: PlanInstance; events: PlanInstanceEvent[] } {
  const run = new BillingRun(state, facts, [], state.activation?.prorationRule);
  run.catchUp();
  const events = run.finish(state.activation ? 'assignment' : 'billRun');
  return { state: events.reduce<PlanInstance>((s, e) => evolvePlanInstance(s, e) as PlanInstance, state), events };
}

/**
 * Usage facts that reach `to`: the usage recorded so far, and none on the days after (it is not recorded yet).
 * Services without facts (a new instance's, a scheduled switch's new plan's) have none from where they are billed.
 */
function usageUntil(state: PlanInstance, known: UsageFacts | undefined, to: CalendarDate): { usage?: UsageFacts } {
  const pending = state.pending?.kind === 'switch' ? state.pending : null;
  const ids = new Set([...usageServiceIds(state.plan), ...(pending ? usageServiceIds(pending.plan) : [])]);
  if (ids.size === 0) return known ? { usage: known } : {};
  const usage: UsageFacts = {};
  for (const id of ids) {
    const from = state.usage.billedTo[id] ?? pending?.effectiveDate ?? state.startDate;
    const facts = known?.[id];
    usage[id] = facts ? { ...facts, to: compareDates(facts.to, to) > 0 ? facts.to : to } : { from, lateFrom: from, to, onTime: [], late: [] };
  }
  return { usage };
}
