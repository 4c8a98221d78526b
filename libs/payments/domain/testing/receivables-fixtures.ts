import { Application, ApplicationMethod, ReceivableKind } from '../application';
import {
  IssueCreditMemo,
  PostReceivable,
  ReceivablesCommand,
  RecordPayment,
  RecordPaymentFailure,
  RefundPayment,
  ReversePayment,
  WriteOffInvoice,
} from '../receivables.commands';
import { receivablesDecider } from '../receivables.decider';
import {
  CreditApplication,
  CreditApplied,
  CreditMemoIssued,
  InvoiceWrittenOff,
  PaymentFailed,
  PaymentRecorded,
  PaymentRefunded,
  PaymentReversed,
  ReceivablePosted,
  ReceivablesEvent,
} from '../receivables.events';
import { ReceivablesState } from '../receivables.state';

/** Test data for the receivables specs (Jest only; excluded from the build). Account acct-1, USD, business date 2025-03-01. */

export const ACCOUNT = 'acct-1';
export const TODAY = '2025-03-01';

export interface ReceivableOptions {
  invoiceNumber?: string | null;
  invoiceDate?: string;
  dueDate?: string;
  currency?: string;
  kind?: ReceivableKind;
  businessDate?: string;
}

export function post(invoiceId: string, amount: number, options: ReceivableOptions & { applicationMethod?: ApplicationMethod } = {}): PostReceivable {
  const { applicationMethod, ...rest } = options;
  return { type: 'PostReceivable', data: { ...receivableData(invoiceId, amount, rest), ...(applicationMethod ? { applicationMethod } : {}) } };
}

export function posted(invoiceId: string, amount: number, options: ReceivableOptions = {}): ReceivablePosted {
  return { type: 'ReceivablePosted', data: receivableData(invoiceId, amount, options) };
}

function receivableData(invoiceId: string, amount: number, options: ReceivableOptions): ReceivablePosted['data'] {
  const invoiceDate = options.invoiceDate ?? '2025-01-01';
  return {
    accountId: ACCOUNT,
    invoiceId,
    invoiceNumber: options.invoiceNumber ?? null,
    invoiceDate,
    dueDate: options.dueDate ?? invoiceDate,
    currency: options.currency ?? 'USD',
    amount,
    kind: options.kind ?? 'charge',
    businessDate: options.businessDate ?? invoiceDate,
  };
}

type PaymentOptions = Partial<Omit<RecordPayment['data'], 'paymentId' | 'amount'>>;

export function pay(paymentId: string, amount: number, options: PaymentOptions = {}): RecordPayment {
  return {
    type: 'RecordPayment',
    data: { accountId: ACCOUNT, paymentId, amount, currency: 'USD', source: 'external', applicationMethod: 'fifo', businessDate: TODAY, ...options },
  };
}

export function paid(
  paymentId: string,
  amount: number,
  applications: Application[],
  unapplied: number,
  options: Partial<PaymentRecorded['data']> = {},
): PaymentRecorded {
  return {
    type: 'PaymentRecorded',
    data: {
      accountId: ACCOUNT,
      paymentId,
      amount,
      currency: 'USD',
      source: 'external',
      reference: null,
      paymentMethodId: null,
      invoiceId: null,
      applicationMethod: 'fifo',
      applications,
      unapplied,
      businessDate: TODAY,
      ...options,
    },
  };
}

export function fail(paymentId: string, amount: number, options: Partial<RecordPaymentFailure['data']> = {}): RecordPaymentFailure {
  return {
    type: 'RecordPaymentFailure',
    data: { accountId: ACCOUNT, paymentId, amount, currency: 'USD', reason: 'card declined', retryable: false, businessDate: TODAY, ...options },
  };
}

export function failed(paymentId: string, amount: number, options: Partial<PaymentFailed['data']> = {}): PaymentFailed {
  return { type: 'PaymentFailed', data: { ...fail(paymentId, amount).data, ...options } };
}

