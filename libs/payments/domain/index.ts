/** The payments domain's door: what the application layer (commands, queries, projections, process managers) needs. */
export { APPLICATION_METHODS, Application, ApplicationMethod, ApplicationResult, ApplicableItem, ReceivableKind, applicationOrder, applyAmount } from './application';
export { AccountBalance, InvoiceBalance, InvoiceStatus, PaymentView, accountBalance, invoiceBalance, invoiceBalances, invoiceStatus, paymentView } from './balances';
export { CreditMemoTax, CreditMemoTaxLine, NO_TAX, TaxShare, creditMemoTax } from './credit-memo-tax';
export { LedgerEntry, LedgerEntryType, ledger } from './ledger';
export {
  IssueCreditMemo,
  PostReceivable,
  ReceivablesCommand,
  RecordPayment,
  RecordPaymentFailure,
  RefundPayment,
  ReversePayment,
  WriteOffInvoice,
} from './receivables.commands';
export { creditApplication, receivablesDecider, receivablesStream } from './receivables.decider';
export {
  CreditApplication,
  CreditApplied,
  CreditMemoIssued,
  CreditSourceType,
  InvoiceWrittenOff,
  PaymentFailed,
  PaymentRecorded,
  PaymentRefunded,
  PaymentReversed,
  RECEIVABLES_EVENT_TYPES,
  ReceivablePosted,
  ReceivablesEvent,
} from './receivables.events';
export { CreditLot, OpenItem, PaymentEntry, ReceivablesState, initialReceivablesState, itemBalance, paymentCredit } from './receivables.state';
export { AddPaymentMethod, PAYMENT_METHOD_TYPES, PaymentMethodType, PaymentMethodsCommand, RemovePaymentMethod, SetDefaultPaymentMethod } from './payment-methods.commands';
export { PaymentMethod, PaymentMethodsState, defaultPaymentMethod, initialPaymentMethodsState, paymentMethods, paymentMethodsDecider, paymentMethodsStream } from './payment-methods.decider';
export {
  DefaultPaymentMethodChangeCause,
  DefaultPaymentMethodChanged,
  PAYMENT_METHODS_EVENT_TYPES,
  PaymentMethodAdded,
  PaymentMethodRemoved,
  PaymentMethodsEvent,
} from './payment-methods.events';
