import { OrderPlaced } from '../domain';
import { orderPostingCommands, orderPostingProcessManager } from './order-posting.process-manager';

const order: OrderPlaced['data'] = {
  orderId: 'order-1',
  accountId: 'acct',
  currency: 'USD',
  orderDate: '2024-01-31',
  lines: [{ itemId: 'kit', name: 'Installation kit', quantity: 1, unitPrice: '1000.00', amount: 100000 }],
  total: 100000,
  invoice: { id: 'ord:order-1', invoiceDate: '2024-01-31', dueDate: '2024-03-01', total: 100000 },
  planInstanceId: null,
  installmentTerm: null,
  installmentSchedule: null,
};

describe('order-posting process manager', () => {
  it('reacts to OrderPlaced only', () => {
    expect(orderPostingProcessManager.eventTypes).toEqual(['OrderPlaced']);
  });

  it('given an order without installments, when it is placed, then its whole total is posted as a receivable of kind order', () => {
    expect(orderPostingCommands(order)).toEqual([
      {
        type: 'PostReceivable',
        data: { accountId: 'acct', invoiceId: 'ord:order-1', invoiceNumber: null, invoiceDate: '2024-01-31', dueDate: '2024-03-01', currency: 'USD', amount: 100000, kind: 'order' },
        key: 'receivable:ord:order-1',
        lane: 'acct',
      },
    ]);
  });

  it('given an order on installments, when it is placed, then nothing is posted and the schedule is created again (a no-op when done)', () => {
    const term = { id: 'three', name: 'Three', schedule: 'independent' as const, frequency: { unit: 'month' as const, count: 1 }, installments: 3, lumpSum: null, daysUntilDue: null, lumpSumDaysUntilDue: null };
    const installments = [
      { number: 1, kind: 'installment' as const, invoiceDate: '2024-01-31', dueDate: '2024-03-01', amount: 33334 },
      { number: 2, kind: 'installment' as const, invoiceDate: '2024-02-29', dueDate: '2024-03-30', amount: 33333 },
      { number: 3, kind: 'installment' as const, invoiceDate: '2024-03-31', dueDate: '2024-04-30', amount: 33333 },
    ];
    const commands = orderPostingCommands({ ...order, installmentTerm: term, installmentSchedule: { id: 'order-1', daysUntilDue: 30, upcomingInvoiceDates: [], installments } });
    expect(commands).toEqual([
      {
        type: 'CreateInstallmentSchedule',
        data: { scheduleId: 'order-1', accountId: 'acct', orderId: 'order-1', planInstanceId: null, term, currency: 'USD', total: 100000, orderDate: '2024-01-31', daysUntilDue: 30, upcomingInvoiceDates: [] },
        key: 'schedule:order-1',
        lane: 'acct',
      },
    ]);
  });
});
