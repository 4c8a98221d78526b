import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainEvent } from '../../shared-kernel/decider';
import { Application, ApplicationMethod, ReceivableKind } from './application';
import { CreditMemoTaxLine } from './credit-memo-tax';

/**
 * Facts of one payer account's receivables ledger (stream `receivables-<tenant>.<accountId>`). Each event says
 * every amount it moves (applications, un-applications, credit taken), so a projection builds invoice balances,
 * payments and the ledger from the events alone, without the rules. Amounts are minor units of the ledger's
 * currency; `businessDate` is the tenant's business date the fact applies to.
 */

/** Where account credit came from: a payment's unapplied part, an account credit memo's rest, a credit-only invoice. */
export type CreditSourceType = 'payment' | 'creditMemo' | 'invoice';

/** Credit of one source applied to one invoice. */
export interface CreditApplication extends Application {
  sourceType: CreditSourceType;
  sourceId: string;
}

/**
 * The account's share of an invoice is owed. amount > 0 opens an item; amount ≤ 0 (a credit-only invoice) adds
 * -amount to the account's credit (source `invoice`) and leaves nothing owed.
 */
export type ReceivablePosted = DomainEvent<
  'ReceivablePosted',
  {
    accountId: string;
    invoiceId: string;
    invoiceNumber: string | null;
    invoiceDate: CalendarDate;
    dueDate: CalendarDate;
    currency: string;
    amount: number;
    kind: ReceivableKind;
    businessDate: CalendarDate;
  }
>;

/** A succeeded payment: `applications` settle invoices, `unapplied` (amount − applied) becomes credit. */
export type PaymentRecorded = DomainEvent<
  'PaymentRecorded',
  {
    accountId: string;
    paymentId: string;
    amount: number;
    currency: string;
    source: 'external' | 'paymentMethod';
    reference: string | null;
    paymentMethodId: string | null;
    invoiceId: string | null;
    applicationMethod: ApplicationMethod;
    applications: Application[];
    unapplied: number;
    businessDate: CalendarDate;
  }
>;

/** A failed collection attempt; no money moved. */
export type PaymentFailed = DomainEvent<
  'PaymentFailed',
  { accountId: string; paymentId: string; amount: number; currency: string; reason: string; retryable: boolean; businessDate: CalendarDate }
>;

/** Unapplied credit settled open items (oldest credit first); `amount` is the sum of the applications. */
export type CreditApplied = DomainEvent<
  'CreditApplied',
  { accountId: string; amount: number; applicationMethod: ApplicationMethod; applications: CreditApplication[]; businessDate: CalendarDate }
>;

/**
 * A credit memo: on an invoice (`invoiceId`, one application of the whole amount) or on the account
 * (`invoiceId` null: applications by `applicationMethod`, `unapplied` becomes credit, source `creditMemo`).
 * `tax` and `taxLines`: on an invoice whose share carries tax, the part of `amount` that is tax reversed, per
 * rate (`amount` − `tax` is the net); absent (memos on the account, on invoices without tax, and memos recorded
 * before tax was split out): no tax.
 */
export type CreditMemoIssued = DomainEvent<
  'CreditMemoIssued',
  {
    accountId: string;
    creditMemoId: string;
    amount: number;
    currency: string;
    invoiceId: string | null;
    applicationMethod: ApplicationMethod | null;
    applications: Application[];
    unapplied: number;
    tax?: number;
    taxLines?: CreditMemoTaxLine[];
    reason: string;
    actor: string;
    businessDate: CalendarDate;
  }
>;

/** Part or all of an invoice's balance was written off (not a payment). */
export type InvoiceWrittenOff = DomainEvent<
  'InvoiceWrittenOff',
  { accountId: string; writeOffId: string; invoiceId: string; amount: number; reason: string; actor: string; businessDate: CalendarDate }
>;

/**
 * Money returned for a payment: `fromCredit` out of the payment's unapplied credit, the rest (`unapplications`,
 * newest application first) reopens the invoices it had paid. amount = fromCredit + Σ unapplications.
 */
export type PaymentRefunded = DomainEvent<
  'PaymentRefunded',
  {
    accountId: string;
    refundId: string;
    paymentId: string;
    amount: number;
    fromCredit: number;
    unapplications: Application[];
    reason: string;
    actor: string;
    businessDate: CalendarDate;
  }
>;

/** A returned payment: whatever was left of it is taken back, from its credit and by reopening what it paid. */
export type PaymentReversed = DomainEvent<
  'PaymentReversed',
  {
    accountId: string;
    reversalId: string;
    paymentId: string;
    amount: number;
    fromCredit: number;
    unapplications: Application[];
    reason: string;
    actor: string;
    businessDate: CalendarDate;
  }
>;

export type ReceivablesEvent =
  | ReceivablePosted
  | PaymentRecorded
  | PaymentFailed
  | CreditApplied
  | CreditMemoIssued
  | InvoiceWrittenOff
  | PaymentRefunded
  | PaymentReversed;

export const RECEIVABLES_EVENT_TYPES: readonly ReceivablesEvent['type'][] = [
  'ReceivablePosted',
  'PaymentRecorded',
  'PaymentFailed',
  'CreditApplied',
  'CreditMemoIssued',
  'InvoiceWrittenOff',
  'PaymentRefunded',
  'PaymentReversed',
];
