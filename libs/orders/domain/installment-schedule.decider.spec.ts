import fc from 'fast-check';
import { addDays } from '../../shared-kernel/calendar-date';
import { fold } from '../../shared-kernel/decider';
import { ConflictError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { ScheduledInstallment } from './installment-schedule';
import {
  CancelInstallmentSchedule,
  CompleteInstallmentSchedule,
  CreateInstallmentSchedule,
  InvoiceInstallment,
} from './installment-schedule.commands';
import { installmentScheduleDecider, installmentScheduleStream, notYetInvoiced } from './installment-schedule.decider';
import {
  InstallmentCreated,
  InstallmentInvoiced,
  InstallmentScheduleCancelled,
  InstallmentScheduleCompleted,
  InstallmentScheduleCreated,
} from './installment-schedule.events';
import { InstallmentTerm } from './installment-terms';

const spec = specFor(installmentScheduleDecider);

const monthly: InstallmentTerm = {
  id: 'monthly-3',
  name: 'Three months',
  schedule: 'independent',
  frequency: { unit: 'month', count: 1 },
  installments: 3,
  lumpSum: { percent: '10' },
  daysUntilDue: null,
  lumpSumDaysUntilDue: null,
};

const create = (change: Partial<CreateInstallmentSchedule['data']> = {}): CreateInstallmentSchedule => ({
  type: 'CreateInstallmentSchedule',
  data: {
    scheduleId: 'sched-1',
    accountId: 'acct-1',
    orderId: 'order-1',
    planInstanceId: 'pi-1',
    term: monthly,
    currency: 'USD',
    total: 100000,
    orderDate: '2024-01-31',
    daysUntilDue: 10,
    upcomingInvoiceDates: [],
    ...change,
  },
});

// 1,000.00 with 10 % first: 100.00 on the order date, then 900.00 in 3 from Jan 31 (Feb clamps to the 29th).
const rows: ScheduledInstallment[] = [
  { number: 0, kind: 'lumpSum', invoiceDate: '2024-01-31', dueDate: '2024-02-10', amount: 10000 },
  { number: 1, kind: 'installment', invoiceDate: '2024-01-31', dueDate: '2024-02-10', amount: 30000 },
  { number: 2, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-03-10', amount: 30000 },
  { number: 3, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-04-10', amount: 30000 },
];

const created: InstallmentScheduleCreated = {
  type: 'InstallmentScheduleCreated',
  data: {
    scheduleId: 'sched-1',
    accountId: 'acct-1',
    orderId: 'order-1',
    planInstanceId: 'pi-1',
    termId: 'monthly-3',
    scheduleType: 'independent',
    currency: 'USD',
    total: 100000,
    orderDate: '2024-01-31',
    installments: rows,
  },
};
const installmentCreated = (row: ScheduledInstallment): InstallmentCreated => ({
  type: 'InstallmentCreated',
  data: { scheduleId: 'sched-1', accountId: 'acct-1', currency: 'USD', ...row },
});
const history = [created, ...rows.map(installmentCreated)];

const invoice = (number: number, invoiceId = `inv-${number}`): InvoiceInstallment => ({ type: 'InvoiceInstallment', data: { scheduleId: 'sched-1', number, invoiceId } });
const invoiced = (number: number, amount: number, invoiceId = `inv-${number}`): InstallmentInvoiced => {
  const row = rows.find((r) => r.number === number)!;
  const { accountId, currency } = created.data;
  return { type: 'InstallmentInvoiced', data: { scheduleId: 'sched-1', number, invoiceId, amount, accountId, currency, invoiceDate: row.invoiceDate, dueDate: row.dueDate } };
};
const cancel = (effective: string, requestedOn = '2024-02-15'): CancelInstallmentSchedule => ({
  type: 'CancelInstallmentSchedule',
  data: { scheduleId: 'sched-1', effective, requestedOn },
});
const cancelled = (data: Omit<InstallmentScheduleCancelled['data'], 'scheduleId'>): InstallmentScheduleCancelled => ({
  type: 'InstallmentScheduleCancelled',
  data: { scheduleId: 'sched-1', ...data },
});
const complete = (reason: 'paidOff' | 'writtenOff' = 'paidOff'): CompleteInstallmentSchedule => ({
  type: 'CompleteInstallmentSchedule',
  data: { scheduleId: 'sched-1', reason, on: '2024-03-01' },
});
const completed = (reason: 'paidOff' | 'writtenOff' = 'paidOff'): InstallmentScheduleCompleted => ({
  type: 'InstallmentScheduleCompleted',
  data: { scheduleId: 'sched-1', reason, on: '2024-03-01' },
});

const orderInvoiced = [...history, invoiced(0, 10000, 'inv-order'), invoiced(1, 30000, 'inv-order')];

describe('CreateInstallmentSchedule', () => {
  it('records the schedule, then one InstallmentCreated per row, lump sum first', () => {
    spec.given([]).when(create()).then(history);
  });

  it('DOMAIN.md §10: 1,000.00 in 3 with no lump sum is 333.34, 333.33, 333.33, monthly from the order date', () => {
    const events = installmentScheduleDecider.decide(create({ term: { ...monthly, lumpSum: null }, orderDate: '2024-03-01', daysUntilDue: 0 }), null);
    expect(events.filter((e): e is InstallmentCreated => e.type === 'InstallmentCreated').map((e) => [e.data.number, e.data.invoiceDate, e.data.amount])).toEqual([
      [1, '2024-03-01', 33334],
      [2, '2024-04-01', 33333],
      [3, '2024-05-01', 33333],
    ]);
  });

  it('is active with every row still to bill', () => {
    const state = fold(installmentScheduleDecider, history);
    expect(state?.status).toBe('active');
    expect(notYetInvoiced(state!).map((row) => row.number)).toEqual([0, 1, 2, 3]);
  });

  it('decides nothing when the same schedule is created again', () => {
    spec.given(history).when(create()).then([]);
  });

  it('refuses another schedule under the same id', () => {
    spec.given(history).when(create({ orderId: 'order-2' })).thenThrows(ConflictError, 'installment schedule sched-1 already exists for order order-1');
  });

  it('aligns an aligned term with the plan instance’s invoice dates', () => {
    const aligned: InstallmentTerm = { ...monthly, schedule: 'aligned', frequency: null, lumpSum: null, installments: 2 };
    const [event] = installmentScheduleDecider.decide(
      create({ term: aligned, orderDate: '2024-01-20', upcomingInvoiceDates: ['2024-02-01', '2024-03-01', '2024-04-01'] }),
      null,
    ) as InstallmentScheduleCreated[];
    expect(event.data.scheduleType).toBe('aligned');
    expect(event.data.installments.map((row) => [row.invoiceDate, row.amount])).toEqual([
      ['2024-02-01', 50000],
      ['2024-03-01', 50000],
    ]);
  });

  it('refuses an aligned term without a plan instance to align to', () => {
    const aligned: InstallmentTerm = { ...monthly, schedule: 'aligned', frequency: null };
    const error = spec.given([]).when(create({ term: aligned, planInstanceId: null })).thenThrows(RuleViolationError, /aligned/);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['planInstanceId', 'requiredForAligned']]);
  });

  it('refuses a lump sum over the total, writing nothing', () => {
    const error = spec.given([]).when(create({ term: { ...monthly, lumpSum: { amount: '1000.01' } } })).thenThrows(RuleViolationError);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['lumpSum.amount', 'lumpSumBelowTotal']]);
  });
});

