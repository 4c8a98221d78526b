import { toDomainEvent } from '../../platform/command-pipeline/decider-runner';
import { couponInForce, pricingContext } from '../../catalog/read-model';
import { RateTableTaxCalculation, TaxCalculation, taxPlaceOf } from './tax-calculation.port';
import { planInstanceStream, PlanInstance, PlanInstanceState, planInstanceDecider } from '../domain/plan-instance.decider';
import { Account } from '../../accounts/domain';
import { fold } from '../../shared-kernel/decider';
import { BillingFacts, UsageFacts } from '../domain/plan-instance.commands';
import { PlanInstanceEvent, PlanSnapshot } from '../domain/plan-instance.events';
import { mergeNeeds, paymentFacts, usageFactsFor, usageNeeds } from '../../usage/read-model';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { isBillableStatus, TenantView } from '../../tenancy/domain';
import { EventStore } from '../../platform/event-store/event-store.port';
import { ReadStore } from '../../platform/read-store/read-store.port';

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
  taxCalculation: TaxCalculation = new RateTableTaxCalculation(store),
): Promise<BillingFacts> {
  const [pricing, payment, tax] = await Promise.all([
    pricingContext(store, tenant.id, accountId, planIds),
    paymentFacts(store, tenant.id, accountId),
    taxCalculation.taxFacts(tenant.id, taxPlaceOf(accountId, account)),
  ]);
  // The coupon in force: the account's own, else its nearest ancestor's (DOMAIN.md §5, §13).
  const coupon = await couponInForce(store, tenant.id, accountId, payment.ancestors);
  return {
    today,
    pricing,
    paymentTermsDays: account?.paymentTermsDays ?? 0,
    tenantProrationRule: tenant.settings.prorationRule,
    ...(tenant.settings.billDateReset ? { tenantBillDateReset: tenant.settings.billDateReset } : {}),
    payment,
    // A change or assignment catching up due periods skips them as the bill run does while not billable.
    ...(account && !isBillableStatus(account.status, tenant.settings) ? { billable: false } : {}),
    statusSettings: { customStatuses: tenant.settings.customStatuses ?? [], billWhileSuspended: tenant.settings.billWhileSuspended ?? true },
    ...(usage ? { usage } : {}),
    ...(coupon ? { coupon } : {}),
    ...(tax ? { tax } : {}),
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
