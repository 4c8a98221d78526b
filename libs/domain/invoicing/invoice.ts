import { addDays, CalendarDate } from '../shared/calendar-date';

/** `recurring`: a charge for a service period; `credit`: unused time of an earlier charge refunded (negative). */
export type InvoiceLineType = 'recurring' | 'credit';

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
}

/** The charges of one plan instance at one moment (one bill date or one change): immutable once posted. */
export interface Invoice {
  invoiceId: string;
  accountId: string;
  planInstanceId: string;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  currency: string;
  /** Sum of the rounded lines (minor units); negative when the invoice only refunds. */
  total: number;
  lines: InvoiceLine[];
}

/** Totals are sums of rounded lines (DOMAIN.md §2). */
export function invoiceTotal(lines: readonly InvoiceLine[]): number {
  return lines.reduce((total, line) => total + line.amount, 0);
}

/** Due `paymentTermsDays` after the invoice date; 0 (the default terms) is due on the invoice date. */
export function dueDate(invoiceDate: CalendarDate, paymentTermsDays: number): CalendarDate {
  return addDays(invoiceDate, paymentTermsDays);
}
