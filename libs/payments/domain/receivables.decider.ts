import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';
import { validateAll } from '../../shared-kernel/validation';
import { applyAmount, ApplicationMethod } from './application';
import { issueCreditMemo, refundPayment, reversePayment, writeOffInvoice } from './receivables.adjustments';
import { PostReceivable, ReceivablesCommand, RecordPayment, RecordPaymentFailure } from './receivables.commands';
import { CreditApplication, CreditApplied, ReceivablePosted, ReceivablesEvent } from './receivables.events';
import {
  assertAccount,
  assertLedgerCurrency,
  assertWithinTotals,
  currencyCode,
  date,
  differingFields,
  duplicateConflict,
  flag,
  id,
  method,
  minorUnits,
  oneOf,
  optionalId,
  optionalMethod,
  optionalText,
  positiveAmount,
  reason,
} from './receivables.input';
import { evolveReceivables, initialReceivablesState, ReceivablesState } from './receivables.state';

/**
 * One payer account's receivables ledger (DOMAIN.md §7, §8): what the account owes (its share of each invoice),
 * the money it paid, its credit. decide validates a command and returns the facts, each carrying the amounts it
 * moves; it is deterministic (no clock, no randomness), so deciding twice on one state gives the same events.
 */
export const receivablesDecider: Decider<ReceivablesCommand, ReceivablesEvent, ReceivablesState> = {
  initialState: initialReceivablesState,
  decide(command, state) {
    switch (command.type) {
      case 'PostReceivable':
        return postReceivable(command.data, state);
      case 'ApplyCredit': {
        const applied = creditApplication(state, command.data.applicationMethod, command.data.businessDate);
        return applied ? [applied] : [];
      }
      case 'RecordPayment':
        return recordPayment(command.data, state);
      case 'RecordPaymentFailure':
        return recordPaymentFailure(command.data, state);
      case 'IssueCreditMemo':
        return issueCreditMemo(command.data, state);
      case 'WriteOffInvoice':
        return writeOffInvoice(command.data, state);
      case 'RefundPayment':
        return refundPayment(command.data, state);
      case 'ReversePayment':
        return reversePayment(command.data, state);
      default:
        return assertNever(command);
    }
  },
  evolve: evolveReceivables,
};

export function receivablesStream(tenantId: string, accountId: string): string {
  return streamName('receivables', tenantId, accountId);
}

const KINDS = ['charge', 'installment', 'order', 'remainder', 'fee'] as const;
const SOURCES = ['external', 'paymentMethod'] as const;

/** Posting the same invoice again decides nothing; then any credit is applied to what is owed. */
function postReceivable(data: PostReceivable['data'], state: ReceivablesState): ReceivablesEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    invoiceId: () => id(data.invoiceId, 'invoiceId'),
    invoiceNumber: () => optionalText(data.invoiceNumber, 'invoiceNumber', 64),
    invoiceDate: () => date(data.invoiceDate, 'invoiceDate'),
    dueDate: () => date(data.dueDate, 'dueDate'),
    currency: () => currencyCode(data.currency),
    amount: () => minorUnits(data.amount),
    kind: () => oneOf(data.kind, 'kind', KINDS),
    applicationMethod: () => optionalMethod(data.applicationMethod),
    businessDate: () => date(data.businessDate, 'businessDate'),
  });
  assertAccount(state, input.accountId);
  if (input.dueDate < input.invoiceDate) {
    throw InvalidInputError.forField('dueDate', 'onOrAfterInvoiceDate', `dueDate must be on or after invoiceDate ${input.invoiceDate} (got ${input.dueDate})`);
  }
  const { applicationMethod, ...fields } = input;
  const posted: ReceivablePosted = { type: 'ReceivablePosted', data: fields };
  const existing = state.items.get(input.invoiceId);
  if (existing !== undefined) {
    const recorded = { ...existing, currency: state.currency };
    const differing = differingFields(recorded, {
      invoiceNumber: fields.invoiceNumber,
      invoiceDate: fields.invoiceDate,
      dueDate: fields.dueDate,
      currency: fields.currency,
      amount: fields.amount,
      kind: fields.kind,
    });
    if (differing.length > 0) throw duplicateConflict('receivable for invoice', input.invoiceId, differing);
    return [];
  }
  assertLedgerCurrency(state, input.currency);
  assertWithinTotals(state, { owed: Math.max(input.amount, 0), credit: Math.max(-input.amount, 0) });
  const applied = creditApplication(evolveReceivables(state, posted), applicationMethod ?? 'fifo', input.businessDate);
  return applied === null ? [posted] : [posted, applied];
}

/**
 * Applies the account's unapplied credit to its open items by the method, the oldest credit first; null when
 * there is no credit or nothing the method pays.
 */