describe('InvoiceInstallment', () => {
  it('records the invoice of an installment whose day has come', () => {
    spec.given(orderInvoiced).when(invoice(2)).then([invoiced(2, 30000)]);
  });

  it('decides nothing the second time', () => {
    spec.given([...orderInvoiced, invoiced(2, 30000)]).when(invoice(2)).then([]);
  });

  it('refuses billing an installment on a second invoice', () => {
    spec.given(orderInvoiced).when(invoice(1, 'inv-other')).thenThrows(ConflictError, 'installment 1 of schedule sched-1 is already billed on invoice inv-order');
  });

  it('refuses an installment the schedule does not have', () => {
    const error = spec.given(history).when(invoice(4)).thenThrows(RuleViolationError, 'installment schedule sched-1 has no installment 4; it has 0, 1, 2, 3');
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['number', 'installmentExists']]);
  });

  it('decides nothing for an installment moved to a cancellation’s remainder', () => {
    const cancelledNow = cancelled({ effective: '2024-02-15', requestedOn: '2024-02-15', remainder: 60000, remainderLine: { invoiceDate: '2024-02-15', dueDate: '2024-02-15', amount: 60000, numbers: [2, 3] } });
    spec.given([...orderInvoiced, cancelledNow]).when(invoice(2)).then([]);
  });

  it('still bills an installment that falls before a dated cancellation', () => {
    const cancelledLater = cancelled({ effective: '2024-03-15', requestedOn: '2024-02-15', remainder: 30000, remainderLine: { invoiceDate: '2024-03-15', dueDate: '2024-03-15', amount: 30000, numbers: [3] } });
    spec.given([...orderInvoiced, cancelledLater]).when(invoice(2)).then([invoiced(2, 30000)]);
  });

  it('decides nothing once the schedule is completed (paid off early)', () => {
    spec.given([...orderInvoiced, completed()]).when(invoice(3)).then([]);
  });

  it('refuses a schedule that does not exist', () => {
    spec.given([]).when(invoice(1)).thenThrows(NotFoundError, 'Installment schedule sched-1 was not found');
  });
});

