import { CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever } from '../../shared-kernel/decider';
import { Application, ApplicableItem, ApplicationMethod } from './application';
import {
  CreditMemoIssued,
  CreditSourceType,
  InvoiceWrittenOff,
  PaymentFailed,
  PaymentRefunded,
  PaymentReversed,
  ReceivablesEvent,
} from './receivables.events';

/**
 * The state of one payer account's receivables ledger and `evolve`, which folds a fact into it. evolve applies
 * the amounts the events carry; it decides nothing. Collections are Maps (an id such as "constructor" is valid).
 */

/** The account's share of one invoice. */
export interface OpenItem extends ApplicableItem {
  invoiceNumber: string | null;
  /** As posted: > 0 is owed; ≤ 0 was a credit-only invoice (its -amount went to credit; nothing is owed). */
  amount: number;
  /** Settled by payments, directly or through their unapplied credit. */
  paid: number;
  /** Settled by credit memos and by credit from credit memos or credit-only invoices. */
  credited: number;
  writtenOff: number;
  postedOn: CalendarDate;
}

export interface PaymentEntry {
  paymentId: string;
  amount: number;
  currency: string;
  source: 'external' | 'paymentMethod';
  reference: string | null;
  paymentMethodId: string | null;
  invoiceId: string | null;
  applicationMethod: ApplicationMethod;
  businessDate: CalendarDate;
  /** What this payment settles now, in the order applied (directly, then through its credit); un-applied newest first. */
  applications: Application[];
  refunded: number;
  reversed: number;
}

/** Unapplied credit of one source; used oldest first. Lots with nothing left are dropped. */
export interface CreditLot {
  sourceType: CreditSourceType;
  sourceId: string;
  remaining: number;
}

export interface ReceivablesState {
  accountId: string | null;
  /** Set by the first posting (receivable, payment or credit memo); every amount is in it. */
  currency: string | null;
  /** By invoiceId, in posting order. */
  items: ReadonlyMap<string, OpenItem>;
  payments: ReadonlyMap<string, PaymentEntry>;
  failures: ReadonlyMap<string, PaymentFailed['data']>;
  creditMemos: ReadonlyMap<string, CreditMemoIssued['data']>;
  writeOffs: ReadonlyMap<string, InvoiceWrittenOff['data']>;
  refunds: ReadonlyMap<string, PaymentRefunded['data']>;
  reversals: ReadonlyMap<string, PaymentReversed['data']>;
  creditLots: readonly CreditLot[];
  /** Unapplied credit: the sum of the lots. */
  credit: number;
}

export const initialReceivablesState: ReceivablesState = {
  accountId: null,
  currency: null,
  items: new Map(),
  payments: new Map(),
  failures: new Map(),
  creditMemos: new Map(),
  writeOffs: new Map(),
  refunds: new Map(),
  reversals: new Map(),
  creditLots: [],
  credit: 0,
};

/** What is still owed on an item (0 for a credit-only invoice). */
export function itemBalance(item: Pick<OpenItem, 'amount' | 'paid' | 'credited' | 'writtenOff'>): number {
  return item.amount > 0 ? item.amount - item.paid - item.credited - item.writtenOff : 0;
}

/** What is left of a payment's unapplied credit. */
export function paymentCredit(state: ReceivablesState, paymentId: string): number {
  return state.creditLots.find((lot) => lot.sourceType === 'payment' && lot.sourceId === paymentId)?.remaining ?? 0;
}

export function evolveReceivables(state: ReceivablesState, event: ReceivablesEvent): ReceivablesState {
  const base = { ...state, accountId: state.accountId ?? event.data.accountId };
  switch (event.type) {
    case 'ReceivablePosted': {
      const data = event.data;
      const item: OpenItem = {
        invoiceId: data.invoiceId,
        invoiceNumber: data.invoiceNumber,
        invoiceDate: data.invoiceDate,
        dueDate: data.dueDate,
        kind: data.kind,
        postingOrder: state.items.size,
        amount: data.amount,
        paid: 0,
        credited: 0,
        writtenOff: 0,
        balance: Math.max(data.amount, 0),
        postedOn: data.businessDate,
      };
      const next = { ...base, currency: state.currency ?? data.currency, items: withEntry(state.items, data.invoiceId, item) };
      return data.amount < 0 ? addLot(next, { sourceType: 'invoice', sourceId: data.invoiceId, remaining: -data.amount }) : next;
    }
    case 'PaymentRecorded': {
      const { accountId: _, unapplied, ...data } = event.data;
      const payment: PaymentEntry = { ...data, applications: data.applications.map((a) => ({ ...a })), refunded: 0, reversed: 0 };
      const next = {
        ...base,
        currency: state.currency ?? data.currency,
        items: settle(state.items, data.applications, 'paid', 1),
        payments: withEntry(state.payments, data.paymentId, payment),
      };
      return addLot(next, { sourceType: 'payment', sourceId: data.paymentId, remaining: unapplied });
    }
    case 'PaymentFailed':
      return { ...base, failures: withEntry(state.failures, event.data.paymentId, event.data) };
    case 'CreditApplied': {
      let next: ReceivablesState = base;
      for (const application of event.data.applications) {
        const kind = application.sourceType === 'payment' ? 'paid' : 'credited';
        next = { ...next, items: settle(next.items, [application], kind, 1) };
        next = takeFromLot(next, application.sourceType, application.sourceId, application.amount);
        if (application.sourceType === 'payment') {
          next = updatePayment(next, application.sourceId, (payment) => ({
            ...payment,
            applications: [...payment.applications, { invoiceId: application.invoiceId, amount: application.amount }],
          }));
        }
      }
      return next;
    }
    case 'CreditMemoIssued': {
      const data = event.data;
      const next = {
        ...base,
        currency: state.currency ?? data.currency,
        items: settle(state.items, data.applications, 'credited', 1),
        creditMemos: withEntry(state.creditMemos, data.creditMemoId, data),
      };
      return addLot(next, { sourceType: 'creditMemo', sourceId: data.creditMemoId, remaining: data.unapplied });
    }
    case 'InvoiceWrittenOff':
      return {
        ...base,
        items: settle(state.items, [{ invoiceId: event.data.invoiceId, amount: event.data.amount }], 'writtenOff', 1),
        writeOffs: withEntry(state.writeOffs, event.data.writeOffId, event.data),
      };
    case 'PaymentRefunded': {
      const next = takeBack(base, event.data);
      const refunded = updatePayment(next, event.data.paymentId, (p) => ({ ...p, refunded: p.refunded + event.data.amount }));
      return { ...refunded, refunds: withEntry(state.refunds, event.data.refundId, event.data) };
    }
    case 'PaymentReversed': {
      const next = takeBack(base, event.data);
      const reversed = updatePayment(next, event.data.paymentId, (p) => ({ ...p, reversed: p.reversed + event.data.amount }));
      return { ...reversed, reversals: withEntry(state.reversals, event.data.reversalId, event.data) };
    }
    default:
      return assertNever(event);
  }
}

