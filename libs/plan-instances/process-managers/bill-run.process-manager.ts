import { couponsInForce, OverridePresence, pricingContext } from '../../catalog/read-model';
import { RateTableTaxCalculation, taxPlaceOf } from '../commands/tax-calculation.port';
import { PoolCoverage } from '../../pools/read-model';
import { mergeNeeds, paymentFactsOf, PlanServicesCache, usageFactsFor, usageNeeds } from '../../usage/read-model';
import type { ReadStore } from '../../platform/read-store/read-store.port';
import type { BusinessClockEvent } from '../../time/domain';
import { DEFAULT_TENANT_SETTINGS, isBillableStatus, StatusSettings, TenantSettings } from '../../tenancy/domain';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { PLAN_INSTANCES } from '../read-model/plan-instances.projection';
import { TENANTS } from '../../tenancy/read-model';

const PAGE = 500;

/** What the tax calculation reads of an account's document. */
type TaxedAccount = { country?: string | null; contact?: { address?: { country?: string; region?: string } }; taxExempt?: boolean };

interface DueInstance {
  accountId: string;
  planId: string;
  planVersion: number;
  startDate: string;
  pendingChange: { kind: string; planId?: string; planVersion?: number; effectiveDate: string } | null;
  usageBilledTo?: Record<string, string>;
}

/**
 * The daily bill run (DOMAIN.md §3, API.md): on each business day, every plan instance with something due
 * (a new period, a scheduled switch or cancellation) gets one BillPlanInstance command. Its id derives from
 * the instance and the day, and the instance's decider bills a period only once, so a crash, a restart or a
 * repeated day never invoices twice. Instances are read page by page and streamed to the runtime: memory
 * stays bounded however many are due.
 */
export const billRunProcessManager: ProcessManager = {
  name: 'bill-run',
  eventTypes: ['BusinessDayStarted'],
  // Each command is one small append (its own instance's lane); a whole chunk in flight shares one event-store
  // group commit, and the projectors then see one batch of a chunk's events, so both files fsync about once per
  // chunk instead of once per 128 commands (decision 0008). Memory stays bounded by the chunk.
  concurrency: COMMAND_CHUNK_SIZE,
  react(recorded, context) {
    return billRun(recorded as unknown as RecordedEvent & BusinessClockEvent, context);
  },
};

async function* billRun(recorded: RecordedEvent & BusinessClockEvent, context: ProcessManagerContext): AsyncGenerator<PmCommand> {
  const { tenantId, date } = recorded.data;
  await context.readModelsAt(recorded.position); // every instance assigned before this day is in the read model
  const tenant = await context.store.get<{ settings: TenantSettings }>(TENANTS, SYSTEM_TENANT, tenantId);
  const settings = tenant?.settings ?? DEFAULT_TENANT_SETTINGS;
  const tenantProrationRule = settings.prorationRule;
  const statusSettings = whatStopsBilling(settings);
  const presence = new OverridePresence(context.store, tenantId);
  const plans = new PlanServicesCache(context.store, tenantId);
  const coverage = new PoolCoverage(context.store, tenantId); // pools and links read once per run
  const taxCalculation = new RateTableTaxCalculation(context.store); // the rate table read once per run
  let cursor: string | undefined;
  do {
    const page = await context.store.find<DueInstance & Record<string, unknown>>(PLAN_INSTANCES, tenantId, {
      filter: { nextActionDate: { lte: date } },
      sortBy: 'nextActionDate',
      limit: PAGE,
      cursor,
    });
    const accountIds = [...new Set(page.items.map((instance) => instance.accountId))];
    const accounts = new Map((await context.store.getMany<{ paymentTermsDays?: number; status?: string } & TaxedAccount>(ACCOUNTS, tenantId, accountIds)).map((a) => [a.id, a]));
    const payers = await paymentFactsOf(context.store, tenantId, accountIds);
    // Coupons in force (the nearest along each account's ancestors) with one read per page; tax rates per place.
    const coupons = await couponsInForce(context.store, tenantId, accountIds.map((accountId) => ({ accountId, ancestors: payers.get(accountId)?.ancestors ?? [] })));
    for (const instance of page.items) {
      const planIds = [instance.planId, ...(instance.pendingChange?.planId ? [instance.pendingChange.planId] : [])];
      const account = accounts.get(instance.accountId);
      const coupon = coupons.get(instance.accountId);
      const tax = await taxCalculation.taxFacts(tenantId, taxPlaceOf(instance.accountId, account));
      const data = {
        planInstanceId: instance.id,
        today: date,
        pricing: await pricingContext(context.store, tenantId, instance.accountId, planIds, presence),
        paymentTermsDays: account?.paymentTermsDays ?? 0,
        tenantProrationRule,
        payment: payers.get(instance.accountId),
        // The account's status from its document; the instance's own status the decider reads from its state.
        ...(isBillableStatus(account?.status ?? 'active', settings) ? {} : { billable: false }),
        ...(statusSettings ? { statusSettings } : {}),
        ...(await dueUsage(context.store, tenantId, instance, plans, coverage, date)),
        ...(coupon ? { coupon } : {}),
        ...(tax ? { tax } : {}),
      };
      yield { type: 'BillPlanInstance', data, key: `bill:${instance.id}:${date}`, businessDate: date, lane: instance.id };
    }
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * Only the settings that can stop an instance's billing (a status missing from them bills), so a default tenant's
 * commands carry none and others carry a few names, not the whole list.
 */
function whatStopsBilling(settings: Partial<TenantSettings>): StatusSettings | null {
  const customStatuses = (settings.customStatuses ?? []).filter((status) => !status.billable);
  const suspended = settings.billWhileSuspended === false ? { billWhileSuspended: false } : {};
  if (customStatuses.length === 0 && settings.billWhileSuspended !== false) return null;
  return { ...suspended, ...(customStatuses.length > 0 ? { customStatuses } : {}) };
}

/**
 * The usage an instance may bill today, read only for plans with usage services: each from where the instance is
 * billed to (the planInstances document says), a scheduled switch's new services from its date.
 */
async function dueUsage(store: ReadStore, tenantId: string, instance: DueInstance & { id: string }, plans: PlanServicesCache, coverage: PoolCoverage, today: string) {
  const pending = instance.pendingChange;
  const needs = mergeNeeds(
    usageNeeds(await plans.services(instance.planId, instance.planVersion), instance.usageBilledTo, instance.startDate),
    pending?.kind === 'switch' && pending.planId && pending.planVersion ? usageNeeds(await plans.services(pending.planId, pending.planVersion), undefined, pending.effectiveDate) : [],
  );
  if (needs.length === 0) return {};
  return { usage: await usageFactsFor(store, tenantId, instance, needs, today, coverage) };
}
