import { ReadStore } from '../../platform/read-store/read-store.port';
import type { CouponTerms } from '../domain/coupon';
import type { TaxRate } from '../domain/tax-rate';
import { ACCOUNT_COUPONS } from './coupons.projection';
import { TAX_RATES } from './tax-rates.projection';

/**
 * What billing reads of coupons and tax rates, gathered before the (pure) decider runs. Both are catalog-like
 * definitions, immutable once created, so a copy read here is never stale in what it says.
 */

/** The coupon in force for the account: its own, else the nearest ancestor's (`ancestors` nearest first). */
export async function couponInForce(store: ReadStore, tenantId: string, accountId: string, ancestors: readonly string[]): Promise<CouponTerms | undefined> {
  return (await couponsInForce(store, tenantId, [{ accountId, ancestors }])).get(accountId);
}

/** couponInForce for several accounts with one read (the bill run asks per page). */
export async function couponsInForce(store: ReadStore, tenantId: string, accounts: ReadonlyArray<{ accountId: string; ancestors: readonly string[] }>): Promise<Map<string, CouponTerms>> {
  const ids = [...new Set(accounts.flatMap(({ accountId, ancestors }) => [accountId, ...ancestors]))];
  const docs = await store.getMany<{ coupon: CouponTerms }>(ACCOUNT_COUPONS, tenantId, ids);
  const byAccount = new Map(docs.map((doc) => [doc.id, doc.coupon]));
  const found = new Map<string, CouponTerms>();
  for (const { accountId, ancestors } of accounts) {
    const nearest = [accountId, ...ancestors].find((id) => byAccount.has(id));
    if (nearest !== undefined) found.set(accountId, byAccount.get(nearest) as CouponTerms);
  }
  return found;
}

const RATES_PAGE = 500;

/** The tenant's whole tax rate table. */
export async function taxRateTable(store: ReadStore, tenantId: string): Promise<TaxRate[]> {
  const rates: TaxRate[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.find<Omit<TaxRate, 'taxRateId'> & Record<string, unknown>>(TAX_RATES, tenantId, { limit: RATES_PAGE, ...(cursor ? { cursor } : {}) });
    for (const { id, name, percent, country, region, taxCategory, inclusive } of page.items as Array<Omit<TaxRate, 'taxRateId'> & { id: string }>) {
      rates.push({ taxRateId: id, name, percent, country, region, taxCategory, inclusive });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return rates;
}

/** The rates of a place: those of any country, of its country, and of its region (regions compared ignoring case). */
export function ratesOfPlace(rates: readonly TaxRate[], country: string | null, region: string | null): TaxRate[] {
  return rates.filter(
    (rate) => (rate.country === null || rate.country === country) && (rate.region === null || (region !== null && rate.region.toLowerCase() === region.toLowerCase())),
  );
}
