import { CouponTerms } from '../../catalog/domain';
import { adjustInvoice, InvoiceLine, TaxFacts } from '../../plan-instances/domain';
import { CalendarDate } from '../../shared-kernel/calendar-date';

/**
 * Coupons and tax on an order's invoice (DOMAIN.md §13, decision 0021), through the plan-instance invoices' seam
 * (`adjustInvoice`): the order's lines are its charge lines, then a discount line, then one tax line per rate.
 */

/** What the handler looked up for the order's invoice: the coupon in force for the account, the rates of its place. */
export interface OrderAdjustmentFacts {
  /** The account's coupon, else its nearest ancestor's (only a whole-invoice `forever` one discounts an order). */
  coupon?: CouponTerms;
  /** The rates of the account's place (or `exempt`); absent: no rate applies there. */
  tax?: TaxFacts;
}

/** An order line as the seam needs it: its item's tax category (absent or null: none, so the rates naming none apply). */
export interface OrderChargeLine {
  itemId: string;
  name: string;
  quantity: number;
  unitPrice: string;
  amount: number;
  taxCategory?: string | null;
}

export interface AdjustedOrder {
  /** Each line's amount after any inclusive tax carved out of it (`taxIncluded`: that part), in the order given. */
  lines: Array<{ amount: number; taxIncluded?: number }>;
  /** The discount line (if any), then one tax line per rate, as on a plan-instance invoice. */
  adjustments: InvoiceLine[];
  subtotal: number;
  tax: number;
  total: number;
}

/**
 * Whether a coupon in force discounts an order (decision 0021): only one on the whole invoice (naming no plan and
 * no service: an order bills neither), and only `forever`: `once` and `repeating` count the billing periods of a
 * plan instance or a pool, which a one-time order does not bill, so an order neither uses them up nor gets them.
 */
export function discountsOrders(coupon: Pick<CouponTerms, 'planIds' | 'serviceIds' | 'duration'>): boolean {
  return coupon.planIds.length === 0 && coupon.serviceIds.length === 0 && coupon.duration === 'forever';
}

/**
 * The order's invoice with its discount and tax, or null when neither applies (no coupon that discounts orders,
 * no rate): the order is then as it always was (no subtotal, no tax). Tax is on the discounted amounts, one line per
 * rate rounded once, inclusive rates carved out of the lines (DOMAIN.md §13).
 */
export function adjustOrder(input: { lines: readonly OrderChargeLine[]; currency: string; orderDate: CalendarDate; planInstanceId: string | null } & OrderAdjustmentFacts): AdjustedOrder | null {
  const coupon = input.coupon && discountsOrders(input.coupon) ? input.coupon : undefined;
  if (!coupon && !input.tax) return null;
  const planInstanceId = input.planInstanceId ?? '';
  const taxCategories: Record<string, string> = {};
  for (const line of input.lines) if (line.taxCategory) taxCategories[line.itemId] = line.taxCategory;
  const adjusted = adjustInvoice({
    // The seam takes invoice lines: an item is a charge (its type only says it is neither a discount nor a tax).
    lines: input.lines.map(
      (line): InvoiceLine => ({
        type: 'recurring',
        planInstanceId,
        serviceId: line.itemId,
        description: line.name,
        periodStart: input.orderDate,
        periodEnd: input.orderDate,
        quantity: String(line.quantity),
        unitPrice: line.unitPrice,
        amount: line.amount,
        prorated: false,
      }),
    ),
    accountId: '',
    planId: '',
    planInstanceId,
    currency: input.currency,
    taxCategories,
    // A forever coupon always covers: an order is never a new period and never counts.
    ...(coupon ? { coupon, couponUsage: { couponId: coupon.couponId, periods: 0, covering: true } } : {}),
    newPeriod: false,
    ...(input.tax ? { tax: input.tax } : {}),
  });
  const charges = adjusted.lines.slice(0, input.lines.length);
  return {
    lines: charges.map((line) => (line.taxIncluded !== undefined ? { amount: line.amount, taxIncluded: line.taxIncluded } : { amount: line.amount })),
    adjustments: adjusted.lines.slice(input.lines.length),
    subtotal: adjusted.subtotal,
    tax: adjusted.tax,
    total: adjusted.total,
  };
}
