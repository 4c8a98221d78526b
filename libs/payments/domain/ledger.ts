import { CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever } from '../../shared-kernel/decider';
import { ReceivablesEvent } from './receivables.events';

/**
 * The account's transactions from its receivables events alone: charges positive, money received negative,
 * money returned (refunds, reversals) positive; `balanceAfter` runs over them, so the amounts sum to the
 * account's balance (open balances minus credit). Oldest first (the API shows newest first: reverse it).
 * Applying credit and failed payments move no balance and make no entry. `date` is the event's business date.
 */
export type LedgerEntryType = 'invoice' | 'payment' | 'refund' | 'creditMemo' | 'writeOff' | 'reversal' | 'fee';

export interface LedgerEntry {
  /** The id of what the entry records: invoiceId, paymentId, refundId, creditMemoId, writeOffId, reversalId. */
  id: string;
  type: LedgerEntryType;
  date: CalendarDate;
  amount: number;
  balanceAfter: number;
  /** invoice: its number (else its id); payment: its reference; refund, reversal: the paymentId; creditMemo, writeOff: the invoiceId. */
  reference: string | null;
  /** A credit memo that reversed tax: the part of `amount` that is tax, signed as it is (decision 0024); absent otherwise. */
  tax?: number;
}

export function ledger(events: readonly ReceivablesEvent[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  let balance = 0;
  for (const event of events) {
    const entry = entryOf(event);
    if (entry === null) continue;
    balance += entry.amount;
    entries.push({ ...entry, balanceAfter: balance });
  }
  return entries;
}

function entryOf(event: ReceivablesEvent): Omit<LedgerEntry, 'balanceAfter'> | null {
  switch (event.type) {
    case 'ReceivablePosted': {
      const { invoiceId, invoiceNumber, amount, kind, businessDate } = event.data;
      return { id: invoiceId, type: kind === 'fee' ? 'fee' : 'invoice', date: businessDate, amount, reference: invoiceNumber ?? invoiceId };
    }
    case 'PaymentRecorded': {
      const { paymentId, amount, reference, businessDate } = event.data;
      return { id: paymentId, type: 'payment', date: businessDate, amount: -amount, reference };
    }
    case 'CreditMemoIssued': {
      const { creditMemoId, amount, invoiceId, businessDate, tax } = event.data;
      return { id: creditMemoId, type: 'creditMemo', date: businessDate, amount: -amount, reference: invoiceId, ...(tax ? { tax: -tax } : {}) };
    }
    case 'InvoiceWrittenOff': {
      const { writeOffId, amount, invoiceId, businessDate } = event.data;
      return { id: writeOffId, type: 'writeOff', date: businessDate, amount: -amount, reference: invoiceId };
    }
    case 'PaymentRefunded': {
      const { refundId, amount, paymentId, businessDate } = event.data;
      return { id: refundId, type: 'refund', date: businessDate, amount, reference: paymentId };
    }
    case 'PaymentReversed': {
      const { reversalId, amount, paymentId, businessDate } = event.data;
      return { id: reversalId, type: 'reversal', date: businessDate, amount, reference: paymentId };
    }
    case 'PaymentFailed':
    case 'CreditApplied':
      return null;
    default:
      return assertNever(event);
  }
}