describe('CancelInstallmentSchedule', () => {
  it('immediately: every installment not billed yet becomes one line billed and due today', () => {
    spec
      .given(orderInvoiced)
      .when(cancel('2024-02-15'))
      .then([
        cancelled({ effective: '2024-02-15', requestedOn: '2024-02-15', remainder: 60000, remainderLine: { invoiceDate: '2024-02-15', dueDate: '2024-02-15', amount: 60000, numbers: [2, 3] } }),
      ]);
  });

  it('on a date: installments billed before it stay, the rest is due on that date', () => {
    spec
      .given(orderInvoiced)
      .when(cancel('2024-03-15'))
      .then([
        cancelled({ effective: '2024-03-15', requestedOn: '2024-02-15', remainder: 30000, remainderLine: { invoiceDate: '2024-03-15', dueDate: '2024-03-15', amount: 30000, numbers: [3] } }),
      ]);
  });

  it('on the very invoice date of an installment not billed yet: it is in the remainder', () => {
    spec
      .given(orderInvoiced)
      .when(cancel('2024-02-29', '2024-02-29'))
      .then([
        cancelled({ effective: '2024-02-29', requestedOn: '2024-02-29', remainder: 60000, remainderLine: { invoiceDate: '2024-02-29', dueDate: '2024-02-29', amount: 60000, numbers: [2, 3] } }),
      ]);
  });

  it('before the order was even billed: the lump sum too', () => {
    spec
      .given(history)
      .when(cancel('2024-01-31', '2024-01-31'))
      .then([
        cancelled({ effective: '2024-01-31', requestedOn: '2024-01-31', remainder: 100000, remainderLine: { invoiceDate: '2024-01-31', dueDate: '2024-01-31', amount: 100000, numbers: [0, 1, 2, 3] } }),
      ]);
  });

  it('after every installment was billed: nothing remains, no line', () => {
    const allBilled = [...orderInvoiced, invoiced(2, 30000), invoiced(3, 30000)];
    spec.given(allBilled).when(cancel('2024-04-02', '2024-04-02')).then([cancelled({ effective: '2024-04-02', requestedOn: '2024-04-02', remainder: 0, remainderLine: null })]);
  });

  it('is cancelled afterwards', () => {
    const state = fold(installmentScheduleDecider, [...orderInvoiced, ...installmentScheduleDecider.decide(cancel('2024-03-15'), fold(installmentScheduleDecider, orderInvoiced))]);
    expect(state?.status).toBe('cancelled');
    expect(state?.cancellation).toEqual({ effective: '2024-03-15', remainder: 30000 });
    expect(notYetInvoiced(state!).map((row) => row.number)).toEqual([2]);
  });

  it('decides nothing when the same cancellation comes again', () => {
    const first = cancelled({ effective: '2024-02-15', requestedOn: '2024-02-15', remainder: 60000, remainderLine: { invoiceDate: '2024-02-15', dueDate: '2024-02-15', amount: 60000, numbers: [2, 3] } });
    spec.given([...orderInvoiced, first]).when(cancel('2024-02-15')).then([]);
  });

  it('refuses cancelling a cancelled schedule on another date', () => {
    const first = cancelled({ effective: '2024-02-15', requestedOn: '2024-02-15', remainder: 60000, remainderLine: { invoiceDate: '2024-02-15', dueDate: '2024-02-15', amount: 60000, numbers: [2, 3] } });
    const error = spec.given([...orderInvoiced, first]).when(cancel('2024-02-20')).thenThrows(RuleViolationError, 'installment schedule sched-1 is cancelled; only an active schedule can be cancelled');
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['id', 'activeSchedule']]);
  });

  it('refuses cancelling a completed schedule', () => {
    const error = spec.given([...orderInvoiced, completed()]).when(cancel('2024-03-15')).thenThrows(RuleViolationError, 'installment schedule sched-1 is completed; only an active schedule can be cancelled');
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['id', 'activeSchedule']]);
  });

  it('refuses a backdated cancellation', () => {
    const error = spec.given(orderInvoiced).when(cancel('2024-02-14', '2024-02-15')).thenThrows(RuleViolationError, /cannot be backdated/);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['effective', 'notInPast']]);
  });

  it('refuses a schedule that does not exist', () => {
    spec.given([]).when(cancel('2024-02-15')).thenThrows(NotFoundError);
  });
});

