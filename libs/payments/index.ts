import { BoundedContext } from '../platform/app/bounded-context';
import { Lifecycle } from '../platform/app/lifecycle';
import { AppConfig, APP_CONFIG } from '../platform/config/config';
import { CollectPaymentCommand, CollectPaymentHandler } from './commands/collect-payment';
import { ApplyCreditCommand, ApplyCreditHandler } from './commands/apply-credit';
import { creditApplicationProcessManager } from './process-managers/credit-application.process-manager';
import { AddPaymentMethodHandler, RemovePaymentMethodHandler } from './commands/payment-methods';
import { createSandboxGateway, PAYMENT_GATEWAY } from './gateway';
import { collectionProcessManager } from './process-managers/collection.process-manager';
import { projectors } from './read-model';
import { IssueCreditMemoHandler, WriteOffInvoiceHandler } from './commands/credit-and-write-off';
import { PaymentsCommandController } from './commands/payments.command-controller';
import { PostReceivableCommand, PostReceivableHandler } from './commands/post-receivable';
import { RecordPaymentHandler } from './commands/record-payment';
import { TakeBackPaymentHandler } from './commands/refund-payment';
import { receivablesPostingProcessManager } from './process-managers/receivables-posting.process-manager';
import { InvoiceListsQueryController } from './queries/invoice-lists.query-controller';
import { InvoicesQueryController } from './queries/invoices.query-controller';
import { PaymentsQueryController } from './queries/payments.query-controller';

/** Payments and collection: what each account owes (its receivables ledger), payments, credits, write-offs, refunds. */
export const paymentsContext: BoundedContext = {
  name: 'payments',
  commandControllers: [PaymentsCommandController],
  queryControllers: [PaymentsQueryController, InvoicesQueryController, InvoiceListsQueryController],
  commandHandlers: [
    PostReceivableHandler,
    RecordPaymentHandler,
    TakeBackPaymentHandler,
    IssueCreditMemoHandler,
    WriteOffInvoiceHandler,
    AddPaymentMethodHandler,
    RemovePaymentMethodHandler,
    CollectPaymentHandler,
    ApplyCreditHandler,
  ],
  providers: [
    {
      // The sandbox gateway is the only adapter so far (docs/decisions/0012-payment-gateway-port.md); its books live
      // in the data folder, beside the event store, in every process that issues charges.
      provide: PAYMENT_GATEWAY,
      useFactory: (config: AppConfig, lifecycle: Lifecycle) => {
        const gateway = createSandboxGateway(config.dataDir);
        lifecycle.onStop(async () => gateway.close());
        return gateway;
      },
      inject: [APP_CONFIG, Lifecycle],
    },
  ],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [receivablesPostingProcessManager, collectionProcessManager, creditApplicationProcessManager],
  commands: { PostReceivable: PostReceivableCommand, CollectPayment: CollectPaymentCommand, ApplyCredit: ApplyCreditCommand },
};
