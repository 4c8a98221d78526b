import { completionReason, SettledItemFacts } from './installment-completion';
import { installmentScheduleDecider, InstallmentScheduleState } from './installment-schedule.decider';
import { InstallmentScheduleEvent } from './installment-schedule.events';

const rows = [
  { number: 1, kind: 'installment' as const, invoiceDate: '2026-01-31', dueDate: '2026-02-10', amount: 33334 },
  { number: 2, kind: 'installment' as const, invoiceDate: '2026-02-28', dueDate: '2026-03-10', amount: 33333 },
  { number: 3, kind: 'installment' as const, invoiceDate: '2026-03-31', dueDate: '2026-04-10', amount: 33333 },
];
const created: InstallmentScheduleEvent = {
  type: 'InstallmentScheduleCreated',
  data: { scheduleId: 'o1', accountId: 'acc', orderId: 'o1', planInstanceId: null, termId: 'm3', scheduleType: 'independent', currency: 'USD', total: 100000, orderDate: '2026-01-31', installments: rows },
};
const invoiced = (number: number, amount = rows[number - 1].amount): InstallmentScheduleEvent => ({ type: 'InstallmentInvoiced', data: { scheduleId: 'o1', number, invoiceId: `ins:o1:${number}`, amount } });
const given = (...events: InstallmentScheduleEvent[]): InstallmentScheduleState => events.reduce(installmentScheduleDecider.evolve, installmentScheduleDecider.initialState);
const item = (amount: number, settled: Partial<SettledItemFacts> = {}): SettledItemFacts => ({ amount, paid: 0, credited: 0, writtenOff: 0, ...settled });
const ledger = (...entries: [string, SettledItemFacts][]) => new Map(entries);
const allPaid = ledger(['ins:o1:1', item(33334, { paid: 33334 })], ['ins:o1:2', item(33333, { credited: 33333 })], ['ins:o1:3', item(33333, { paid: 33000, credited: 333 })]);

describe('completionReason (DOMAIN.md §10: completed = paid off or written off)', () => {
  it('every row billed and its receivable settled by payments, credit or credit memos: paidOff', () => {
    expect(completionReason(given(created, invoiced(1), invoiced(2), invoiced(3)), allPaid)).toBe('paidOff');
  });

  it('a write-off settled any part of it: writtenOff', () => {
    const items = new Map(allPaid).set('ins:o1:3', item(33333, { paid: 33000, writtenOff: 333 }));
    expect(completionReason(given(created, invoiced(1), invoiced(2), invoiced(3)), items)).toBe('writtenOff');
  });

  it('a row not billed yet (even with credit waiting for it), a receivable still owed or not posted yet: not complete', () => {
    expect(completionReason(given(created, invoiced(1), invoiced(2)), allPaid)).toBeNull();
    const owed = new Map(allPaid).set('ins:o1:3', item(33333, { paid: 33332 }));
    expect(completionReason(given(created, invoiced(1), invoiced(2), invoiced(3)), owed)).toBeNull();
    const unposted = new Map(allPaid);
    unposted.delete('ins:o1:3');
    expect(completionReason(given(created, invoiced(1), invoiced(2), invoiced(3)), unposted)).toBeNull();
  });

  it('a row of amount 0 is settled once billed', () => {
    const tiny: InstallmentScheduleEvent = { ...created, data: { ...(created.data as object), total: 1, installments: [{ ...rows[0], amount: 1 }, { ...rows[1], amount: 0 }] } } as InstallmentScheduleEvent;
    const state = given(tiny, invoiced(1, 1), invoiced(2, 0));
    expect(completionReason(state, ledger(['ins:o1:1', item(1, { paid: 1 })]))).toBe('paidOff');
  });

  it('only an active schedule completes: a cancelled one stays cancelled, a completed one is done, none is nothing', () => {
    const cancelled: InstallmentScheduleEvent = { type: 'InstallmentScheduleCancelled', data: { scheduleId: 'o1', effective: '2026-03-01', requestedOn: '2026-03-01', remainder: 33333, remainderLine: { invoiceDate: '2026-03-01', dueDate: '2026-03-01', amount: 33333, numbers: [3] } } };
    const withRemainder = new Map(allPaid).set('rem:o1', item(33333, { paid: 33333 }));
    expect(completionReason(given(created, invoiced(1), invoiced(2), cancelled), withRemainder)).toBeNull();
    const completed: InstallmentScheduleEvent = { type: 'InstallmentScheduleCompleted', data: { scheduleId: 'o1', reason: 'paidOff', on: '2026-04-01' } };
    expect(completionReason(given(created, invoiced(1), invoiced(2), invoiced(3), completed), allPaid)).toBeNull();
    expect(completionReason(null, allPaid)).toBeNull();
  });
});
