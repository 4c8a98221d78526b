import { BoundedContext } from '../platform/app/bounded-context';
import { CreateInstallmentTermHandler, CreateItemHandler } from './commands/catalog-definitions';
import { CatalogDefinitionsCommandController } from './commands/catalog-definitions.command-controller';
import { CatalogDefinitionsQueryController } from './queries/catalog-definitions.query-controller';
import { projectors } from './read-model';
import { PlaceOrderHandler } from './commands/orders';
import { OrdersCommandController } from './commands/orders.command-controller';
import { OrdersQueryController } from './queries/orders.query-controller';
import { orderPostingProcessManager } from './process-managers/order-posting.process-manager';
import {
  CancelInstallmentScheduleHandler,
  CreateInstallmentScheduleCommand,
  CreateInstallmentScheduleHandler,
  InvoiceInstallmentCommand,
  InvoiceInstallmentHandler,
} from './commands/schedule-commands';
import { ScheduleCommandsController } from './commands/schedule-commands.command-controller';
import { ScheduleQueriesController } from './queries/schedule-queries.query-controller';
import { installmentsDailyProcessManager, installmentsProcessManager } from './process-managers/schedule-installments.process-manager';
import { CompleteSettledInstallmentScheduleCommand, CompleteSettledInstallmentScheduleHandler } from './commands/schedule-completion';
import { installmentCompletionProcessManager } from './process-managers/schedule-completion.process-manager';
import { RealignInstallmentsCommand, RealignInstallmentsHandler } from './commands/schedule-realignment';
import { installmentRealignmentProcessManager } from './process-managers/schedule-realignment.process-manager';

/**
 * One-time orders (issue 19; DOMAIN.md §10): the catalog of one-time items and installment terms, and (to come)
 * orders on accounts and their installment schedules.
 */
export const ordersContext: BoundedContext = {
  name: 'orders',
  commandControllers: [CatalogDefinitionsCommandController, ScheduleCommandsController, OrdersCommandController],
  queryControllers: [CatalogDefinitionsQueryController, ScheduleQueriesController, OrdersQueryController],
  commandHandlers: [CreateItemHandler, CreateInstallmentTermHandler, CreateInstallmentScheduleHandler, InvoiceInstallmentHandler, CancelInstallmentScheduleHandler, PlaceOrderHandler, CompleteSettledInstallmentScheduleHandler, RealignInstallmentsHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  // Installment schedules (README "Schedules"): the daily invoicing of rows, their postings to the ledger,
  // completion when settled, realignment when the aligned plan instance is switched.
  processManagers: [installmentsProcessManager, installmentsDailyProcessManager, orderPostingProcessManager, installmentCompletionProcessManager, installmentRealignmentProcessManager],
  commands: {
    CreateInstallmentSchedule: CreateInstallmentScheduleCommand,
    InvoiceInstallment: InvoiceInstallmentCommand,
    CompleteSettledInstallmentSchedule: CompleteSettledInstallmentScheduleCommand,
    RealignInstallments: RealignInstallmentsCommand,
  },
};
