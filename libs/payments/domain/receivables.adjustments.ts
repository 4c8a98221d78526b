import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { optional, validateAll } from '../../shared-kernel/validation';
import { Application, applyAmount } from './application';
import { CreditMemoTax, creditMemoTax, CreditMemoTaxLine, TaxShare } from './credit-memo-tax';
import { IssueCreditMemo, RefundPayment, ReversePayment, WriteOffInvoice } from './receivables.commands';
import { ReceivablesEvent } from './receivables.events';
import {
  actor,
  assertAccount,
  assertLedgerCurrency,
  assertWithinTotals,
  beyond,
  currencyCode,
  date,
  differingFields,
  duplicateConflict,
  id,
  invoiceTax,
  major,
  optionalId,
  optionalMethod,
  positiveAmount,
  reason,
} from './receivables.input';
import { PaymentEntry, paymentCredit, ReceivablesState } from './receivables.state';

/** The commands that reduce or take back money: credit memos, write-offs, refunds, reversals. */

/** On an invoice: at most its balance. On the account: applied by the method, the rest is credit. */
export function issueCreditMemo(data: IssueCreditMemo['data'], state: ReceivablesState): ReceivablesEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    creditMemoId: () => id(data.creditMemoId, 'creditMemoId'),
    amount: () => positiveAmount(data.amount),
    currency: () => optional(data.currency, 'currency', currencyCode),
    reason: () => reason(data.reason),
    actor: () => actor(data.actor),
    invoiceId: () => optionalId(data.invoiceId, 'invoiceId'),
    applicationMethod: () => optionalMethod(data.applicationMethod),
    invoiceTax: () => invoiceTax(data.invoiceTax),
    businessDate: () => date(data.businessDate, 'businessDate'),
  });
  assertAccount(state, input.accountId);
  const existing = state.creditMemos.get(input.creditMemoId);
  if (existing !== undefined) {
    const asked = { amount: input.amount, invoiceId: input.invoiceId, ...(input.currency === null ? {} : { currency: input.currency }) };
    const differing = differingFields({ ...existing }, asked);
    if (differing.length > 0) throw duplicateConflict('credit memo', input.creditMemoId, differing);
    return [];
  }
  if (input.currency !== null) assertLedgerCurrency(state, input.currency);
  const currency = state.currency ?? input.currency;
  if (currency === null) {
    throw InvalidInputError.forField('currency', 'required', 'currency is required for a credit memo on an account with nothing posted yet: give the ISO 4217 code of its receivables');
  }
  const common = { accountId: input.accountId, creditMemoId: input.creditMemoId, amount: input.amount, currency };
  const closing = { reason: input.reason, actor: input.actor, businessDate: input.businessDate };
  if (input.invoiceId !== null) {
    const item = state.items.get(input.invoiceId);
    if (item === undefined) throw new NotFoundError('Invoice', input.invoiceId);
    if (input.amount > item.balance) {
      throw beyond(
        'amount',
        'atMostInvoiceBalance',
        `amount must be at most ${major(item.balance, currency)}, the balance of invoice ${item.invoiceId} (got ${major(input.amount, currency)}); a credit beyond it goes on the account`,
      );
    }
    const applications = [{ invoiceId: item.invoiceId, amount: input.amount }];
    const tax = input.invoiceTax.length === 0 ? null : reversedTax(state, item.invoiceId, item.amount, input.amount, input.invoiceTax);
    return [{ type: 'CreditMemoIssued', data: { ...common, invoiceId: item.invoiceId, applicationMethod: null, applications, unapplied: 0, ...tax, ...closing } }];
  }
  const applicationMethod = input.applicationMethod ?? 'fifo';
  const { applications, unapplied } = applyAmount(input.amount, [...state.items.values()], applicationMethod, input.businessDate);
  assertWithinTotals(state, { credit: unapplied });
  return [{ type: 'CreditMemoIssued', data: { ...common, invoiceId: null, applicationMethod, applications, unapplied, ...closing } }];
}

/** The tax this memo reverses, after what the earlier memos on the same invoice's share took (decision 0024). */
function reversedTax(state: ReceivablesState, invoiceId: string, shareTotal: number, amount: number, shares: readonly TaxShare[]): CreditMemoTax {
  let creditedBefore = 0;
  const reversedBefore: CreditMemoTaxLine[] = [];
  for (const memo of state.creditMemos.values()) {
    if (memo.invoiceId !== invoiceId) continue;
    creditedBefore += memo.amount;
    reversedBefore.push(...(memo.taxLines ?? []));
  }
  return creditMemoTax({ amount, shareTotal, creditedBefore, invoiceTax: shares, reversedBefore });
}

