import { DomainCommand } from '../../shared-kernel/decider';
import { ApplicationMethod, ReceivableKind } from './application';
import { TaxShare } from './credit-memo-tax';

/**
 * Commands to one payer account's receivables ledger. Fields are typed as the application sends them; the
 * decider validates every one. Amounts are integers in minor units; dates are `YYYY-MM-DD` business dates.
 * Ids are supplied by the caller: a repeat with the same id and the same content decides no events, the same
 * id with other content is a ConflictError.
 */

/** The account's share of a posted invoice (`owedBy` of plan-instances). amount ≤ 0 (a credit-only invoice) becomes credit. */
export type PostReceivable = DomainCommand<
  'PostReceivable',
  {
    accountId: string;
    invoiceId: string;
    invoiceNumber?: string | null;
    invoiceDate: string;
    dueDate: string;
    currency: string;
    amount: number;
    kind: ReceivableKind;
    /** How unapplied credit is applied to the open items after the posting; absent: fifo. */
    applicationMethod?: ApplicationMethod | null;
    businessDate: string;
  }
>;

/** A succeeded payment (a gateway charge or money received outside: check, transfer). */
export type RecordPayment = DomainCommand<
  'RecordPayment',
  {
    accountId: string;
    paymentId: string;
    amount: number;
    currency: string;
    source: 'external' | 'paymentMethod';
    reference?: string | null;
    /** Required when source is paymentMethod. */
    paymentMethodId?: string | null;
    /** Paid first, up to its balance; the rest by the application method. */
    invoiceId?: string | null;
    applicationMethod: ApplicationMethod;
    businessDate: string;
  }
>;

/** A failed collection attempt: recorded for dunning and history; no money moves. */
export type RecordPaymentFailure = DomainCommand<
  'RecordPaymentFailure',
  {
    accountId: string;
    paymentId: string;
    amount: number;
    currency: string;
    reason: string;
    retryable: boolean;
    businessDate: string;
  }
>;

/** On an invoice (≤ its balance) or, without invoiceId, on the account (applied by the method, the rest is credit). */
export type IssueCreditMemo = DomainCommand<
  'IssueCreditMemo',
  {
    accountId: string;
    creditMemoId: string;
    amount: number;
    /** Must be the ledger's currency; required only while the ledger has none (nothing posted yet). */
    currency?: string | null;
    reason: string;
    actor: string;
    invoiceId?: string | null;
    /** For a memo on the account: the tenant's default method; absent: fifo. Ignored for a memo on an invoice. */
    applicationMethod?: ApplicationMethod | null;
    /**
     * For a memo on an invoice: the payer's share of each of the invoice's tax lines, read from the invoice before
     * the decider runs; the memo reverses tax in proportion to it. Absent or empty: the invoice has no tax.
     */
    invoiceTax?: TaxShare[] | null;
    businessDate: string;
  }
>;

/** Removes an uncollectible balance; amount absent: the invoice's whole balance. Never beyond the balance. */
export type WriteOffInvoice = DomainCommand<
  'WriteOffInvoice',
  { accountId: string; writeOffId: string; invoiceId: string; amount?: number | null; reason: string; actor: string; businessDate: string }
>;

/** Money back to the payer: first out of this payment's unapplied credit, then by un-applying it, newest first. */
export type RefundPayment = DomainCommand<
  'RefundPayment',
  { accountId: string; refundId: string; paymentId: string; amount: number; reason: string; actor: string; businessDate: string }
>;

/** A returned bank debit (chargeback): the whole payment, whatever is left of it, is taken back. */
export type ReversePayment = DomainCommand<
  'ReversePayment',
  { accountId: string; reversalId: string; paymentId: string; reason: string; actor: string; businessDate: string }
>;

/**
 * Apply the account's credit by the method as of the business date: under Statement FIFO, credit waits for an
 * installment until it is due, and nothing else is posted on that day to apply it.
 */
export type ApplyCredit = DomainCommand<'ApplyCredit', { accountId: string; applicationMethod: ApplicationMethod; businessDate: string }>;

export type ReceivablesCommand =
  | PostReceivable
  | ApplyCredit
  | RecordPayment
  | RecordPaymentFailure
  | IssueCreditMemo
  | WriteOffInvoice
  | RefundPayment
  | ReversePayment;
