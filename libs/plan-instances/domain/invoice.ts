import { addDays, CalendarDate } from '../../shared-kernel/calendar-date';

/**
 * `recurring`: a charge for a service period, in advance; `credit`: unused time of an earlier charge refunded
 * (negative); `usage`: what was used in a period that ended, in arrears (DOMAIN.md §6); `discount`: a coupon's
 * amount off the other lines (negative; positive when it gives back its share of a credit); `tax`: one rate's tax
 * on the discounted lines (DOMAIN.md §13).
 */
export type InvoiceLineType = 'recurring' | 'credit' | 'usage' | 'discount' | 'tax';

/** Who owes part of a line (DOMAIN.md §7): the parts of a line add up to its amount exactly. */
export interface LinePayer {
  accountId: string;
  /** Minor units. */
  amount: number;
}

/** One line as the API shows it. Periods are inclusive here (DOMAIN.md §2); the amount is rounded once. */
export interface InvoiceLine {
  type: InvoiceLineType;
  planInstanceId: string;
  serviceId: string;
  description: string;
  periodStart: CalendarDate;
  periodEnd: CalendarDate;
  /** Decimal string ("3"; usage later carries fractions). */
  quantity: string;
  /** Major units per unit for a whole period, after any discount; null when the price is tiered or volume. */
  unitPrice: string | null;
  /** Minor units; negative for credits. */
  amount: number;
  prorated: boolean;
  /**
   * Who owes the line when it is not (only) the invoiced account: set by payment responsibility when the
   * invoice is generated. Absent: the invoiced account owes all of it (see `linePayers`).
   */
  payers?: LinePayer[];
  /** Usage recorded after its period closed, billed on the next invoice (DOMAIN.md §6, tenant setting allowLateUsage). */
  late?: true;
  /** A pooled usage line: the member's share of the pool's cost (DOMAIN.md §6). */
  pool?: { ownerAccountId: string; serviceId: string; poolQuantity: string; poolAmount: number };
  /** A discount line: the coupon it comes from. */
  couponId?: string;
  /** A tax line: its rate, and the amount it taxed (minor units, net of any inclusive tax). */
  tax?: { taxRateId: string; percent: string; inclusive: boolean; taxable: number };
  /** A charge line with a price that included tax: the part of it carved out into the tax lines (minor units). */
  taxIncluded?: number;
}

/**
 * The charges of one account at one moment (one bill date or one change of a plan instance, or one pool's
 * rating): immutable once posted.
 */
export interface Invoice {
  invoiceId: string;
  accountId: string;
  /** The plan instance billed; for a pool's invoice, the pool id (`pool:<owner>:<serviceId>`). */
  planInstanceId: string;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  currency: string;
  /** Sum of the rounded lines (minor units); negative when the invoice only refunds. */
  total: number;
  /** The lines other than tax (minor units); absent on invoices posted before tax existed (then it is `total`). */
  subtotal?: number;
  /** The tax lines (minor units); absent on invoices posted before tax existed (then 0). total = subtotal + tax. */
  tax?: number;
  lines: InvoiceLine[];
  /**
   * The invoiced account's ancestors when the invoice was generated, nearest first: present when another
   * account pays any line, so a payer's statement can nest the section as the tree was (DOMAIN.md §5, §7).
   */
  ancestors?: string[];
}

/** Who owes `line` of `invoice`: its payers, or the invoiced account for all of it. */
export function linePayers(line: InvoiceLine, invoice: Pick<Invoice, 'accountId'>): LinePayer[] {
  return line.payers ?? [{ accountId: invoice.accountId, amount: line.amount }];
}

/** What each account owes of the invoice (minor units), in account-id order; the parts add up to the total. */
export function owedBy(invoice: Pick<Invoice, 'accountId' | 'lines'>): LinePayer[] {
  const owed = new Map<string, number>();
  for (const line of invoice.lines) {
    for (const payer of linePayers(line, invoice)) owed.set(payer.accountId, (owed.get(payer.accountId) ?? 0) + payer.amount);
  }
  return [...owed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([accountId, amount]) => ({ accountId, amount }));
}

/** Totals are sums of rounded lines (DOMAIN.md §2). */
export function invoiceTotal(lines: readonly InvoiceLine[]): number {
  return lines.reduce((total, line) => total + line.amount, 0);
}

/** The invoice's subtotal and tax, for invoices posted before they were recorded too. */
export function invoiceAmounts(invoice: Pick<Invoice, 'total' | 'subtotal' | 'tax'>): { subtotal: number; tax: number; total: number } {
  return { subtotal: invoice.subtotal ?? invoice.total, tax: invoice.tax ?? 0, total: invoice.total };
}

/** Due `paymentTermsDays` after the invoice date; 0 (the default terms) is due on the invoice date. */
export function dueDate(invoiceDate: CalendarDate, paymentTermsDays: number): CalendarDate {
  return addDays(invoiceDate, paymentTermsDays);
}