/** A refund or reversal: the payment's credit shrinks by fromCredit, and each un-application reopens its invoice. */
function takeBack(state: ReceivablesState, data: { paymentId: string; fromCredit: number; unapplications: Application[] }): ReceivablesState {
  const next = takeFromLot(state, 'payment', data.paymentId, data.fromCredit);
  const withItems = { ...next, items: settle(next.items, data.unapplications, 'paid', -1) };
  return updatePayment(withItems, data.paymentId, (payment) => ({
    ...payment,
    applications: unapply(payment.applications, data.unapplications),
  }));
}

/** Removes the un-applications from a payment's applications, newest first, as decide chose them. */
export function unapply(applications: readonly Application[], unapplications: readonly Application[]): Application[] {
  const remaining = applications.map((a) => ({ ...a }));
  for (const { invoiceId, amount } of unapplications) {
    let left = amount;
    for (let i = remaining.length - 1; i >= 0 && left > 0; i--) {
      if (remaining[i].invoiceId !== invoiceId) continue;
      const taken = Math.min(left, remaining[i].amount);
      remaining[i].amount -= taken;
      left -= taken;
    }
    if (left > 0) throw new Error(`un-application of ${amount} on invoice ${invoiceId} exceeds what the payment applied to it`);
  }
  return remaining.filter((a) => a.amount > 0);
}

function settle(
  items: ReadonlyMap<string, OpenItem>,
  applications: readonly Application[],
  part: 'paid' | 'credited' | 'writtenOff',
  sign: 1 | -1,
): ReadonlyMap<string, OpenItem> {
  if (applications.length === 0) return items;
  const next = new Map(items);
  for (const { invoiceId, amount } of applications) {
    const item = next.get(invoiceId);
    if (item === undefined) throw new Error(`application to unknown invoice ${invoiceId}`);
    const changed = { ...item, [part]: item[part] + sign * amount };
    next.set(invoiceId, { ...changed, balance: itemBalance(changed) });
  }
  return next;
}

function addLot(state: ReceivablesState, lot: CreditLot): ReceivablesState {
  if (lot.remaining <= 0) return state;
  return { ...state, creditLots: [...state.creditLots, lot], credit: state.credit + lot.remaining };
}

function takeFromLot(state: ReceivablesState, sourceType: CreditSourceType, sourceId: string, amount: number): ReceivablesState {
  if (amount === 0) return state;
  const index = state.creditLots.findIndex((lot) => lot.sourceType === sourceType && lot.sourceId === sourceId);
  if (index < 0 || state.creditLots[index].remaining < amount) throw new Error(`credit of ${sourceType} ${sourceId} is less than ${amount}`);
  const remaining = state.creditLots[index].remaining - amount;
  const creditLots = remaining === 0
    ? state.creditLots.filter((_, i) => i !== index)
    : state.creditLots.map((lot, i) => (i === index ? { ...lot, remaining } : lot));
  return { ...state, creditLots, credit: state.credit - amount };
}

function updatePayment(state: ReceivablesState, paymentId: string, change: (payment: PaymentEntry) => PaymentEntry): ReceivablesState {
  const payment = state.payments.get(paymentId);
  if (payment === undefined) throw new Error(`unknown payment ${paymentId}`);
  return { ...state, payments: withEntry(state.payments, paymentId, change(payment)) };
}

function withEntry<V>(map: ReadonlyMap<string, V>, key: string, value: V): ReadonlyMap<string, V> {
  return new Map(map).set(key, value);
}
