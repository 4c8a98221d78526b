import { CalendarDate, addDays } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { inRanges, HierarchyHistory, MembershipContext, poolMembersIn } from '../domain/pool-membership';
import { MemberBilling, PoolRatingInput } from '../domain/pool-rating';
import { couponPeriodsBefore, MemberCoupon } from '../domain/pool-adjustments';
import { couponPeriodLimit, Period, TaxFacts } from '../../plan-instances/domain';
import { CouponTerms, PlanService, TaxRate } from '../../catalog/domain';
import { ACCOUNT_COUPONS, PLAN_VERSIONS, planVersionId, ratesOfPlace, taxRateTable } from '../../catalog/read-model';
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
export async function poolRatingFacts(store: ReadStore, tenantId: string, pool: UsagePoolDoc, period: Period, today: CalendarDate, day?: RatingDayFacts): Promise<PoolRatingInput> {
  const linkDocs = await findAll<HierarchyLinkDoc>(store, HIERARCHY_LINKS, tenantId, { filter: { to: { gt: period.from } } });
  const history = new HierarchyHistory(toLinks(linkDocs.filter((link) => link.from < period.to)));
  const pools = await poolsOfService(store, tenantId, pool.serviceId);

  // Candidates first (any currency), then their currencies, then membership proper.
  const everyone: MembershipContext = { history, pools, currencyOf: () => pool.currency };
  const candidates = [...poolMembersIn(pool.ownerAccountId, period, everyone).keys()];
  const accounts = new Map<string, MemberAccount>();
  for (const chunk of chunks(candidates)) {
    for (const doc of await store.getMany<MemberAccount>(ACCOUNTS, tenantId, chunk)) accounts.set(doc.id, doc);
  }
  const members = poolMembersIn(pool.ownerAccountId, period, { history, pools, currencyOf: (id) => accounts.get(id)?.currency });

  const usage = await onTimeUsage(store, tenantId, pool.serviceId, period, members);
  const adjustments = await adjustmentSources(store, tenantId, pool, period, day ?? (await ratingDayFacts(store, tenantId)));
  const billing = await memberBilling(store, tenantId, [...members.keys()], accounts, adjustments);
  return {
    ownerAccountId: pool.ownerAccountId,
    serviceId: pool.serviceId,
    serviceName: pool.source.serviceName,
    pricing: pool.source.pricing,
    planId: pool.source.planId,
    taxCategory: adjustments.taxCategory,
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

/** What the rating reads of a member's account document: currency and terms, and where it is taxed. */
type MemberAccount = {
  currency: string;
  paymentTermsDays?: number;
  country?: string | null;
  contact?: { address?: { country?: string; region?: string } };
  taxExempt?: boolean;
};

/**
 * Read once per rating day (decision 0021), whatever the number of pools and members: the tenant's tax rate
 * table, and whether any account has a coupon at all (if none, no member's coupon is looked up).
 */
export interface RatingDayFacts {
  rates: TaxRate[];
  anyCoupon: boolean;
}

export async function ratingDayFacts(store: ReadStore, tenantId: string): Promise<RatingDayFacts> {
  const [rates, coupons] = await Promise.all([taxRateTable(store, tenantId), store.find(ACCOUNT_COUPONS, tenantId, { limit: 1 })]);
  return { rates, anyCoupon: coupons.items.length > 0 };
}

/** What one period's rating needs to discount and tax its invoices, besides each member's own documents. */
interface AdjustmentSources extends RatingDayFacts {
  /** The pool's service's tax category on the plan that prices it (read only when there are rates). */
  taxCategory: string | null;
  /** Counts the pool's periods a coupon applied on a day discounted before this one (per application day). */
  periodsBefore(coupon: CouponTerms, appliedOn: CalendarDate): number;
}

async function adjustmentSources(store: ReadStore, tenantId: string, pool: UsagePoolDoc, period: Period, day: RatingDayFacts): Promise<AdjustmentSources> {
  let taxCategory: string | null = null;
  if (day.rates.length > 0) {
    const plan = await store.get<{ services: PlanService[] }>(PLAN_VERSIONS, tenantId, planVersionId(pool.source.planId, pool.source.planVersion));
    taxCategory = plan?.services.find((service) => service.id === pool.serviceId)?.taxCategory ?? null;
  }
  const poolStart = pool.settings[0]?.effectiveDate ?? period.from;
  const counted = new Map<string, number>();
  const periodsBefore = (coupon: CouponTerms, appliedOn: CalendarDate) => {
    const key = `${coupon.couponId} ${appliedOn}`;
    let count = counted.get(key);
    if (count === undefined) {
      // A forever coupon never runs out: nothing to count.
      count = coupon.duration === 'forever' ? 0 : couponPeriodsBefore(pool.source.grid, appliedOn, poolStart, period.to, couponPeriodLimit(coupon));
      counted.set(key, count);
    }
    return count;
  };
  return { ...day, taxCategory, periodsBefore };
}

/**
 * Payment terms, payment responsibility and ancestors of each member (as the bill run reads them), and the coupon
 * in force (its own, else the nearest ancestor's: one read per chunk) and the tax rates of its place, a chunk at a
 * time.
 */
async function memberBilling(store: ReadStore, tenantId: string, memberIds: string[], accounts: Map<string, MemberAccount>, adjustments: AdjustmentSources): Promise<Map<string, MemberBilling>> {
  const billing = new Map<string, MemberBilling>();
  const taxOf = taxFactsOf(adjustments.rates);
  for (const chunk of chunks(memberIds)) {
    const payments = await paymentFactsOf(store, tenantId, chunk);
    const coupons = adjustments.anyCoupon ? await couponsOf(store, tenantId, payments) : new Map<string, AccountCoupon>();
    for (const [id, payment] of payments) {
      const found = coupons.get(id);
      const coupon: MemberCoupon | undefined = found && { terms: found.coupon, periodsBefore: adjustments.periodsBefore(found.coupon, found.appliedOn) };
      const tax = taxOf(accounts.get(id));
      billing.set(id, { paymentTermsDays: accounts.get(id)?.paymentTermsDays ?? 0, ...payment, ...(coupon ? { coupon } : {}), ...(tax ? { tax } : {}) });
    }
  }
  return billing;
}

/** An `accountCoupons` document (catalog): the coupon set on an account and the business day it was applied. */
type AccountCoupon = { couponId: string; appliedOn: CalendarDate; coupon: CouponTerms };

/** The coupon in force for each account: its own, else its nearest ancestor's (as catalog's `couponsInForce`, with the day applied). */
async function couponsOf(store: ReadStore, tenantId: string, accounts: Map<string, { ancestors: string[] }>): Promise<Map<string, AccountCoupon>> {
  const ids = [...new Set([...accounts].flatMap(([id, { ancestors }]) => [id, ...ancestors]))];
  const byAccount = new Map<string, AccountCoupon>();
  for (const chunk of chunks(ids)) for (const doc of await store.getMany<AccountCoupon>(ACCOUNT_COUPONS, tenantId, chunk)) byAccount.set(doc.id, doc);
  const found = new Map<string, AccountCoupon>();
  for (const [id, { ancestors }] of accounts) {
    const nearest = [id, ...ancestors].find((account) => byAccount.has(account));
    if (nearest !== undefined) found.set(id, byAccount.get(nearest) as AccountCoupon);
  }
  return found;
}

/**
 * The tax facts of an account's place (the tax-calculation port's rate-table adapter, as plan-instances/commands
 * reads it): its address's country and region, else its own country; none when no rate of the table applies
 * there. One answer per place and exemption, shared by the members there.
 */
function taxFactsOf(rates: readonly TaxRate[]): (account: MemberAccount | undefined) => TaxFacts | undefined {
  const places = new Map<string, TaxFacts | undefined>();
  return (account) => {
    if (rates.length === 0) return undefined;
    const address = account?.contact?.address;
    const country = address?.country ?? account?.country ?? null;
    const region = address?.region ?? null;
    const exempt = account?.taxExempt === true;
    const key = JSON.stringify([country, region, exempt]);
    if (!places.has(key)) {
      const applying = ratesOfPlace(rates, country, region);
      places.set(key, applying.length === 0 ? undefined : { exempt, rates: applying.map(({ taxRateId, name, percent, taxCategory, inclusive }) => ({ taxRateId, name, percent, taxCategory, inclusive })) });
    }
    return places.get(key);
  };
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

