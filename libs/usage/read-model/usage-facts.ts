import { PaymentResponsibility } from '../../accounts/domain';
import { PlanService } from '../../catalog/domain';
import { addDays, CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { DayUsage, PaymentFacts, ServiceUsage, UsageFacts, Period } from '../../plan-instances/domain';
import { findEach } from '../../platform/read-store/find-all';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { PoolCoverage } from '../../pools/read-model';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../../plan-instances/read-model';
import { HIERARCHY, PAYMENT_RESPONSIBILITIES } from '../../accounts/read-model';
import { PLAN_VERSIONS, planVersionId } from '../../catalog/read-model';
import { USAGE_LATE_TOTALS, USAGE_TOTALS, UsageLateTotalDoc, UsageTotalDoc, usageTotalsFilter } from './usage.projection';

/**
 * The usage and payment facts billing commands need, read before the (pure) plan-instance decider runs. Used by
 * the plan-instance command handlers (previews too) and by the daily bill run.
 */


/** Options of gatherUsageFacts: where late usage is read from, and days billed elsewhere. */
export interface GatherOptions {
  /** Late usage is read from this day (default `from`). */
  lateFrom?: CalendarDate;
  /** Days whose usage another plan instance holding the service bills (on-time and late). */
  excluding?: readonly Period[];
  /** Days whose on-time usage a pool bills (DOMAIN.md §6); their late usage stays here. */
  pooled?: Iterable<CalendarDate>;
}

/**
 * THE one place usage is read for billing: one account's usage of one service, on-time per day in [from, to)
 * and late per day in [lateFrom, to), days without usage and `excluding` days left out. On-time usage of a day
 * is its total less its late part. On `pooled` days the pool bills the on-time usage, so only late usage is read.
 */
export async function gatherUsageFacts(
  store: ReadStore,
  tenantId: string,
  accountId: string,
  serviceId: string,
  from: CalendarDate,
  to: CalendarDate,
  options: GatherOptions = {},
): Promise<ServiceUsage> {
  const lateFrom = options.lateFrom ?? from;
  const billedHere = (date: CalendarDate) => !(options.excluding ?? []).some((period) => compareDates(date, period.from) >= 0 && compareDates(date, period.to) < 0);
  const pooled = new Set(options.pooled ?? []);
  const onTime: DayUsage[] = [];
  for await (const doc of daysOf<UsageTotalDoc>(store, USAGE_TOTALS, tenantId, accountId, serviceId, from, to)) {
    const quantity = new Decimal(doc.total).minus(doc.lateTotal);
    if (quantity.gt(0) && billedHere(doc.occurredOn) && !pooled.has(doc.occurredOn)) onTime.push({ date: doc.occurredOn, quantity: quantity.toString() });
  }
  const late: DayUsage[] = [];
  for await (const doc of daysOf<UsageLateTotalDoc>(store, USAGE_LATE_TOTALS, tenantId, accountId, serviceId, lateFrom, to)) {
    if (billedHere(doc.occurredOn)) late.push({ date: doc.occurredOn, quantity: doc.lateTotal });
  }
  return { from, lateFrom, to, onTime, late };
}

/** The documents of the days in [from, to) of one account and service: a range of ids, page by page. */
function daysOf<T extends Record<string, unknown>>(store: ReadStore, collection: string, tenantId: string, accountId: string, serviceId: string, from: CalendarDate, to: CalendarDate): AsyncIterable<T> {
  if (compareDates(from, to) >= 0) return (async function* () {})();
  return findEach<T>(store, collection, tenantId, { filter: usageTotalsFilter(accountId, from, addDays(to, -1), serviceId) });
}

/** What to read for one usage service: its on-time usage from `from` (where it is billed to). */
export interface UsageNeed {
  serviceId: string;
  from: CalendarDate;
}

/**
 * The usage facts of a plan instance: every service it may bill, up to and including `today`; late usage since
 * the instance started (late usage is rare: the late collection holds only days that have some). Days a pool
 * covers are left to the pool (`coverage`: one per bill run, so pools and links are read once).
 */
export async function usageFactsFor(
  store: ReadStore,
  tenantId: string,
  instance: { id: string; accountId: string; startDate: CalendarDate },
  needs: readonly UsageNeed[],
  today: CalendarDate,
  coverage: PoolCoverage = new PoolCoverage(store, tenantId),
): Promise<UsageFacts> {
  const to = addDays(today, 1);
  const others = await otherHolders(store, tenantId, instance.accountId, instance.id);
  const facts = await Promise.all(
    needs.map(async (need) =>
      gatherUsageFacts(store, tenantId, instance.accountId, need.serviceId, need.from, to, {
        lateFrom: instance.startDate,
        excluding: daysBilledByOthers(instance, need.serviceId, others),
        pooled: await coverage.pooledDays(instance.accountId, need.serviceId, need.from, to),
      }),
    ),
  );
  return Object.fromEntries(needs.map((need, i) => [need.serviceId, facts[i]]));
}

/** Another plan instance of the account, as far as usage attribution needs it. */
export interface UsageHolder {
  id: string;
  startDate: CalendarDate;
  cancelledOn: CalendarDate | null;
  /** The usage services of the plan it holds now. */
  usageServiceIds: string[];
}

/**
 * When several plan instances of one account hold the same usage service, a day's usage is billed once: by the
 * instance that started first (then the lower id) among those holding the service that day. These are the days
 * of `serviceId` that such an earlier instance covers, [its start, its cancellation).
 */
export function daysBilledByOthers(instance: { id: string; startDate: CalendarDate }, serviceId: string, others: readonly UsageHolder[]): Period[] {
  return others
    .filter((other) => other.id !== instance.id && other.usageServiceIds.includes(serviceId))
    .filter((other) => compareDates(other.startDate, instance.startDate) < 0 || (other.startDate === instance.startDate && other.id < instance.id))
    .map((other) => ({ from: other.startDate, to: other.cancelledOn ?? FAR_FUTURE }));
}

const FAR_FUTURE = '9999-12-31';

/** The account's other plan instances holding usage services (from the planInstances documents; one indexed query). */
async function otherHolders(store: ReadStore, tenantId: string, accountId: string, planInstanceId: string): Promise<UsageHolder[]> {
  const holders: UsageHolder[] = [];
  for await (const doc of findEach<PlanInstanceDoc>(store, PLAN_INSTANCES, tenantId, { filter: { accountId } })) {
    const services = Object.keys(doc.usageBilledTo ?? {});
    if (doc.id !== planInstanceId && services.length > 0) holders.push({ id: doc.id, startDate: doc.startDate, cancelledOn: doc.cancelledOn, usageServiceIds: services });
  }
  return holders;
}

/** Usage services of a service list, with where each is billed from (`billedTo`, else `fallback`). One per service. */
export function usageNeeds(services: readonly { id: string; type: PlanService['type'] }[], billedTo: Record<string, CalendarDate> | undefined, fallback: CalendarDate): UsageNeed[] {
  return services.filter((service) => service.type === 'usage').map((service) => ({ serviceId: service.id, from: billedTo?.[service.id] ?? fallback }));
}

/** Merges needs, keeping the earliest `from` per service. */
export function mergeNeeds(...lists: UsageNeed[][]): UsageNeed[] {
  const merged = new Map<string, CalendarDate>();
  for (const need of lists.flat()) {
    const known = merged.get(need.serviceId);
    if (known === undefined || compareDates(need.from, known) < 0) merged.set(need.serviceId, need.from);
  }
  return [...merged].map(([serviceId, from]) => ({ serviceId, from }));
}

/**
 * Remembers the usage services of plan versions for one bill run (a version never changes once published), so
 * instances of plans without usage services cost no usage read at all.
 */
export class PlanServicesCache {
  private readonly known = new Map<string, Promise<PlanService[]>>();

  constructor(
    private readonly store: ReadStore,
    private readonly tenantId: string,
  ) {}

  services(planId: string, version: number): Promise<PlanService[]> {
    const key = planVersionId(planId, version);
    let answer = this.known.get(key);
    if (!answer) {
      answer = this.store.get<{ services: PlanService[] }>(PLAN_VERSIONS, this.tenantId, key).then((doc) => doc?.services ?? []);
      this.known.set(key, answer);
    }
    return answer;
  }
}

/** Who pays the account's charges and its ancestors (nearest first), for split billing (DOMAIN.md §7). */
export async function paymentFacts(store: ReadStore, tenantId: string, accountId: string): Promise<PaymentFacts> {
  return (await paymentFactsOf(store, tenantId, [accountId])).get(accountId) as PaymentFacts;
}

/** paymentFacts for several accounts at once (two reads whatever their number): the bill run asks per page. */
export async function paymentFactsOf(store: ReadStore, tenantId: string, accountIds: readonly string[]): Promise<Map<string, PaymentFacts>> {
  const ids = [...new Set(accountIds)];
  const [settings, placements] = await Promise.all([
    store.getMany<{ responsibility: PaymentResponsibility }>(PAYMENT_RESPONSIBILITIES, tenantId, ids),
    store.getMany<{ ancestors: string[] }>(HIERARCHY, tenantId, ids),
  ]);
  const responsibility = new Map(settings.map((doc) => [doc.id, doc.responsibility]));
  const ancestors = new Map(placements.map((doc) => [doc.id, doc.ancestors]));
  // No setting: the account pays everything itself. No hierarchy document: a root.
  return new Map(ids.map((id) => [id, { responsibility: responsibility.get(id) ?? {}, ancestors: ancestors.get(id) ?? [] }]));
}