/** Writes off the given amount (default: all) of an invoice's balance, never beyond it. */
export function writeOffInvoice(data: WriteOffInvoice['data'], state: ReceivablesState): ReceivablesEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    writeOffId: () => id(data.writeOffId, 'writeOffId'),
    invoiceId: () => id(data.invoiceId, 'invoiceId'),
    amount: () => optional(data.amount, 'amount', positiveAmount),
    reason: () => reason(data.reason),
    actor: () => actor(data.actor),
    businessDate: () => date(data.businessDate, 'businessDate'),
  });
  assertAccount(state, input.accountId);
  const existing = state.writeOffs.get(input.writeOffId);
  if (existing !== undefined) {
    const asked = { invoiceId: input.invoiceId, ...(input.amount === null ? {} : { amount: input.amount }) };
    const differing = differingFields({ ...existing }, asked);
    if (differing.length > 0) throw duplicateConflict('write-off', input.writeOffId, differing);
    return [];
  }
  const item = state.items.get(input.invoiceId);
  if (item === undefined) throw new NotFoundError('Invoice', input.invoiceId);
  if (item.balance === 0) {
    throw beyond('invoiceId', 'hasBalance', `invoice ${item.invoiceId} has no balance to write off: only an amount still owed can be written off`);
  }
  const amount = input.amount ?? item.balance;
  if (amount > item.balance) {
    throw beyond(
      'amount',
      'atMostInvoiceBalance',
      `amount must be at most ${major(item.balance, state.currency)}, the balance of invoice ${item.invoiceId} (got ${major(amount, state.currency)})`,
    );
  }
  return [{ type: 'InvoiceWrittenOff', data: { ...input, amount } }];
}

/** At most what is left of the payment (amount − refunded − reversed): first its unapplied credit, then un-applied newest first. */
export function refundPayment(data: RefundPayment['data'], state: ReceivablesState): ReceivablesEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    refundId: () => id(data.refundId, 'refundId'),
    paymentId: () => id(data.paymentId, 'paymentId'),
    amount: () => positiveAmount(data.amount),
    reason: () => reason(data.reason),
    actor: () => actor(data.actor),
    businessDate: () => date(data.businessDate, 'businessDate'),
  });
  assertAccount(state, input.accountId);
  const existing = state.refunds.get(input.refundId);
  if (existing !== undefined) {
    const differing = differingFields({ ...existing }, { paymentId: input.paymentId, amount: input.amount });
    if (differing.length > 0) throw duplicateConflict('refund', input.refundId, differing);
    return [];
  }
  const payment = state.payments.get(input.paymentId);
  if (payment === undefined) throw new NotFoundError('Payment', input.paymentId);
  const left = leftOf(payment);
  if (input.amount > left) {
    throw beyond(
      'amount',
      'atMostRefundable',
      `amount must be at most ${major(left, payment.currency)}, what is left of payment ${payment.paymentId} after refunds and reversals (got ${major(input.amount, payment.currency)})`,
    );
  }
  return [{ type: 'PaymentRefunded', data: { ...takeBack(state, payment, input.amount), ...input } }];
}

/** Takes back whatever is left of the payment. The same reversal again decides nothing. */
export function reversePayment(data: ReversePayment['data'], state: ReceivablesState): ReceivablesEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    reversalId: () => id(data.reversalId, 'reversalId'),
    paymentId: () => id(data.paymentId, 'paymentId'),
    reason: () => reason(data.reason),
    actor: () => actor(data.actor),
    businessDate: () => date(data.businessDate, 'businessDate'),
  });
  assertAccount(state, input.accountId);
  const existing = state.reversals.get(input.reversalId);
  if (existing !== undefined) {
    const differing = differingFields({ ...existing }, { paymentId: input.paymentId });
    if (differing.length > 0) throw duplicateConflict('reversal', input.reversalId, differing);
    return [];
  }
  const payment = state.payments.get(input.paymentId);
  if (payment === undefined) throw new NotFoundError('Payment', input.paymentId);
  const left = leftOf(payment);
  if (left === 0) {
    throw beyond('paymentId', 'notTakenBack', `payment ${payment.paymentId} has nothing left to reverse: it was already refunded or reversed in full`);
  }
  return [{ type: 'PaymentReversed', data: { ...takeBack(state, payment, left), ...input } }];
}

function leftOf(payment: PaymentEntry): number {
  return payment.amount - payment.refunded - payment.reversed;
}

/** `amount` of the payment: first out of its unapplied credit, then its applications, newest first. */
function takeBack(state: ReceivablesState, payment: PaymentEntry, amount: number): { amount: number; fromCredit: number; unapplications: Application[] } {
  const fromCredit = Math.min(amount, paymentCredit(state, payment.paymentId));
  const unapplications: Application[] = [];
  let left = amount - fromCredit;
  for (let i = payment.applications.length - 1; i >= 0 && left > 0; i--) {
    const taken = Math.min(left, payment.applications[i].amount);
    unapplications.push({ invoiceId: payment.applications[i].invoiceId, amount: taken });
    left -= taken;
  }
  if (left > 0) throw new Error(`payment ${payment.paymentId} holds less than ${amount}: its credit and applications disagree with its amount`);
  return { amount, fromCredit, unapplications };
}
