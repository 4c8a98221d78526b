export { installmentCreatedComment, installmentStatusUpdatedComment, InstallmentCommentSubject, statusWord, typeWord } from './comments';
export {
  computeInstallmentSchedule,
  independentDate,
  InstallmentKind,
  lumpSumAmount,
  realignInstallments,
  ScheduledInstallment,
  ScheduleInput,
} from './installment-schedule';
export {
  CancelInstallmentSchedule,
  CompleteInstallmentSchedule,
  CreateInstallmentSchedule,
  InstallmentScheduleCommand,
  InvoiceInstallment,
  RealignInstallments,
} from './installment-schedule.commands';
export {
  InstallmentRow,
  installmentScheduleDecider,
  InstallmentScheduleState,
  installmentScheduleStream,
  notYetInvoiced,
} from './installment-schedule.decider';
export {
  COMPLETION_REASONS,
  CompletionReason,
  InstallmentCreated,
  InstallmentInvoiced,
  InstallmentsRealigned,
  InstallmentScheduleCancelled,
  InstallmentScheduleCompleted,
  InstallmentScheduleCreated,
  InstallmentScheduleEvent,
  SCHEDULE_STATUSES,
  ScheduleStatus,
} from './installment-schedule.events';
export {
  Frequency,
  FREQUENCY_UNITS,
  FrequencyUnit,
  InstallmentTerm,
  InstallmentTermInput,
  LumpSum,
  MAX_DAYS_UNTIL_DUE,
  MAX_FREQUENCY_COUNT,
  MAX_INSTALLMENTS,
  parseInstallmentTerm,
  resolveDaysUntilDue,
  SCHEDULE_TYPES,
  ScheduleType,
} from './installment-terms';
export {
  CreateItem,
  CreateItemInput,
  Item,
  ItemCommand,
  ItemCreated,
  itemDecider,
  ItemDefinition,
  ItemEvent,
  ItemState,
  itemStream,
  itemUnitAmount,
  MAX_UNIT_PRICE,
  parseItemDefinition,
} from './item.decider';
export {
  CreateInstallmentTerm,
  CreateInstallmentTermInput,
  InstallmentTermCommand,
  InstallmentTermCreated,
  installmentTermDecider,
  InstallmentTermEvent,
  InstallmentTermState,
  installmentTermStream,
  InstallmentTermView,
} from './installment-term.decider';
export { installmentInvoiceId, orderInvoiceId, remainderInvoiceId, scheduleIdOf } from './invoice-ids';
export {
  createScheduleCommand,
  MAX_ORDER_LINES,
  MAX_ORDER_QUANTITY,
  OrderCommand,
  orderDecider,
  OrderEvent,
  OrderInvoice,
  OrderItemFacts,
  OrderLine,
  OrderPlaced,
  OrderPlanInstanceFacts,
  OrderState,
  orderStream,
  orderView,
  OrderView,
  PlaceOrder,
  PlaceOrderInput,
  PlacedSchedule,
} from './order.decider';
export { AlignedPlanInstance, upcomingInvoiceDates } from './order.invoice-dates';
export { completionReason, SettledItemFacts } from './installment-completion';