describe('CompleteInstallmentSchedule', () => {
  it.each(['paidOff', 'writtenOff'] as const)('completes an active schedule (%s)', (reason) => {
    spec.given(orderInvoiced).when(complete(reason)).then([completed(reason)]);
    expect(fold(installmentScheduleDecider, [...orderInvoiced, completed(reason)])?.status).toBe('completed');
  });

  it('decides nothing the second time', () => {
    spec.given([...orderInvoiced, completed()]).when(complete()).then([]);
  });

  it('refuses completing a cancelled schedule', () => {
    const first = cancelled({ effective: '2024-02-15', requestedOn: '2024-02-15', remainder: 60000, remainderLine: { invoiceDate: '2024-02-15', dueDate: '2024-02-15', amount: 60000, numbers: [2, 3] } });
    spec.given([...orderInvoiced, first]).when(complete()).thenThrows(RuleViolationError, 'installment schedule sched-1 is cancelled; only an active schedule can be completed');
  });
});

describe('installmentScheduleStream', () => {
  it('is installmentSchedule-<tenant>.<scheduleId>', () => {
    expect(installmentScheduleStream('t1', 'sched-1')).toBe('installmentSchedule-t1.sched-1');
  });
});

describe('RealignInstallments (the aligned plan instance changed its billing interval)', () => {
  const alignedTerm: InstallmentTerm = { ...monthly, id: 'aligned-3', schedule: 'aligned', frequency: null, lumpSum: { amount: '100.00' }, lumpSumDaysUntilDue: 3 };
  const alignedHistory = installmentScheduleDecider.decide(
    create({ term: alignedTerm, orderDate: '2024-01-20', upcomingInvoiceDates: ['2024-02-01', '2024-03-01', '2024-04-01'] }),
    null,
  );
  const billedToFeb = [...alignedHistory, invoiced(0, 10000, 'inv-order'), invoiced(1, 30000, 'inv-feb')];
  const realign = (upcomingInvoiceDates: string[], on = '2024-02-10') => ({
    type: 'RealignInstallments' as const,
    data: { scheduleId: 'sched-1', on, upcomingInvoiceDates },
  });

  it('moves the installments not billed yet to the new invoice dates, keeping their days until due', () => {
    spec
      .given(billedToFeb)
      .when(realign(['2024-02-15', '2024-02-29', '2024-03-14']))
      .then([
        {
          type: 'InstallmentsRealigned',
          data: {
            scheduleId: 'sched-1',
            on: '2024-02-10',
            installments: [
              { number: 2, invoiceDate: '2024-02-15', dueDate: '2024-02-25' },
              { number: 3, invoiceDate: '2024-02-29', dueDate: '2024-03-10' },
            ],
          },
        },
      ]);
  });

  it('from yearly invoices: the remaining installments fall a year apart', () => {
    const [event] = installmentScheduleDecider.decide(realign(['2025-01-20', '2026-01-20']), fold(installmentScheduleDecider, billedToFeb));
    const state = fold(installmentScheduleDecider, [...billedToFeb, event]);
    expect(notYetInvoiced(state!).map((row) => [row.number, row.invoiceDate, row.amount])).toEqual([
      [2, '2025-01-20', 30000],
      [3, '2026-01-20', 30000],
    ]);
  });

  it('decides nothing when the dates do not change', () => {
    spec.given(billedToFeb).when(realign(['2024-03-01', '2024-04-01'])).then([]);
  });

  it('refuses too few invoice dates for the installments left', () => {
    const error = spec.given(billedToFeb).when(realign(['2025-01-20'])).thenThrows(RuleViolationError, /2 aligned installments need 2 upcoming invoice dates/);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['planInstanceId', 'enoughInvoiceDates']]);
  });

  it('refuses an independent schedule', () => {
    const error = spec.given(orderInvoiced).when(realign(['2024-03-01', '2024-04-01'])).thenThrows(RuleViolationError);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['id', 'alignedOnly']]);
  });
});

