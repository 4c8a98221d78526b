import { CalendarDate, addDays } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { inRanges, HierarchyHistory, MembershipContext, poolMembersIn } from '../domain/pool-membership';
import { MemberBilling, PoolRatingInput } from '../domain/pool-rating';
import { Period } from '../../plan-instances/domain';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS, HIERARCHY_LINKS, HierarchyLinkDoc } from '../../accounts/read-model';
import { UsagePoolDoc } from '../read-model/usage-pools.projection';
import { USAGE_TOTALS, UsageTotalDoc, usageTotalsFilter, paymentFactsOf } from '../../usage/read-model';
import { findAll, findEach } from '../../platform/read-store/find-all';
import { poolsOfService, toLinks } from '../read-model/pool-coverage';

/** Up to this many members, usage is read per member (an id range each); above, one scan of the tenant's days. */
const PER_MEMBER_READS = 50;
const CHUNK = 1000;

/**
 * The facts rating one period of a pool needs, gathered from read models before the (pure) rating runs: who was in
 * the pool on which days (the hierarchy's links overlapping the period, every pool of the service, the accounts'
 * currencies), each member's on-time usage on its days (`usageTotals`: total minus late), and what invoicing needs
 * of each member (payment terms, payment responsibility, ancestors).
 *
 * The links read are every link of the tenant that overlaps the period: any of them may have put an account below
 * the owner on some day. That is one indexed range query, linear in the tenant's linked accounts.
 */
export async function poolRatingFacts(store: ReadStore, tenantId: string, pool: UsagePoolDoc, period: Period, today: CalendarDate): Promise<PoolRatingInput> {
  const linkDocs = await findAll<HierarchyLinkDoc>(store, HIERARCHY_LINKS, tenantId, { filter: { to: { gt: period.from } } });
  const history = new HierarchyHistory(toLinks(linkDocs.filter((link) => link.from < period.to)));
  const pools = await poolsOfService(store, tenantId, pool.serviceId);

  // Candidates first (any currency), then their currencies, then membership proper.
  const everyone: MembershipContext = { history, pools, currencyOf: () => pool.currency };
  const candidates = [...poolMembersIn(pool.ownerAccountId, period, everyone).keys()];
  const accounts = new Map<string, { currency: string; paymentTermsDays?: number }>();
  for (const chunk of chunks(candidates)) {
    for (const doc of await store.getMany<{ currency: string; paymentTermsDays?: number }>(ACCOUNTS, tenantId, chunk)) accounts.set(doc.id, doc);
  }
  const members = poolMembersIn(pool.ownerAccountId, period, { history, pools, currencyOf: (id) => accounts.get(id)?.currency });

  const usage = await onTimeUsage(store, tenantId, pool.serviceId, period, members);
  const billing = await memberBilling(store, tenantId, [...members.keys()], accounts);
  return {
    ownerAccountId: pool.ownerAccountId,
    serviceId: pool.serviceId,
    serviceName: pool.source.serviceName,
    pricing: pool.source.pricing,
    currency: pool.currency,
    period,
    invoiceDate: today,
    usage: [...members.keys()].map((accountId) => ({ accountId, quantity: (usage.get(accountId) ?? new Decimal(0)).toString() })),
    billing: (accountId) => billing.get(accountId) ?? { paymentTermsDays: 0, responsibility: {}, ancestors: [] },
  };
}

/** Each member's on-time usage of the service on the days the pool covered it. */
async function onTimeUsage(store: ReadStore, tenantId: string, serviceId: string, period: Period, members: Map<string, Period[]>): Promise<Map<string, Decimal>> {
  const last = addDays(period.to, -1);
  const docs: UsageTotalDoc[] = [];
  if (members.size <= PER_MEMBER_READS) {
    for (const accountId of members.keys()) docs.push(...(await findAll<UsageTotalDoc>(store, USAGE_TOTALS, tenantId, { filter: usageTotalsFilter(accountId, period.from, last, serviceId) })));
  } else {
    for await (const doc of findEach<UsageTotalDoc>(store, USAGE_TOTALS, tenantId, { filter: { occurredOn: { gte: period.from, lte: last } }, sortBy: 'occurredOn' })) {
      if (doc.serviceId === serviceId && members.has(doc.accountId)) docs.push(doc);
    }
  }
  const sums = new Map<string, Decimal>();
  for (const doc of docs) {
    const ranges = members.get(doc.accountId);
    if (!ranges || !inRanges(doc.occurredOn, ranges)) continue;
    sums.set(doc.accountId, (sums.get(doc.accountId) ?? new Decimal(0)).plus(doc.total).minus(doc.lateTotal));
  }
  return sums;
}

/** Payment terms, payment responsibility and ancestors of each member (as the bill run reads them), a chunk at a time. */
async function memberBilling(store: ReadStore, tenantId: string, memberIds: string[], accounts: Map<string, { paymentTermsDays?: number }>): Promise<Map<string, MemberBilling>> {
  const billing = new Map<string, MemberBilling>();
  for (const chunk of chunks(memberIds)) {
    for (const [id, payment] of await paymentFactsOf(store, tenantId, chunk)) billing.set(id, { paymentTermsDays: accounts.get(id)?.paymentTermsDays ?? 0, ...payment });
  }
  return billing;
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

