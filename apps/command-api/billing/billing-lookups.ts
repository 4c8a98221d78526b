import { toDomainEvent } from '../../../libs/command-pipeline/decider-runner';
import { planInstanceStream, pricingContext } from '../../../libs/billing-context/billing-context';
import { Account } from '../../../libs/domain/accounts/account.decider';
import { fold } from '../../../libs/domain/shared/decider';
import { BillingFacts, UsageFacts } from '../../../libs/domain/subscriptions/plan-instance.commands';
import { PlanInstance, PlanInstanceState, planInstanceDecider } from '../../../libs/domain/subscriptions/plan-instance.decider';
import { PlanInstanceEvent, PlanSnapshot } from '../../../libs/domain/subscriptions/plan-instance.events';
import { mergeNeeds, paymentFacts, usageFactsFor, usageNeeds } from '../../../libs/billing-context/usage-facts';
import { CalendarDate } from '../../../libs/domain/shared/calendar-date';
import { TenantView } from '../../../libs/domain/tenants/tenant.decider';
import { EventStore } from '../../../libs/event-store/event-store.port';
import { ReadStore } from '../../../libs/read-store/read-store.port';

/**
 * What billing commands look up before deciding. Accounts and plan instances come from their own
 * streams (plans too: catalog/plan-lookup.ts); the hierarchy and overrides from read models.
 */

export async function loadPlanInstance(events: EventStore, tenantId: string, planInstanceId: string): Promise<PlanInstanceState> {
  const history = (await events.readStream(planInstanceStream(tenantId, planInstanceId))).map(toDomainEvent) as PlanInstanceEvent[];
  return fold(planInstanceDecider, history);
}

export async function billingFacts(
  store: ReadStore,
  tenant: TenantView,
  today: string,
  account: Account | null,
  accountId: string,
  planIds: readonly string[],
  usage?: UsageFacts,
): Promise<BillingFacts> {
  const [pricing, payment] = await Promise.all([pricingContext(store, tenant.id, accountId, planIds), paymentFacts(store, tenant.id, accountId)]);
  return {
    today,
    pricing,
    paymentTermsDays: account?.paymentTermsDays ?? 0,
    tenantProrationRule: tenant.settings.prorationRule,
    payment,
    ...(usage ? { usage } : {}),
  };
}

/**
 * The usage a change of `instance` may bill: each usage service of its plan from where it is billed to, those of a
 * scheduled switch's plan from its date, those of the plan it switches to now from today (all up to today).
 */
export async function instanceUsageFacts(store: ReadStore, tenantId: string, instance: PlanInstance, today: CalendarDate, newPlan: PlanSnapshot | null): Promise<UsageFacts | undefined> {
  const pending = instance.pending?.kind === 'switch' ? instance.pending : null;
  const needs = mergeNeeds(
    usageNeeds(instance.plan.services, instance.usage.billedTo, instance.startDate),
    pending ? usageNeeds(pending.plan.services, undefined, pending.effectiveDate) : [],
    newPlan ? usageNeeds(newPlan.services, undefined, today) : [],
  );
  if (needs.length === 0) return undefined;
  return usageFactsFor(store, tenantId, instance, needs, today);
}
