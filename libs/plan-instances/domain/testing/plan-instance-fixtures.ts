import { BillingInterval, Pricing } from '../../../catalog/domain';
import { fold } from '../../../shared-kernel/decider';
import { planInstanceDecider, PlanInstanceState } from '../plan-instance.decider';
import { InvoiceLine } from '../invoice';
import { AssignPlan, BillingFacts, BillPlanInstance, CancelPlan, ChangePlanQuantity, PlanInstanceCommand, SwitchPlan, UsageFacts } from '../plan-instance.commands';
import { PlanInstanceEvent, PlanSnapshot } from '../plan-instance.events';

/** Test data for the plan-instance specs (Jest only; excluded from the build). */

export interface PlanOptions {
  id?: string;
  name?: string;
  currency?: string;
  interval?: BillingInterval;
  version?: number;
  serviceId?: string;
}

export function monthlyPlan(price: string, options: PlanOptions = {}): PlanSnapshot {
  return planWith({ model: 'perUnit', unitPrice: price }, options);
}

export function planWith(pricing: Pricing, options: PlanOptions = {}): PlanSnapshot {
  return {
    id: options.id ?? 'basic',
    version: options.version ?? 1,
    name: options.name ?? 'Basic',
    currency: options.currency ?? 'USD',
    billingInterval: options.interval ?? { unit: 'month', count: 1 },
    services: [{ id: options.serviceId ?? 'seat', name: 'Seat', type: 'recurring', pricing }],
  };
}

export function facts(today: string, overrides: Partial<BillingFacts> = {}): BillingFacts {
  return { today, pricing: { ancestors: [], overrides: [] }, paymentTermsDays: 0, tenantProrationRule: 'prorate', ...overrides };
}

export function assign(plan: PlanSnapshot, today: string, input: Partial<AssignPlan['data']> = {}): AssignPlan {
  return {
    type: 'AssignPlan',
    data: { planInstanceId: 'pi-1', accountId: 'acc-1', account: { currency: plan.currency }, planId: plan.id, plan, ...facts(today), ...input },
  };
}

/** Decides each command on the state the previous ones left; returns every event and the final state. */
export function runAll(commands: PlanInstanceCommand[], given: PlanInstanceEvent[] = []): { events: PlanInstanceEvent[]; state: PlanInstanceState; perCommand: PlanInstanceEvent[][] } {
  const events = [...given];
  const perCommand: PlanInstanceEvent[][] = [];
  for (const command of commands) {
    const decided = planInstanceDecider.decide(command, fold(planInstanceDecider, events));
    perCommand.push(decided);
    events.push(...decided);
  }
  return { events, state: fold(planInstanceDecider, events), perCommand };
}

/** The invoices among the events, in order. */
export function invoicesOf(events: readonly PlanInstanceEvent[]) {
  return events.flatMap((event) => (event.type === 'PlanInstanceBilled' && event.data.invoice ? [event.data.invoice] : []));
}

/** The daily bill run on `today`. */
export function bill(today: string, overrides: Partial<BillingFacts> = {}): BillPlanInstance {
  return { type: 'BillPlanInstance', data: { planInstanceId: 'pi-1', ...facts(today, overrides) } };
}

export function changeQuantity(quantity: unknown, today: string, input: Partial<ChangePlanQuantity['data']> = {}): ChangePlanQuantity {
  return { type: 'ChangePlanQuantity', data: { planInstanceId: 'pi-1', quantity, ...facts(today), ...input } };
}

export function switchPlan(plan: PlanSnapshot | null, today: string, input: Partial<SwitchPlan['data']> = {}): SwitchPlan {
  return { type: 'SwitchPlan', data: { planInstanceId: 'pi-1', planId: plan?.id ?? 'missing', plan, ...facts(today), ...input } };
}

export function cancel(today: string, input: Partial<CancelPlan['data']> = {}): CancelPlan {
  return { type: 'CancelPlan', data: { planInstanceId: 'pi-1', ...facts(today), ...input } };
}

/** The events of running `commands` one after the other: the `given` of a given/when/then spec. */
export function history(...commands: PlanInstanceCommand[]): PlanInstanceEvent[] {
  return runAll(commands).events;
}

/** The lines of an invoice reduced to what the specs compare. */
export function linesOf(invoice: { lines: readonly InvoiceLine[] }) {
  return invoice.lines.map(({ type, serviceId, periodStart, periodEnd, quantity, amount }) => ({ type, serviceId, periodStart, periodEnd, quantity, amount }));
}

/** Usage of one service as facts: on-time and late quantities per day, covering [from, to). */
export interface ServiceUsageInput {
  from: string;
  to: string;
  lateFrom?: string;
  onTime?: Record<string, string>;
  late?: Record<string, string>;
}

export function usageFacts(services: Record<string, ServiceUsageInput>): UsageFacts {
  const days = (quantities: Record<string, string> = {}) => Object.entries(quantities).map(([date, quantity]) => ({ date, quantity }));
  return Object.fromEntries(
    Object.entries(services).map(([id, input]) => [id, { from: input.from, lateFrom: input.lateFrom ?? input.from, to: input.to, onTime: days(input.onTime), late: days(input.late) }]),
  );
}
