import { CalendarDate } from '../../shared-kernel/calendar-date';
import { Application } from './application';
import { itemBalance, OpenItem, paymentCredit, ReceivablesState } from './receivables.state';

/** Queries over a receivables ledger's state, in the shapes the API shows. */

export type InvoiceStatus = 'unpaid' | 'partiallyPaid' | 'paid' | 'writtenOff';

export interface InvoiceBalance {
  invoiceId: string;
  invoiceNumber: string | null;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  kind: OpenItem['kind'];
  amount: number;
  paid: number;
  credited: number;
  writtenOff: number;
  /** Still owed. */
  balance: number;
  status: InvoiceStatus;
}

/**
 * unpaid: nothing settled yet; partiallyPaid: some settled, some owed; paid: nothing owed (also a credit-only
 * invoice); writtenOff: nothing owed and part of it was written off.
 */
export function invoiceStatus(item: Pick<OpenItem, 'amount' | 'paid' | 'credited' | 'writtenOff'>): InvoiceStatus {
  const balance = itemBalance(item);
  if (balance === 0) return item.writtenOff > 0 ? 'writtenOff' : 'paid';
  return balance === item.amount ? 'unpaid' : 'partiallyPaid';
}

export function invoiceBalance(state: ReceivablesState, invoiceId: string): InvoiceBalance | null {
  const item = state.items.get(invoiceId);
  return item === undefined ? null : view(item);
}

/** Every invoice share of the account, in posting order. */
export function invoiceBalances(state: ReceivablesState): InvoiceBalance[] {
  return [...state.items.values()].map(view);
}

function view(item: OpenItem): InvoiceBalance {
  const { invoiceId, invoiceNumber, invoiceDate, dueDate, kind, amount, paid, credited, writtenOff } = item;
  return { invoiceId, invoiceNumber, invoiceDate, dueDate, kind, amount, paid, credited, writtenOff, balance: itemBalance(item), status: invoiceStatus(item) };
}

export interface AccountBalance {
  /** null while nothing is posted. */
  currency: string | null;
  /** What the account owes: open balances minus credit (negative when credit exceeds them). */
  balance: number;
  /** Open balances of items whose due date is before the business date. */
  pastDue: number;
  /** Unapplied credit. */
  credit: number;
  /** Sum of the open balances. */
  open: number;
}

export function accountBalance(state: ReceivablesState, businessDate: CalendarDate): AccountBalance {
  let open = 0;
  let pastDue = 0;
  for (const item of state.items.values()) {
    open += item.balance;
    if (item.dueDate < businessDate) pastDue += item.balance;
  }
  return { currency: state.currency, balance: open - state.credit, pastDue, credit: state.credit, open };
}

export interface PaymentView {
  id: string;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
  failureReason: string | null;
  /** What the payment settles now (after un-applications), merged per invoice in the order first applied. */
  applications: Application[];
  /** Of this payment, still account credit. */
  unapplied: number;
  refunded: number;
  reversed: number;
}

export function paymentView(state: ReceivablesState, paymentId: string): PaymentView | null {
  const payment = state.payments.get(paymentId);
  if (payment !== undefined) {
    const merged = new Map<string, number>();
    for (const { invoiceId, amount } of payment.applications) merged.set(invoiceId, (merged.get(invoiceId) ?? 0) + amount);
    return {
      id: paymentId,
      amount: payment.amount,
      currency: payment.currency,
      status: 'succeeded',
      failureReason: null,
      applications: [...merged].map(([invoiceId, amount]) => ({ invoiceId, amount })),
      unapplied: paymentCredit(state, paymentId),
      refunded: payment.refunded,
      reversed: payment.reversed,
    };
  }
  const failure = state.failures.get(paymentId);
  if (failure === undefined) return null;
  return {
    id: paymentId,
    amount: failure.amount,
    currency: failure.currency,
    status: 'failed',
    failureReason: failure.reason,
    applications: [],
    unapplied: 0,
    refunded: 0,
    reversed: 0,
  };
}