export function creditApplied(applications: CreditApplication[], options: Partial<CreditApplied['data']> = {}): CreditApplied {
  const amount = applications.reduce((total, a) => total + a.amount, 0);
  return { type: 'CreditApplied', data: { accountId: ACCOUNT, amount, applicationMethod: 'fifo', applications, businessDate: TODAY, ...options } };
}

export function memo(creditMemoId: string, amount: number, options: Partial<IssueCreditMemo['data']> = {}): IssueCreditMemo {
  return {
    type: 'IssueCreditMemo',
    data: { accountId: ACCOUNT, creditMemoId, amount, reason: 'goodwill', actor: 'ops@tenant', businessDate: TODAY, ...options },
  };
}

export function memoIssued(
  creditMemoId: string,
  amount: number,
  applications: Application[],
  unapplied: number,
  options: Partial<CreditMemoIssued['data']> = {},
): CreditMemoIssued {
  return {
    type: 'CreditMemoIssued',
    data: {
      accountId: ACCOUNT,
      creditMemoId,
      amount,
      currency: 'USD',
      invoiceId: null,
      applicationMethod: 'fifo',
      applications,
      unapplied,
      reason: 'goodwill',
      actor: 'ops@tenant',
      businessDate: TODAY,
      ...options,
    },
  };
}

export function writeOff(writeOffId: string, invoiceId: string, options: Partial<WriteOffInvoice['data']> = {}): WriteOffInvoice {
  return {
    type: 'WriteOffInvoice',
    data: { accountId: ACCOUNT, writeOffId, invoiceId, reason: 'uncollectible', actor: 'ops@tenant', businessDate: TODAY, ...options },
  };
}

export function writtenOff(writeOffId: string, invoiceId: string, amount: number): InvoiceWrittenOff {
  return {
    type: 'InvoiceWrittenOff',
    data: { accountId: ACCOUNT, writeOffId, invoiceId, amount, reason: 'uncollectible', actor: 'ops@tenant', businessDate: TODAY },
  };
}

export function refund(refundId: string, paymentId: string, amount: number, options: Partial<RefundPayment['data']> = {}): RefundPayment {
  return {
    type: 'RefundPayment',
    data: { accountId: ACCOUNT, refundId, paymentId, amount, reason: 'customer request', actor: 'ops@tenant', businessDate: TODAY, ...options },
  };
}

export function refunded(refundId: string, paymentId: string, amount: number, fromCredit: number, unapplications: Application[]): PaymentRefunded {
  return {
    type: 'PaymentRefunded',
    data: { accountId: ACCOUNT, refundId, paymentId, amount, fromCredit, unapplications, reason: 'customer request', actor: 'ops@tenant', businessDate: TODAY },
  };
}

export function reverse(reversalId: string, paymentId: string, options: Partial<ReversePayment['data']> = {}): ReversePayment {
  return { type: 'ReversePayment', data: { accountId: ACCOUNT, reversalId, paymentId, reason: 'R01 insufficient funds', actor: 'bank-returns', businessDate: TODAY, ...options } };
}

export function reversed(reversalId: string, paymentId: string, amount: number, fromCredit: number, unapplications: Application[]): PaymentReversed {
  return {
    type: 'PaymentReversed',
    data: { accountId: ACCOUNT, reversalId, paymentId, amount, fromCredit, unapplications, reason: 'R01 insufficient funds', actor: 'bank-returns', businessDate: TODAY },
  };
}

/** Decides and applies the commands one by one; returns every event and the final state. */
export function run(commands: readonly ReceivablesCommand[], state: ReceivablesState = receivablesDecider.initialState): { events: ReceivablesEvent[]; state: ReceivablesState } {
  const events: ReceivablesEvent[] = [];
  for (const command of commands) {
    for (const event of receivablesDecider.decide(command, state)) {
      events.push(event);
      state = receivablesDecider.evolve(state, event);
    }
  }
  return { events, state };
}