describe('a schedule never collects more than its total (property)', () => {
  type Step = { kind: 'invoice'; number: number } | { kind: 'cancel'; inDays: number } | { kind: 'complete' };
  const steps = fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 12 }).map((number): Step => ({ kind: 'invoice', number })),
      fc.integer({ min: 0, max: 400 }).map((inDays): Step => ({ kind: 'cancel', inDays })),
      fc.constant<Step>({ kind: 'complete' }),
    ),
    { maxLength: 30 },
  );

  it('billed installments plus a cancellation remainder add up to at most the total, and exactly to it when nothing is left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), steps, (total, installments, withLumpSum, plan) => {
        const term: InstallmentTerm = { ...monthly, installments, lumpSum: withLumpSum ? { percent: '25' } : null };
        let events: ReturnType<typeof installmentScheduleDecider.decide>;
        try {
          events = installmentScheduleDecider.decide(create({ term, total }), null);
        } catch {
          return; // a 25 % lump sum of a total of 1 is refused; covered elsewhere
        }
        for (const step of plan) {
          const state = fold(installmentScheduleDecider, events);
          const command =
            step.kind === 'invoice'
              ? invoice(step.number)
              : step.kind === 'cancel'
                ? cancel(addDays('2024-01-31', step.inDays), '2024-01-31')
                : complete();
          try {
            events = [...events, ...installmentScheduleDecider.decide(command, state)];
          } catch (error: unknown) {
            expect(error).toBeInstanceOf(RuleViolationError); // an unknown number, or a settled schedule
          }
        }
        const billed = events.filter((e): e is InstallmentInvoiced => e.type === 'InstallmentInvoiced').reduce((sum, e) => sum + e.data.amount, 0);
        const remainder = events.filter((e): e is InstallmentScheduleCancelled => e.type === 'InstallmentScheduleCancelled').reduce((sum, e) => sum + e.data.remainder, 0);
        const state = fold(installmentScheduleDecider, events)!;
        const left = notYetInvoiced(state).reduce((sum, row) => sum + row.amount, 0);
        expect(billed + remainder).toBeLessThanOrEqual(total);
        if (state.status !== 'completed') expect(billed + remainder + left).toBe(total);
      }),
      { seed: 19, numRuns: 300 },
    );
  });
});
