import { CalendarDate } from '../../shared-kernel/calendar-date';
import { CoveredRange, coverageOf, daysOf, HierarchyHistory, HierarchyLink, MembershipContext, PoolDefinition } from '../domain/pool-membership';
import { Period } from '../../plan-instances/domain';
import { findAll } from '../../platform/read-store/find-all';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS, HIERARCHY_LINKS, HierarchyLinkDoc } from '../../accounts/read-model';
import { UsagePoolDoc, USAGE_POOLS } from './usage-pools.projection';

/** The usage service's pools of a tenant, as membership needs them. */
export async function poolsOfService(store: ReadStore, tenantId: string, serviceId: string): Promise<Map<string, PoolDefinition & { doc: UsagePoolDoc }>> {
  const docs = await findAll<UsagePoolDoc>(store, USAGE_POOLS, tenantId, { filter: { serviceId } });
  return new Map(docs.map((doc) => [doc.ownerAccountId, { ownerAccountId: doc.ownerAccountId, currency: doc.currency, settings: doc.settings, doc }]));
}

/** Links as the pure membership code takes them: per account in log order (their id ends with the log position). */
export function toLinks(docs: readonly (HierarchyLinkDoc & { id?: string })[]): HierarchyLink[] {
  const positionOf = (doc: { id?: string }) => Number(String(doc.id ?? '').slice(String(doc.id ?? '').lastIndexOf('@') + 1)) || 0;
  return [...docs]
    .sort((a, b) => positionOf(a) - positionOf(b))
    .map(({ accountId, parentAccountId, from, to }) => ({ accountId, parentAccountId, from, to }));
}

/**
 * Which days of an account's usage a pool bills (DOMAIN.md §6), for the member's own plan-instance usage billing,
 * which must leave those days' on-time usage to the pool. One instance per tenant and run: pools, links and
 * currencies read once are remembered, so a bill run over many accounts asks the store little. With no pool for a
 * service (the usual case) the answer costs one query per service.
 */
export class PoolCoverage {
  private readonly pools = new Map<string, Promise<Map<string, PoolDefinition & { doc: UsagePoolDoc }>>>();
  private readonly links = new Map<string, Promise<HierarchyLink[]>>();
  private readonly currencies = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly store: ReadStore,
    private readonly tenantId: string,
  ) {}

  /** The days in [from, to) (half-open) on which a pool covers the account's usage of the service, in order. */
  async pooledDays(accountId: string, serviceId: string, from: CalendarDate, to: CalendarDate): Promise<CalendarDate[]> {
    return daysOf(await this.coveredRanges(accountId, serviceId, from, to));
  }

  /**
   * The days in [from, to) whose usage of the service a pool has already rated (before its next period): usage
   * recorded for them now is late for the account, since no pool will price it (DOMAIN.md §6).
   */
  async ratedRanges(accountId: string, serviceId: string, from: CalendarDate, to: CalendarDate): Promise<Period[]> {
    const pools = await this.poolsOf(serviceId);
    const rated: Period[] = [];
    for (const range of await this.coveredRanges(accountId, serviceId, from, to)) {
      const next = pools.get(range.ownerAccountId)?.doc.nextPeriodStart ?? range.from;
      const end = next < range.to ? next : range.to;
      if (range.from < end) rated.push({ from: range.from, to: end });
    }
    return rated;
  }

  /** The ranges of [from, to) in which a pool covers the account's usage of the service, with the pool's owner. */
  async coveredRanges(accountId: string, serviceId: string, from: CalendarDate, to: CalendarDate): Promise<CoveredRange[]> {
    const pools = await this.poolsOf(serviceId);
    if (pools.size === 0 || from >= to) return [];
    const period = { from, to };
    const context: MembershipContext = {
      history: new HierarchyHistory(await this.ancestryLinks(accountId, period)),
      pools,
      currencyOf: () => undefined,
    };
    const currency = await this.currencyOf(accountId);
    context.currencyOf = (id) => (id === accountId ? currency : undefined);
    return coverageOf(accountId, period, context);
  }

  private poolsOf(serviceId: string): Promise<Map<string, PoolDefinition & { doc: UsagePoolDoc }>> {
    let pools = this.pools.get(serviceId);
    if (!pools) this.pools.set(serviceId, (pools = poolsOfService(this.store, this.tenantId, serviceId)));
    return pools;
  }

  /** The links of the account and of every account above it on some day of the period. */
  private async ancestryLinks(accountId: string, period: { from: CalendarDate; to: CalendarDate }): Promise<HierarchyLink[]> {
    const collected: HierarchyLink[] = [];
    const seen = new Set<string>();
    const queue = [accountId];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const link of await this.linksOf(id)) {
        collected.push(link);
        if (link.parentAccountId !== null && link.from < period.to && link.to > period.from) queue.push(link.parentAccountId);
      }
    }
    return collected;
  }

  private linksOf(accountId: string): Promise<HierarchyLink[]> {
    let links = this.links.get(accountId);
    if (!links) {
      links = findAll<HierarchyLinkDoc>(this.store, HIERARCHY_LINKS, this.tenantId, { filter: { accountId } }).then(toLinks);
      this.links.set(accountId, links);
    }
    return links;
  }

  private currencyOf(accountId: string): Promise<string | undefined> {
    let currency = this.currencies.get(accountId);
    if (!currency) {
      currency = this.store.get<{ currency: string }>(ACCOUNTS, this.tenantId, accountId).then((doc) => doc?.currency);
      this.currencies.set(accountId, currency);
    }
    return currency;
  }
}

/** `PoolCoverage.pooledDays` for one question (a fresh instance: nothing remembered). */
export function pooledDaysOf(
  store: ReadStore,
  tenantId: string,
  accountId: string,
  serviceId: string,
  from: CalendarDate,
  to: CalendarDate,
): Promise<CalendarDate[]> {
  return new PoolCoverage(store, tenantId).pooledDays(accountId, serviceId, from, to);
}