export function creditApplication(state: ReceivablesState, applicationMethod: ApplicationMethod, businessDate: string): CreditApplied | null {
  if (state.credit === 0 || state.accountId === null) return null;
  const { applications } = applyAmount(state.credit, [...state.items.values()], applicationMethod, businessDate);
  if (applications.length === 0) return null;
  const lots = state.creditLots.map((lot) => ({ ...lot }));
  const fromLots: CreditApplication[] = [];
  let lot = 0;
  for (const application of applications) {
    let left = application.amount;
    while (left > 0) {
      const taken = Math.min(left, lots[lot].remaining);
      fromLots.push({ invoiceId: application.invoiceId, amount: taken, sourceType: lots[lot].sourceType, sourceId: lots[lot].sourceId });
      lots[lot].remaining -= taken;
      left -= taken;
      if (lots[lot].remaining === 0) lot++;
    }
  }
  const amount = applications.reduce((total, a) => total + a.amount, 0);
  return { type: 'CreditApplied', data: { accountId: state.accountId, amount, applicationMethod, applications: fromLots, businessDate } };
}

/** A succeeded payment: the named invoice first, then the method; the rest is credit. The same payment again decides nothing. */
function recordPayment(data: RecordPayment['data'], state: ReceivablesState): ReceivablesEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    paymentId: () => id(data.paymentId, 'paymentId'),
    amount: () => positiveAmount(data.amount),
    currency: () => currencyCode(data.currency),
    source: () => oneOf(data.source, 'source', SOURCES),
    reference: () => optionalText(data.reference, 'reference', 200),
    paymentMethodId: () => optionalId(data.paymentMethodId, 'paymentMethodId'),
    invoiceId: () => optionalId(data.invoiceId, 'invoiceId'),
    applicationMethod: () => method(data.applicationMethod),
    businessDate: () => date(data.businessDate, 'businessDate'),
  });
  assertAccount(state, input.accountId);
  if (input.source === 'paymentMethod' && input.paymentMethodId === null) {
    throw InvalidInputError.forField('paymentMethodId', 'required', 'paymentMethodId is required when source is paymentMethod: name the method that was charged');
  }
  const existing = state.payments.get(input.paymentId);
  if (existing !== undefined) {
    // What the payment was, not how or when it is recorded: a retry on another day or by another method is the same payment.
    const { paymentId, amount, currency, source, reference, paymentMethodId, invoiceId } = input;
    const differing = differingFields({ ...existing }, { paymentId, amount, currency, source, reference, paymentMethodId, invoiceId });
    if (differing.length > 0) throw duplicateConflict('payment', input.paymentId, differing);
    return [];
  }
  if (state.failures.has(input.paymentId)) throw otherOutcome(input.paymentId, 'failed');
  assertLedgerCurrency(state, input.currency);
  if (input.invoiceId !== null && !state.items.has(input.invoiceId)) throw new NotFoundError('Invoice', input.invoiceId);
  const { applications, unapplied } = applyAmount(input.amount, [...state.items.values()], input.applicationMethod, input.businessDate, input.invoiceId);
  assertWithinTotals(state, { credit: unapplied });
  return [{ type: 'PaymentRecorded', data: { ...input, applications, unapplied } }];
}

/** A failed attempt is recorded once per paymentId; a paymentId that succeeded cannot also fail. */
function recordPaymentFailure(data: RecordPaymentFailure['data'], state: ReceivablesState): ReceivablesEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    paymentId: () => id(data.paymentId, 'paymentId'),
    amount: () => positiveAmount(data.amount),
    currency: () => currencyCode(data.currency),
    reason: () => reason(data.reason),
    retryable: () => flag(data.retryable, 'retryable'),
    businessDate: () => date(data.businessDate, 'businessDate'),
  });
  assertAccount(state, input.accountId);
  const existing = state.failures.get(input.paymentId);
  if (existing !== undefined) {
    const differing = differingFields({ ...existing }, { amount: input.amount, currency: input.currency, reason: input.reason, retryable: input.retryable });
    if (differing.length > 0) throw duplicateConflict('payment', input.paymentId, differing);
    return [];
  }
  if (state.payments.has(input.paymentId)) throw otherOutcome(input.paymentId, 'succeeded');
  assertLedgerCurrency(state, input.currency);
  return [{ type: 'PaymentFailed', data: input }];
}

/** One paymentId has one outcome: a new attempt after a failure needs a new paymentId. */
function otherOutcome(paymentId: string, recorded: 'failed' | 'succeeded'): ConflictError {
  const message = `payment ${paymentId} was already recorded as ${recorded}: one paymentId has one outcome; record a new attempt with a new paymentId`;
  return new ConflictError(message, [{ field: 'paymentId', rule: 'oneOutcome', message }]);
}
