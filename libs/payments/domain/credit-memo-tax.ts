import { Decimal } from '../../shared-kernel/decimal';
import { allocate } from '../../shared-kernel/largest-remainder';

/**
 * The tax a credit memo on an invoice reverses (DOMAIN.md §13, docs/decisions/0024-credit-memos-reverse-tax.md).
 * A memo's amount is tax-inclusive (it is what comes off the balance); it is split into its net and its tax, the
 * tax in proportion to the tax the payer's share of the invoice carries:
 *
 * - **Cumulative, rounded once, half-up** (like the rest of tax): after memos totalling C on a share of A with tax
 *   T, the tax reversed is round(C × T / A); each memo takes the difference from the memos before it. So memos
 *   that add up to the whole share reverse exactly T, the last one taking exactly what is left, and no sequence of
 *   memos ever reverses more than T. A memo's tax is never more than its amount (T ≤ A).
 * - **Per rate by largest remainder** over what each rate has left to reverse, so the rates add up to the memo's
 *   tax exactly and no rate ever gives back more than it charged.
 * - A share whose rates' tax has mixed signs (a credit taxed at one rate, a charge at another): each rate is
 *   rounded cumulatively on its own (half-up), and the memo's tax is their sum.
 *
 * Payments and write-offs reverse no tax: a memo clearing a balance that was partly paid reverses the tax of its
 * own amount, not all the tax left (the tax on what was paid is still owed). Account credit memos reverse none.
 */

/** The payer's share of one tax line of the invoice (as the invoice names the rate), in minor units. */
export interface TaxShare {
  taxRateId: string;
  percent: string;
  inclusive: boolean;
  amount: number;
}

/** The tax a memo reverses at one rate (minor units, positive when it gives tax back). */
export type CreditMemoTaxLine = TaxShare;

export interface CreditMemoTax {
  tax: number;
  taxLines: CreditMemoTaxLine[];
}

export interface CreditMemoTaxInput {
  /** The memo's amount (tax-inclusive, minor units, > 0). */
  amount: number;
  /** The payer's share of the invoice (minor units, tax included). */
  shareTotal: number;
  /** What earlier credit memos on this invoice's share already took (their amounts). */
  creditedBefore: number;
  /** The share's tax per rate. */
  invoiceTax: readonly TaxShare[];
  /** The tax earlier memos on this share reversed, per rate (memos recorded before tax existed: none). */
  reversedBefore: readonly CreditMemoTaxLine[];
}

export const NO_TAX: CreditMemoTax = { tax: 0, taxLines: [] };

export function creditMemoTax(input: CreditMemoTaxInput): CreditMemoTax {
  const { amount, shareTotal, creditedBefore, invoiceTax } = input;
  // A rate the share owes nothing of reverses nothing, and is still shown (as 0).
  const rates = invoiceTax.filter((share) => share.amount !== 0);
  const none = { tax: 0, taxLines: invoiceTax.map((rate) => ({ ...rate, amount: 0 })) };
  if (rates.length === 0 || shareTotal <= 0) return none;
  const after = creditedBefore + amount;
  if (amount <= 0 || creditedBefore < 0 || after > shareTotal) {
    throw new RangeError(`credit memos of ${creditedBefore} + ${amount} exceed the share of ${shareTotal}`);
  }
  const reversed = new Map<string, number>();
  for (const line of input.reversedBefore) reversed.set(line.taxRateId, (reversed.get(line.taxRateId) ?? 0) + line.amount);
  const left = rates.map((rate) => rate.amount - (reversed.get(rate.taxRateId) ?? 0));
  const cumulative = (credited: number, tax: number) => (credited === shareTotal ? tax : share(credited, tax, shareTotal));
  const total = rates.reduce((sum, rate) => sum + rate.amount, 0);
  const signs = new Set(rates.map((rate) => Math.sign(rate.amount)));
  let parts: number[];
  if (signs.size === 1) {
    const sign = [...signs][0];
    const wanted = cumulative(after, total) - cumulative(creditedBefore, total);
    // What is left at all rates caps it (it can only bite when memos recorded before tax existed took none).
    const available = left.reduce((sum, l) => sum + Math.max(sign * l, 0), 0);
    const memoTax = sign * Math.min(sign * wanted, available);
    parts = allocate(memoTax, left.map((l) => String(Math.max(sign * l, 0))));
  } else {
    parts = rates.map((rate) => cumulative(after, rate.amount) - cumulative(creditedBefore, rate.amount));
  }
  const reversing = new Map(rates.map((rate, i) => [rate.taxRateId, parts[i] + 0]));
  const taxLines = invoiceTax.map((rate) => ({ taxRateId: rate.taxRateId, percent: rate.percent, inclusive: rate.inclusive, amount: reversing.get(rate.taxRateId) ?? 0 }));
  return { tax: parts.reduce((sum, part) => sum + part, 0) + 0, taxLines };
}

/** credited × tax / shareTotal, rounded half away from zero once. */
function share(credited: number, tax: number, shareTotal: number): number {
  return new Decimal(credited).times(tax).div(shareTotal).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() + 0;
}
