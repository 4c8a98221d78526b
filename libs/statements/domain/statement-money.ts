import { CalendarDate, isAfter } from '../../shared-kernel/calendar-date';
import { assertNever } from '../../shared-kernel/decider';
import { Application, ReceivablesEvent } from '../../payments/domain';
import { addOpenCharge, closing, Statement } from './statement';

/**
 * The money on statements (DOMAIN.md §8), from the payments context's receivables events: they carry every amount
 * they move and which invoices they settle, so nothing here decides who pays what.
 * - `payments`: money received (PaymentRecorded), less refunds and reversals (PaymentRefunded, PaymentReversed),
 *   on the account's latest statement when they happen (a statement is open until a later one exists, as for late
 *   invoices); before the account's first statement they only move the balance it opens with.
 * - `credits`: credit memos and write-offs (CreditMemoIssued, InvoiceWrittenOff) likewise, added to the credit lines
 *   of its invoices. Applying credit already held (CreditApplied) moves no money: it only settles charges.
 * - Settlements: each application names an invoice; the charge settled (or reopened) is the statement's that
 *   carries the account's share of that invoice, whichever statement is the latest by then.
 * - `posted`: what the ledger holds with no invoice event (ReceivablePosted of any kind but `charge`: a late fee, a
 *   one-time order, an installment when it is invoiced, a cancelled schedule's remainder) is a charge of the account's
 *   latest statement, owed from its due date; a `charge` is not counted here: statements take it from its invoice event.
 */

/** DOMAIN.md §8 and seed 002; `installment_due_paid`: everything due is paid, only installments not yet due are owed. */
export type StatementStatus = 'paid' | 'unpaid' | 'late' | 'late_ok' | 'installment_due_paid';

/** An application with a sign: > 0 settles that much of the invoice's share, < 0 reopens it. */
export interface Settlement {
  invoiceId: string;
  amount: number;
}

/** What one receivables event does to the account's statements and balance. */
export interface MoneyMovement {
  /** The payer account whose ledger it is. */
  accountId: string;
  /** The ledger's currency when the event names it (a payment before any invoice opens the balance). */
  currency: string | null;
  businessDate: CalendarDate;
  /** Money received (negative: returned by a refund or reversal). */
  payments: number;
  /** Credit memos and write-offs, positive. */
  credits: number;
  settlements: Settlement[];
  /** A charge posted to the ledger alone (a late fee, an order, an installment, a remainder). */
  posted?: { invoiceId: string; dueDate: CalendarDate; amount: number; installment: boolean };
}

/** The movement of a receivables event; null for those that move nothing on a statement. */
export function moneyOf(event: ReceivablesEvent): MoneyMovement | null {
  const base = { accountId: event.data.accountId, businessDate: event.data.businessDate };
  switch (event.type) {
    case 'ReceivablePosted': {
      if (event.data.kind === 'charge') return null; // counted from the invoice itself
      const { invoiceId, dueDate, amount, currency, kind } = event.data;
      return { ...base, currency, payments: 0, credits: 0, settlements: [], posted: { invoiceId, dueDate, amount, installment: kind === 'installment' } };
    }
    case 'PaymentFailed': // no money moved
      return null;
    case 'PaymentRecorded':
      return { ...base, currency: event.data.currency, payments: event.data.amount, credits: 0, settlements: settled(event.data.applications, 1) };
    case 'CreditApplied':
      return { ...base, currency: null, payments: 0, credits: 0, settlements: settled(event.data.applications, 1) };
    case 'CreditMemoIssued':
      return { ...base, currency: event.data.currency, payments: 0, credits: event.data.amount, settlements: settled(event.data.applications, 1) };
    case 'InvoiceWrittenOff':
      return { ...base, currency: null, payments: 0, credits: event.data.amount, settlements: [{ invoiceId: event.data.invoiceId, amount: event.data.amount }] };
    case 'PaymentRefunded':
    case 'PaymentReversed':
      return { ...base, currency: null, payments: -event.data.amount, credits: 0, settlements: settled(event.data.unapplications, -1) };
    default:
      return assertNever(event);
  }
}

