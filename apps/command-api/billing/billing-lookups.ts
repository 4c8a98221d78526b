import { toDomainEvent } from '../../../libs/command-pipeline/decider-runner';
import { planInstanceStream, pricingContext } from '../../../libs/billing-context/billing-context';
import { Account } from '../../../libs/domain/accounts/account.decider';
import { fold } from '../../../libs/domain/shared/decider';
import { BillingFacts } from '../../../libs/domain/subscriptions/plan-instance.commands';
import { PlanInstanceState, planInstanceDecider } from '../../../libs/domain/subscriptions/plan-instance.decider';
import { PlanInstanceEvent } from '../../../libs/domain/subscriptions/plan-instance.events';
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
): Promise<BillingFacts> {
  return {
    today,
    pricing: await pricingContext(store, tenant.id, accountId, planIds),
    paymentTermsDays: account?.paymentTermsDays ?? 0,
    tenantProrationRule: tenant.settings.prorationRule,
  };
}
