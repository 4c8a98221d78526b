import { TaxRate } from '../../catalog/domain';
import { Decimal } from '../../shared-kernel/decimal';
import { InvoiceLine } from './invoice';
import { allocateSigned } from './signed-allocation';

/** A rate that applies where the account is (the tax-calculation port chose them by country and region). */
export type TaxRateFact = Pick<TaxRate, 'taxRateId' | 'name' | 'percent' | 'taxCategory' | 'inclusive'>;

/**
 * What billing needs to tax an invoice, gathered before the decider runs by the tax-calculation port (the
 * built-in rate table by default; an external service could answer the same): the rates of the account's place,
 * or `exempt` (no tax at all, and inclusive prices are not carved).
 */
export interface TaxFacts {
  exempt: boolean;
  rates: TaxRateFact[];
}

/** A line to tax: its amount after its share of any discount, and its tax category (null: none given). */
export interface Taxable {
  amount: number;
  taxCategory: string | null;
}

export interface TaxResult {
  /** One per rate with something to tax, in rate-id order; `amount` is the tax, rounded once. */
  lines: Array<{ rate: TaxRateFact; taxable: number; amount: number; shares: number[] }>;
  /** Per taxable item, what inclusive rates carve out of it (its amount already held that tax). */
  carved: number[];
}

/**
 * The rates that tax a line of `category`: those naming its category when any does, else those naming none.
 * Several rates of one place (a country's and a region's) all apply, each its own line.
 */
export function ratesFor(rates: readonly TaxRateFact[], category: string | null): TaxRateFact[] {
  const named = category === null ? [] : rates.filter((rate) => rate.taxCategory === category);
  return named.length > 0 ? named : rates.filter((rate) => rate.taxCategory === null);
}

/**
 * Tax per rate on the discounted amounts (DOMAIN.md §13): one line per rate, its tax computed exactly on the sum
 * of what it taxes and rounded once; tax lines are never taxed (only the items given are). An exclusive rate adds
 * `percent` of the net; an inclusive one is carved out of the price: of an item holding inclusive rates summing to
 * P, the net is amount × 100 / (100 + P) and each inclusive rate's tax is its percent of that net. Each tax is
 * spread back over its items (`shares`, for who owes it) and inclusive ones also in `carved`.
 */
export function computeTax(items: readonly Taxable[], facts: TaxFacts): TaxResult {
  const carved = items.map(() => 0);
  if (facts.exempt || facts.rates.length === 0) return { lines: [], carved };
  const applying = items.map((item) => ratesFor(facts.rates, item.taxCategory));
  const inclusivePercent = applying.map((rates) => rates.filter((r) => r.inclusive).reduce((sum, r) => sum.plus(r.percent), new Decimal(0)));
  const lines: TaxResult['lines'] = [];
  for (const rate of [...facts.rates].sort((a, b) => (a.taxRateId < b.taxRateId ? -1 : a.taxRateId > b.taxRateId ? 1 : 0))) {
    let exact = new Decimal(0);
    let taxable = new Decimal(0);
    const contributions = items.map((item, i) => {
      if (!applying[i].includes(rate)) return new Decimal(0);
      const net = new Decimal(item.amount).times(100).div(inclusivePercent[i].plus(100));
      taxable = taxable.plus(net);
      const tax = net.times(rate.percent).div(100);
      exact = exact.plus(tax);
      return tax;
    });
    if (!applying.some((rates) => rates.includes(rate))) continue;
    const amount = exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() + 0;
    const shares = allocateSigned(amount, contributions);
    if (rate.inclusive) shares.forEach((share, i) => (carved[i] += share));
    lines.push({ rate, taxable: taxable.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() + 0, amount, shares });
  }
  return { lines, carved };
}

/** The line of one rate's tax on an invoice. */
export function taxLine(tax: TaxResult['lines'][number], planInstanceId: string, period: Pick<InvoiceLine, 'periodStart' | 'periodEnd'>): InvoiceLine {
  const { rate } = tax;
  return {
    type: 'tax',
    planInstanceId,
    serviceId: '',
    description: `${rate.name} ${rate.percent}%${rate.inclusive ? ' (included in prices)' : ''}`,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    quantity: '1',
    unitPrice: null,
    amount: tax.amount,
    prorated: false,
    tax: { taxRateId: rate.taxRateId, percent: rate.percent, inclusive: rate.inclusive, taxable: tax.taxable },
  };
}
