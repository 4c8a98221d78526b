import { PaymentResponsibility } from '../domain/accounts/payment-responsibility';
import { PlanService } from '../domain/catalog/plan.events';
import { addDays, CalendarDate, compareDates } from '../domain/shared/calendar-date';
import { Decimal } from '../domain/shared/decimal';
import { DayUsage, PaymentFacts, ServiceUsage, UsageFacts } from '../domain/subscriptions/plan-instance.commands';
import { ReadStore } from '../read-store/read-store.port';
import { HIERARCHY } from '../../projections/hierarchy.projection';
import { PAYMENT_RESPONSIBILITIES } from '../../projections/payment-responsibilities.projection';
import { PLAN_VERSIONS, planVersionId } from '../../projections/plans.projection';
import { USAGE_LATE_TOTALS, USAGE_TOTALS, UsageLateTotalDoc, UsageTotalDoc, usageTotalId } from '../../projections/usage.projection';

/**
 * The usage and payment facts billing commands need, read before the (pure) plan-instance decider runs. Used by
 * the plan-instance command handlers (previews too) and by the daily bill run.
 */

const PAGE = 1000;

/**
 * THE one place usage is read for billing: one account's usage of one service, on-time per day in [from, to)
 * and late per day in [lateFrom, to), days without usage left out. On-time usage of a day is its total less its
 * late part. (Pools hook in here: days a pool covers are billed by the pool, so they are to be left out.)
 */
export async function gatherUsageFacts(
  store: ReadStore,
  tenantId: string,
  accountId: string,
  serviceId: string,
  from: CalendarDate,
  to: CalendarDate,
  lateFrom: CalendarDate = from,
): Promise<ServiceUsage> {
  const onTime: DayUsage[] = [];
  for await (const doc of daysOf<UsageTotalDoc>(store, USAGE_TOTALS, tenantId, accountId, serviceId, from, to)) {
    const quantity = new Decimal(doc.total).minus(doc.lateTotal);
    if (quantity.gt(0)) onTime.push({ date: doc.occurredOn, quantity: quantity.toString() });
  }
  const late: DayUsage[] = [];
  for await (const doc of daysOf<UsageLateTotalDoc>(store, USAGE_LATE_TOTALS, tenantId, accountId, serviceId, lateFrom, to)) {
    late.push({ date: doc.occurredOn, quantity: doc.lateTotal });
  }
  return { from, lateFrom, to, onTime, late };
}

/** The documents of the days in [from, to) of one account and service: a range of ids, page by page. */
async function* daysOf<T extends Record<string, unknown>>(
  store: ReadStore,
  collection: string,
  tenantId: string,
  accountId: string,
  serviceId: string,
  from: CalendarDate,
  to: CalendarDate,
): AsyncGenerator<T> {
  if (compareDates(from, to) >= 0) return;
  const filter = { id: { gte: usageTotalId(accountId, serviceId, from), lte: usageTotalId(accountId, serviceId, addDays(to, -1)) } };
  let cursor: string | undefined;
  do {
    const page = await store.find<T>(collection, tenantId, { filter, limit: PAGE, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** What to read for one usage service: its on-time usage from `from` (where it is billed to). */
export interface UsageNeed {
  serviceId: string;
  from: CalendarDate;
}

/**
 * The usage facts of a plan instance: every service it may bill, up to and including `today`; late usage since
 * the instance started (late usage is rare: the late collection holds only days that have some).
 */
export async function usageFactsFor(
  store: ReadStore,
  tenantId: string,
  accountId: string,
  needs: readonly UsageNeed[],
  startDate: CalendarDate,
  today: CalendarDate,
): Promise<UsageFacts> {
  const to = addDays(today, 1);
  const facts = await Promise.all(needs.map((need) => gatherUsageFacts(store, tenantId, accountId, need.serviceId, need.from, to, startDate)));
  return Object.fromEntries(needs.map((need, i) => [need.serviceId, facts[i]]));
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