/** The statement with a charge posted to the ledger alone among its charges, owed from its due date. */
export function addPostedCharge(statement: Statement, posted: { dueDate: CalendarDate; amount: number; installment?: boolean }): Statement {
  const charges = statement.charges + posted.amount;
  const closingBalance = closing(statement.openingBalance, charges, statement.payments, statement.credits);
  const openCharges = addOpenCharge(statement.openCharges, { dueDate: posted.dueDate, amount: posted.amount });
  const installments = posted.installment ? { openInstallments: (statement.openInstallments ?? 0) + posted.amount } : {};
  return { ...statement, charges, closingBalance, amountDue: Math.max(closingBalance, 0), dueDate: openCharges[0]?.dueDate ?? null, openCharges, ...installments };
}

/** An installment's charge settled (amount > 0) or reopened (< 0): what of the open charges is installments follows. */
export function settleInstallment(statement: Statement, amount: number): Statement {
  return { ...statement, openInstallments: Math.max((statement.openInstallments ?? 0) - amount, 0) };
}

/** The statement with money received and credits added; its opening balance never moves. */
export function addMoney(statement: Statement, payments: number, credits: number): Statement {
  const totalPayments = statement.payments + payments;
  const totalCredits = statement.credits + credits;
  const closingBalance = closing(statement.openingBalance, statement.charges, totalPayments, totalCredits);
  return { ...statement, payments: totalPayments, credits: totalCredits, closingBalance, amountDue: Math.max(closingBalance, 0) };
}

/**
 * One of the statement's charges due on `dueDate` settled by `amount` (< 0: reopened) on `businessDate`. The
 * payments context never settles more than is owed; what it does not know of (a document built before) is not taken below 0.
 */
export function settleCharge(statement: Statement, dueDate: CalendarDate, amount: number, businessDate: CalendarDate): Statement {
  if (amount === 0) return statement;
  if (amount < 0) {
    const openCharges = addOpenCharge(statement.openCharges, { dueDate, amount: -amount });
    return { ...statement, openCharges, dueDate: openCharges[0].dueDate };
  }
  const openCharges = statement.openCharges
    .map((charge) => (charge.dueDate === dueDate ? { dueDate, amount: charge.amount - Math.min(amount, charge.amount) } : charge))
    .filter((charge) => charge.amount > 0);
  return { ...statement, openCharges, dueDate: openCharges[0]?.dueDate ?? null, settledLate: statement.settledLate || isAfter(businessDate, dueDate) };
}

/**
 * DOMAIN.md §8, on the tenant's business date, over the statement's own charges: `paid` when none is owed (or it
 * had none); `installment_due_paid` when what is owed is only installments not yet due (seed 002); `late_ok` when none is owed but one was settled after its due date (seed 002: a statement whose due
 * was not paid on time is `late`, and once settled it stays marked, `late_ok`); `late` when one is owed past its due
 * date; else `unpaid`. Carried balances are the earlier statements' to show.
 */
export function statementStatus(statement: Pick<Statement, 'openCharges' | 'settledLate' | 'openInstallments'>, businessDate: CalendarDate): StatementStatus {
  const oldest = statement.openCharges[0];
  if (oldest === undefined) return statement.settledLate ? 'late_ok' : 'paid';
  if (isAfter(businessDate, oldest.dueDate)) return 'late';
  // Seed 002: everything due is paid and what is owed is only installments not yet due (an installment's own due date decides).
  const onlyFutureInstallments = isAfter(oldest.dueDate, businessDate) && (statement.openInstallments ?? 0) >= outstanding(statement);
  return onlyFutureInstallments ? (statement.settledLate ? 'late_ok' : 'installment_due_paid') : 'unpaid';
}

/** An account's status now (GET balance): `paid` when nothing is due, `late` when owed past `dueDate`, else `unpaid`. */
export function accountStatus(amountDue: number, dueDate: CalendarDate | null, businessDate: CalendarDate): Exclude<StatementStatus, 'late_ok'> {
  if (amountDue <= 0) return 'paid';
  return dueDate !== null && isAfter(businessDate, dueDate) ? 'late' : 'unpaid';
}

/** What a statement owes now of its own charges. */
export function outstanding(statement: Pick<Statement, 'openCharges'>): number {
  return statement.openCharges.reduce((sum, charge) => sum + charge.amount, 0);
}

function settled(applications: readonly Application[], sign: 1 | -1): Settlement[] {
  return applications.map(({ invoiceId, amount }) => ({ invoiceId, amount: sign * amount }));
}
