import { AccountForDocument, DocumentModel, formatAmount, formatPrice, formatQuantity, recipientLines } from '../../shared-kernel/documents';

export type { AccountForDocument };

/** The invoice as GET /v1/invoices/{id} answers it (JSON), as much of it as the document shows. */
export interface InvoiceForDocument {
  id: string;
  /** Absent for a receivable posted to the ledger alone (an order, an installment, a fee). */
  number?: number;
  kind?: string;
  accountId: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  /** Present on invoices with discount or tax lines (DOMAIN.md §13): total = subtotal + tax. */
  subtotal?: number;
  tax?: number;
  total: number;
  balance: number;
  status: string;
  lines: readonly { description: string; periodStart: string; periodEnd: string; quantity: string; unitPrice: string | null; amount: number }[];
}

/** An invoice as a document: the tenant's name, the account's name and address, dates, every line, total and balance. */
export function invoiceDocument(invoice: InvoiceForDocument, account: AccountForDocument | null, tenantName: string): DocumentModel {
  const language = account?.language ?? null;
  const money = (amount: number) => formatAmount(amount, invoice.currency, language);
  const title = invoice.number !== undefined ? `Invoice ${invoice.number}` : `Invoice ${invoice.id}`;
  const facts: [string, string][] = [
    ...(invoice.number !== undefined ? [['Invoice number', String(invoice.number)] as [string, string]] : []),
    ['Invoice id', invoice.id],
    ...(invoice.kind ? [['Kind', invoice.kind] as [string, string]] : []),
    ['Account', invoice.accountId],
    ['Invoice date', invoice.invoiceDate],
    ['Due date', invoice.dueDate],
    ['Currency', invoice.currency],
  ];
  return {
    title,
    issuer: [tenantName],
    recipient: recipientLines(invoice.accountId, account),
    facts,
    tables: [
      {
        level: 0,
        columns: [
          { label: 'Description', align: 'left', width: 34 },
          { label: 'Period', align: 'left', width: 24 },
          { label: 'Quantity', align: 'right', width: 10 },
          { label: 'Unit price', align: 'right', width: 15 },
          { label: 'Amount', align: 'right', width: 17 },
        ],
        rows: invoice.lines.map((line) => [
          line.description,
          `${line.periodStart} – ${line.periodEnd}`,
          formatQuantity(line.quantity, language),
          line.unitPrice === null ? '' : formatPrice(line.unitPrice, invoice.currency, language),
          money(line.amount),
        ]),
      },
    ],
    totals: [
      // Subtotal and tax only when the invoice has tax, so documents of untaxed invoices stay as they were.
      ...(invoice.tax ? ([['Subtotal', money(invoice.subtotal ?? invoice.total - invoice.tax)], ['Tax', money(invoice.tax)]] as [string, string][]) : []),
      ['Total', money(invoice.total)],
      ['Paid and credited', money(invoice.total - invoice.balance)],
      ['Balance due', money(invoice.balance)],
      ['Status', invoice.status],
    ],
    notes: invoice.lines.length === 0 && invoice.kind ? [`A charge posted to the account's ledger (${invoice.kind}): it has no lines.`] : [],
  };
}
