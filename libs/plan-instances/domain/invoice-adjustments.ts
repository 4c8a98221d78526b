import { CouponTerms } from '../../catalog/domain';
import { PaymentResponsibility } from '../../accounts/domain';
import { InvoiceLine, invoiceTotal, LinePayer } from './invoice';
import { CouponUsage, discountFor } from './discounts';
import { computeTax, TaxFacts, taxLine, TaxResult } from './tax';
import { withPayers } from './payers';

export interface AdjustmentInput {
  /** The charge lines billing produced (recurring, credit, usage), in order. */
  lines: readonly InvoiceLine[];
  accountId: string;
  planId: string;
  planInstanceId: string;
  currency: string;
  /** The tax category of each service of the plan (by id); a service without one is absent. */
  taxCategories: Readonly<Record<string, string>>;
  /** The coupon in force for the account (its own or the nearest ancestor's), if any. */
  coupon?: CouponTerms;
  couponUsage?: CouponUsage;
  newPeriod: boolean;
  tax?: TaxFacts;
  /** Split billing: who pays which class of charge (DOMAIN.md §7); absent: the account pays all. */
  responsibility?: PaymentResponsibility;
}

export interface AdjustedInvoice {
  lines: InvoiceLine[];
  subtotal: number;
  tax: number;
  total: number;
  /** The coupon's usage after this invoice (unchanged when no coupon is in force). */
  couponUsage: CouponUsage | undefined;
}

/**
 * The one seam where an invoice's charge lines become its lines (DOMAIN.md §7, §13): a coupon's discount line,
 * then one tax line per rate on the discounted amounts (inclusive rates carved out of the lines that held them),
 * then who owes each line. Discount and tax lines are owed by the payers of the lines they were computed on, in
 * proportion (each share split by that line's payment responsibility), so what each account owes still adds up
 * to the total.
 */
export function adjustInvoice(input: AdjustmentInput): AdjustedInvoice {
  const base = input.lines;
  let couponUsage = input.couponUsage;
  let discount: ReturnType<typeof discountFor>['discount'] = null;
  if (input.coupon) {
    const result = discountFor({ ...input, lines: base, coupon: input.coupon, usage: input.couponUsage });
    discount = result.discount;
    couponUsage = result.usage;
  }
  const discountShares = discount?.shares ?? base.map(() => 0);
  const tax = input.tax ? taxOf(base, discountShares, input.taxCategories, input.tax) : { lines: [], carved: base.map(() => 0) };
  // Inclusive tax leaves the charge lines, which then show what they charge before tax.
  const charges = base.map((line, i) => (tax.carved[i] === 0 ? line : { ...line, amount: line.amount - tax.carved[i], taxIncluded: tax.carved[i] }));
  const period = periodOf(base);
  const adjustments: Array<{ line: InvoiceLine; shares: number[] }> = [
    ...(discount ? [discount] : []),
    ...tax.lines.map((t) => ({ line: taxLine(t, input.planInstanceId, period), shares: t.shares })),
  ];
  const lines = [...charges, ...adjustments.map((a) => a.line)];
  const responsibility = input.responsibility;
  const owned = responsibility
    ? [
        ...withPayers(charges, input.accountId, responsibility),
        ...adjustments.map(({ line, shares }) => withSharedPayers(line, shares, charges, input.accountId, responsibility)),
      ]
    : lines;
  const total = invoiceTotal(owned);
  const taxTotal = tax.lines.reduce((sum, t) => sum + t.amount, 0);
  return { lines: owned, subtotal: total - taxTotal, tax: taxTotal, total, couponUsage };
}

/**
 * The payers of a discount or tax line: each of its shares owed as the line it sits on is (that line's class of
 * charge). Left without payers when the invoiced account owes all of it, as other lines are.
 */
function withSharedPayers(line: InvoiceLine, shares: readonly number[], charges: readonly InvoiceLine[], accountId: string, responsibility: PaymentResponsibility): InvoiceLine {
  const owed = new Map<string, number>();
  charges.forEach((charge, i) => {
    if (shares[i] === 0) return;
    const [split] = withPayers([{ ...charge, amount: shares[i] }], accountId, responsibility);
    const payers: LinePayer[] = split.payers ?? [{ accountId, amount: shares[i] }];
    for (const payer of payers) owed.set(payer.accountId, (owed.get(payer.accountId) ?? 0) + payer.amount);
  });
  if ([...owed.keys()].every((id) => id === accountId)) return line;
  const payers = [...owed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, amount]) => ({ accountId: id, amount }));
  return { ...line, payers };
}

/** Tax on the charge lines only (with their discount shares): a tax or discount line given in is never taxed. */
function taxOf(lines: readonly InvoiceLine[], discountShares: readonly number[], categories: Readonly<Record<string, string>>, facts: TaxFacts): TaxResult {
  const charges = lines.flatMap((line, i) => (isCharge(line) ? [i] : []));
  const result = computeTax(charges.map((i) => ({ amount: lines[i].amount + discountShares[i], taxCategory: categories[lines[i].serviceId] ?? null })), facts);
  const spread = (values: readonly number[]) => {
    const full = lines.map(() => 0);
    charges.forEach((index, k) => (full[index] = values[k]));
    return full;
  };
  return { lines: result.lines.map((t) => ({ ...t, shares: spread(t.shares) })), carved: spread(result.carved) };
}

function isCharge(line: InvoiceLine): boolean {
  return line.type !== 'tax' && line.type !== 'discount';
}

function periodOf(lines: readonly InvoiceLine[]): Pick<InvoiceLine, 'periodStart' | 'periodEnd'> {
  const starts = lines.map((l) => l.periodStart).sort();
  const ends = lines.map((l) => l.periodEnd).sort();
  return { periodStart: starts[0], periodEnd: ends[ends.length - 1] };
}
