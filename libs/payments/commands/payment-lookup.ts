import { ReadStore } from '../../platform/read-store/read-store.port';
import { assertValidId } from '../../shared-kernel/ids';
import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { INVOICES, InvoiceDoc } from '../../plan-instances/read-model';
import { linePayers, owedBy } from '../../plan-instances/domain';
import { TaxShare } from '../domain';
import { PAYMENTS, PaymentDoc, RECEIVABLE_ITEMS, ReceivableItemDoc } from '../read-model';

/** The account a payment belongs to (its receivables ledger decides the rest); 404 for an unknown payment. */
export async function accountOfPayment(store: ReadStore, tenantId: string, paymentId: string): Promise<string> {
  assertValidId(paymentId, 'paymentId');
  const payment = await store.get<PaymentDoc>(PAYMENTS, tenantId, paymentId);
  if (!payment) throw new NotFoundError('Payment', paymentId);
  return payment.accountId;
}

/**
 * Whose share of an invoice a credit memo or write-off acts on (split billing: each payer owes its own share):
 * the one named; else the invoiced account when it owes a share; else the only account that does. Several
 * payers and none named: 422 asking for `accountId`. With the invoice document it read (null for a receivable that
 * has none), so a caller that needs it too (a credit memo's tax shares) does not read it again.
 */
export async function invoicePayer(store: ReadStore, tenantId: string, invoiceId: string, named: unknown): Promise<{ accountId: string; invoice: InvoiceDoc | null }> {
  assertValidId(invoiceId, 'invoiceId');
  const invoice = await store.get<InvoiceDoc>(INVOICES, tenantId, invoiceId);
  if (!invoice) return { accountId: await ledgerItemAccount(store, tenantId, invoiceId, named), invoice: null };
  return { accountId: payerOf(invoice, invoiceId, named), invoice };
}

function payerOf(invoice: InvoiceDoc, invoiceId: string, named: unknown): string {
  const payers = owedBy(invoice).filter((share) => share.amount !== 0).map((share) => share.accountId);
  if (named !== undefined) {
    assertValidId(named, 'accountId');
    if (!payers.includes(named)) {
      throw new RuleViolationError(`Account ${named} owes no share of invoice ${invoiceId}`, [
        { field: 'accountId', rule: 'owesShare', message: `accountId must be one of the accounts that owe a share: ${payers.join(', ') || 'none'}` },
      ]);
    }
    return named;
  }
  if (payers.includes(invoice.accountId) || payers.length === 0) return invoice.accountId;
  if (payers.length === 1) return payers[0];
  throw new RuleViolationError(`Several accounts owe shares of invoice ${invoiceId}: name one`, [
    { field: 'accountId', rule: 'required', message: `accountId is required: one of ${payers.join(', ')}` },
  ]);
}

/**
 * The payer's share of each tax line of an invoice (decision 0024): what a credit memo on it reverses tax in
 * proportion to. None for an invoice without tax lines (posted before tax existed, untaxed, a pool's) and for a
 * receivable with no invoice document (a fee, an order, an installment).
 */
export function invoiceTaxShares(invoice: InvoiceDoc | null, accountId: string): TaxShare[] {
  if (!invoice) return [];
  return invoice.lines.flatMap((line) => {
    if (line.type !== 'tax' || !line.tax) return [];
    const amount = linePayers(line, invoice).reduce((sum, payer) => sum + (payer.accountId === accountId ? payer.amount : 0), 0);
    const { taxRateId, percent, inclusive } = line.tax;
    return [{ taxRateId, percent, inclusive, amount }];
  });
}

/**
 * A receivable with no invoice document (a late fee, a one-time order, an installment, a remainder: posted to one
 * account's ledger alone) belongs to that account; 404 when no ledger holds it.
 */
export async function ledgerItem(store: ReadStore, tenantId: string, invoiceId: string): Promise<ReceivableItemDoc | null> {
  const found = await store.find<ReceivableItemDoc>(RECEIVABLE_ITEMS, tenantId, { filter: { invoiceId }, limit: 1 });
  return found.items[0] ?? null;
}

async function ledgerItemAccount(store: ReadStore, tenantId: string, invoiceId: string, named: unknown): Promise<string> {
  const item = await ledgerItem(store, tenantId, invoiceId);
  if (!item) throw new NotFoundError('Invoice', invoiceId);
  if (named !== undefined && named !== item.accountId) {
    throw new RuleViolationError(`Account ${String(named)} owes no share of invoice ${invoiceId}`, [
      { field: 'accountId', rule: 'owesShare', message: `accountId must be one of the accounts that owe a share: ${item.accountId}` },
    ]);
  }
  return item.accountId;
}
