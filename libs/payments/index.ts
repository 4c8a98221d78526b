import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { IssueCreditMemoHandler, WriteOffInvoiceHandler } from './commands/credit-and-write-off';
import { PaymentsCommandController } from './commands/payments.command-controller';
import { PostReceivableCommand, PostReceivableHandler } from './commands/post-receivable';
import { RecordPaymentHandler } from './commands/record-payment';
import { TakeBackPaymentHandler } from './commands/refund-payment';
import { receivablesPostingProcessManager } from './process-managers/receivables-posting.process-manager';
import { InvoicesQueryController } from './queries/invoices.query-controller';
import { PaymentsQueryController } from './queries/payments.query-controller';

/** Payments and collection: what each account owes (its receivables ledger), payments, credits, write-offs, refunds. */
export const paymentsContext: BoundedContext = {
  name: 'payments',
  commandControllers: [PaymentsCommandController],
  queryControllers: [PaymentsQueryController, InvoicesQueryController],
  commandHandlers: [PostReceivableHandler, RecordPaymentHandler, TakeBackPaymentHandler, IssueCreditMemoHandler, WriteOffInvoiceHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [receivablesPostingProcessManager],
  commands: { PostReceivable: PostReceivableCommand },
};
