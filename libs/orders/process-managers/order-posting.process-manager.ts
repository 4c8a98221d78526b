import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
import { createScheduleCommand, OrderPlaced } from '../domain';

/**
 * What a placed order owes (issue 19). Without installments: the whole total, one `PostReceivable` of kind `order`
 * on the account's receivables ledger under the order's invoice id (collected at once only when the tenant sets
 * `autoCollectOnOrder`; never dunned). With installments: nothing is posted here (each row is posted as kind
 * `installment` when the schedule runtime invoices it); `CreateInstallmentSchedule` is issued again, the safety net
 * should the order's handler have died between its two appends (a schedule already there decides nothing).
 * One lane per account: an account's postings keep their order.
 */
export const orderPostingProcessManager: ProcessManager = {
  name: 'order-posting',
  eventTypes: ['OrderPlaced'],
  lanesAcrossEvents: true,
  react(recorded: RecordedEvent): PmCommand[] {
    return orderPostingCommands((recorded as unknown as OrderPlaced).data);
  },
};

/** The commands for one placed order (pure: the process manager's spec calls it). */
export function orderPostingCommands(order: OrderPlaced['data']): PmCommand[] {
  const schedule = createScheduleCommand(order);
  if (schedule !== null) {
    return [{ type: schedule.type, data: { ...schedule.data }, key: `schedule:${schedule.data.scheduleId}`, lane: order.accountId }];
  }
  const { accountId, invoice, currency } = order;
  return [
    {
      type: 'PostReceivable',
      data: { accountId, invoiceId: invoice.id, invoiceNumber: null, invoiceDate: invoice.invoiceDate, dueDate: invoice.dueDate, currency, amount: invoice.total, kind: 'order' },
      key: `receivable:${invoice.id}`,
      lane: accountId,
    },
  ];
}
