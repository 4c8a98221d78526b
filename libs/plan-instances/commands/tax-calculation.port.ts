import { ratesOfPlace, taxRateTable } from '../../catalog/read-model';
import { TaxRate } from '../../catalog/domain';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { TaxFacts } from '../domain/tax';

/** Where an account is taxed, and whether it is exempt: from its address (else its own country) and its taxExempt flag. */
export interface TaxPlace {
  accountId: string;
  country: string | null;
  region: string | null;
  exempt: boolean;
}

/**
 * The tax-calculation port (decision 0021): before a billing command is decided, it answers which rates apply to
 * the account's place; the pure domain (domain/tax.ts) then computes and rounds the tax lines on the discounted
 * amounts. The built-in adapter is the tenant's rate table; an external service (Avalara, Stripe Tax) is another
 * adapter answering the same from its own rate lookup by address. Undefined: no tax at all (no rate anywhere).
 */
export interface TaxCalculation {
  taxFacts(tenantId: string, place: TaxPlace): Promise<TaxFacts | undefined>;
}

/**
 * The default adapter: the tenant's table of tax rates (POST /v1/tax-rates), read once per adapter and tenant
 * (the bill run makes one per run; a command one per call), filtered by country and region.
 */
export class RateTableTaxCalculation implements TaxCalculation {
  private readonly tables = new Map<string, Promise<TaxRate[]>>();

  constructor(private readonly store: ReadStore) {}

  async taxFacts(tenantId: string, place: TaxPlace): Promise<TaxFacts | undefined> {
    let table = this.tables.get(tenantId);
    if (!table) {
      table = taxRateTable(this.store, tenantId);
      this.tables.set(tenantId, table);
    }
    const rates = ratesOfPlace(await table, place.country, place.region);
    if (rates.length === 0) return undefined;
    return { exempt: place.exempt, rates: rates.map(({ taxRateId, name, percent, taxCategory, inclusive }) => ({ taxRateId, name, percent, taxCategory, inclusive })) };
  }
}

/** The place of an account as its stream or its document holds it. */
export function taxPlaceOf(accountId: string, account: { country?: string | null; contact?: { address?: { country?: string; region?: string } }; taxExempt?: boolean } | null | undefined): TaxPlace {
  const address = account?.contact?.address;
  return { accountId, country: address?.country ?? account?.country ?? null, region: address?.region ?? null, exempt: account?.taxExempt === true };
}
