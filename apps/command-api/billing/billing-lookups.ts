import { toDomainEvent } from '../../../libs/command-pipeline/decider-runner';
import { planInstanceStream, pricingContext } from '../../../libs/billing-context/billing-context';
import { Account } from '../../../libs/domain/accounts/account.decider';
import { planDecider } from '../../../libs/domain/catalog/plan.decider';
import { PlanEvent } from '../../../libs/domain/catalog/plan.events';
import { fold } from '../../../libs/domain/shared/decider';
import { BillingFacts } from '../../../libs/domain/subscriptions/plan-instance.commands';
import { PlanInstanceState, planInstanceDecider } from '../../../libs/domain/subscriptions/plan-instance.decider';
import { PlanInstanceEvent, PlanSnapshot } from '../../../libs/domain/subscriptions/plan-instance.events';
import { TenantView } from '../../../libs/domain/tenants/tenant.decider';
import { EventStore } from '../../../libs/event-store/event-store.port';
import { ReadStore } from '../../../libs/read-store/read-store.port';
import { planStream } from '../catalog/create-plan';

/**
 * What billing commands look up before deciding. Accounts, plans and plan instances come from their own
 * streams (a plan created a moment ago is seen); the hierarchy and overrides from read models.
 */

/** The plan's current version, whole, as a plan instance keeps it; null when there is no such plan. */
export async function loadPlanSnapshot(events: EventStore, tenantId: string, planId: string): Promise<PlanSnapshot | null> {
  const state = fold(planDecider, (await events.readStream(planStream(tenantId, planId))).map(toDomainEvent) as PlanEvent[]);
  if (state === null) return null;
  const { id, version, name, currency, billingInterval, services } = state.current;
  return { id, version, name, currency, billingInterval, services };
}

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
): Promise<BillingFacts> {
  return {
    today,
    pricing: await pricingContext(store, tenant.id, accountId, planIds),
    paymentTermsDays: account?.paymentTermsDays ?? 0,
    tenantProrationRule: tenant.settings.prorationRule,
  };
}
