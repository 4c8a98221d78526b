import { BillingInterval } from '../../catalog/plan.events';
import { Pricing } from '../../catalog/pricing';
import { fold } from '../../shared/decider';
import { planInstanceDecider, PlanInstanceState } from '../plan-instance.decider';
import { AssignPlan, BillingFacts, PlanInstanceCommand } from '../plan-instance.commands';
import { PlanInstanceEvent, PlanSnapshot } from '../plan-instance.events';

/** Test data for the plan-instance specs (Jest only; excluded from the build). */

export function monthlyPlan(price: string, options: { id?: string; currency?: string; interval?: BillingInterval; version?: number } = {}): PlanSnapshot {
  return planWith({ model: 'perUnit', unitPrice: price }, options);
}

export function planWith(pricing: Pricing, options: { id?: string; currency?: string; interval?: BillingInterval; version?: number } = {}): PlanSnapshot {
  return {
    id: options.id ?? 'basic',
    version: options.version ?? 1,
    name: 'Basic',
    currency: options.currency ?? 'USD',
    billingInterval: options.interval ?? { unit: 'month', count: 1 },
    services: [{ id: 'seat', name: 'Seat', type: 'recurring', pricing }],
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
