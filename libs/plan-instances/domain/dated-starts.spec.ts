import { DomainError, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { planInstanceDecider } from './plan-instance.decider';
import { shownStatus, PlanInstance } from './plan-instance';
import { PlanInstanceEvent } from './plan-instance.events';
import { scheduledDateOf, scheduledInvoice } from './scheduled-invoice';
import { assign, bill, cancel, changeQuantity, facts, history, invoicesOf, linesOf, monthlyPlan, runAll, switchPlan } from './testing/plan-instance-fixtures';

/** Issue 23: future-dated assignment (Must have 3) and previews of dated changes (Must have 5). */

const spec = specFor(planInstanceDecider);
const basic = monthlyPlan('100.00');
const ten = monthlyPlan('10.00', { id: 'ten', name: 'Ten' });
const twentyNine = monthlyPlan('29.00', { id: 'twenty-nine', name: 'Twenty-nine' });
const quarterly = monthlyPlan('30.00', { id: 'quarterly', name: 'Quarterly', interval: { unit: 'month', count: 3 } });
const invoiceId = (n: number) => deterministicUuid('invoice', 'pi-1', String(n));

const TODAY = '2024-02-10';
const START = '2024-03-05';

function decided(given: PlanInstanceEvent[], command: Parameters<typeof planInstanceDecider.decide>[0]): PlanInstanceEvent[] {
  return runAll([command], given).perCommand[0];
}

function stateOf(events: PlanInstanceEvent[]): PlanInstance {
  return runAll([], events).state as PlanInstance;
}

function expectRefused(error: DomainError, status: number, field: string, rule: string) {
  expect(error.status).toBe(status);
  expect(error.details).toEqual([expect.objectContaining({ field, rule })]);
}

describe('future-dated assignment (startDate after today)', () => {
  it('records the assignment only: pending, nothing billed, the bill day and grid from the start date', () => {
    const events = decided([], assign(basic, TODAY, { startDate: START }));

    expect(events).toEqual([
      {
        type: 'PlanAssigned',
        data: expect.objectContaining({ startDate: START, anchorDate: START, billDay: 5, status: 'active', assignedOn: TODAY, prorationRule: 'prorate' }),
      },
    ]);
    const state = stateOf(events);
    expect(shownStatus(state)).toBe('pending');
    expect(state.nextBillDate).toBe(START);
    expect(state.activation).toEqual({ on: START, prorationRule: 'prorate' });
  });

  it('the bill run before the start date decides nothing', () => {
    spec.given(history(assign(basic, TODAY, { startDate: START }))).when(bill('2024-03-04')).then([]);
  });

  it('on the start date the bill run starts it and posts 100.00 for 2024-03-05 – 2024-04-04, as an assignment made that day', () => {
    const given = history(assign(basic, TODAY, { startDate: START }));

    const events = decided(given, bill(START));

    expect(events[0]).toEqual({ type: 'PlanInstanceActivated', data: { planInstanceId: 'pi-1', accountId: 'acc-1', status: 'active', activatedOn: START } });
    expect(events[1]).toMatchObject({ type: 'PlanInstanceBilled', data: { reason: 'assignment', nextBillDate: '2024-04-05' } });
    const [invoice] = invoicesOf(events);
    expect(invoice).toMatchObject({ invoiceId: invoiceId(1), invoiceDate: START, dueDate: START, total: 10000 });
    expect(linesOf(invoice)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: START, periodEnd: '2024-04-04', quantity: '1', amount: 10000 }]);
    expect(invoicesOf(history(assign(basic, START)))).toEqual([invoice]);
    expect(shownStatus(stateOf([...given, ...events]))).toBe('active');
  });

  it.each([
    ['full invoicing', {}, 10000],
    // Bill day 22: the stub 2024-03-05 – 2024-03-21 is 17 of [2024-02-22, 2024-03-22)'s 29 days: 100 × 17/29 = 58.62.
    ['altBillDay 22, prorated', { altBillDay: 22, invoicingOption: 'prorated' }, 5862],
    ['altBillDay 22, prorated, proration none for this call (the stub is free)', { altBillDay: 22, invoicingOption: 'prorated', prorationRule: 'none' }, null],
    ['quantity 3', { quantity: 3 }, 30000],
  ])('%s: the same invoice as assigning on the start date', (_case, input, total) => {
    const onStart = decided(history(assign(basic, TODAY, { startDate: START, ...input })), bill(START, { tenantProrationRule: 'prorate' }));
    const sameDay = history(assign(basic, START, input));

    expect(invoicesOf(onStart)).toEqual(invoicesOf(sameDay));
    expect(invoicesOf(onStart)[0]?.total ?? null).toBe(total);
  });

  it('a bill run that reaches the start late catches up from the start date', () => {
    const events = decided(history(assign(basic, TODAY, { startDate: START })), bill('2024-03-07'));

    const [invoice] = invoicesOf(events);
    expect(invoice.invoiceDate).toBe('2024-03-07');
    expect(linesOf(invoice)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: START, periodEnd: '2024-04-04', quantity: '1', amount: 10000 }]);
  });

  it('startDate today is an ordinary assignment: billed now, active', () => {
    const events = decided([], assign(basic, TODAY, { startDate: TODAY }));

    expect(invoicesOf(events)).toEqual(invoicesOf(history(assign(basic, TODAY))));
    expect(stateOf(events).activation).toBeUndefined();
  });

  describe('changed before its start', () => {
    const given = () => history(assign(basic, TODAY, { startDate: START }));

    it('a quantity change changes the quantity it starts with: nothing credited or charged now, 300.00 on the start date', () => {
      const changed = decided(given(), changeQuantity(3, '2024-02-20'));
      expect(changed).toEqual([
        { type: 'PlanQuantityChanged', data: { planInstanceId: 'pi-1', accountId: 'acc-1', from: 1, to: 3, effectiveDate: START, prorationRule: 'prorate' } },
      ]);

      expect(invoicesOf(decided([...given(), ...changed], bill(START)))[0].total).toBe(30000);
    });

    it('a switch starts it on the new plan: 29.00 on the start date, nothing now', () => {
      const changed = decided(given(), switchPlan(twentyNine, '2024-02-20'));
      expect(changed.map((event) => event.type)).toEqual(['PlanSwitched']);
      expect(changed[0]).toMatchObject({ data: { effectiveDate: START, grid: { anchorDate: START, billDay: 5 } } });

      const [invoice] = invoicesOf(decided([...given(), ...changed], bill(START)));
      expect(linesOf(invoice)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: START, periodEnd: '2024-04-04', quantity: '1', amount: 2900 }]);
    });

    it('a switch to another interval lays the grid from the start date: 30.00 for 2024-03-05 – 2024-06-04', () => {
      const changed = decided(given(), switchPlan(quarterly, '2024-02-20'));

      const [invoice] = invoicesOf(decided([...given(), ...changed], bill(START)));
      expect(linesOf(invoice)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: START, periodEnd: '2024-06-04', quantity: '1', amount: 3000 }]);
    });

    it('a cancellation now ends it before it starts: nothing credited, nothing billed on the start date', () => {
      const changed = decided(given(), cancel('2024-02-20'));
      expect(changed).toEqual([
        { type: 'PlanCancelled', data: { planInstanceId: 'pi-1', accountId: 'acc-1', effectiveDate: '2024-02-20', prorationRule: 'prorate' } },
      ]);
      expect(decided([...given(), ...changed], bill(START))).toEqual([]);
    });

    it('a cancellation dated before the start is applied by the bill run on that date: never started, nothing billed', () => {
      const scheduled = decided(given(), cancel('2024-02-20', { effective: '2024-03-01' }));
      expect(scheduled.map((event) => event.type)).toEqual(['PlanChangeScheduled']);

      const onTheDay = decided([...given(), ...scheduled], bill('2024-03-01'));
      expect(onTheDay.map((event) => event.type)).toEqual(['PlanCancelled']);
      expect(invoicesOf(onTheDay)).toEqual([]);
    });

    it('a cancellation dated in the past is refused: 422 effective notInPast', () => {
      const error = spec.given(given()).when(cancel('2024-02-20', { effective: '2024-02-19' })).thenThrows(RuleViolationError, /may not take effect before today/);
      expectRefused(error, 422, 'effective', 'notInPast');
    });
  });

  describe('refusals (nothing is decided)', () => {
    it('a startDate in the past: 422 on startDate, rule notInPast', () => {
      const error = spec.given([]).when(assign(basic, TODAY, { startDate: '2024-02-09' })).thenThrows(RuleViolationError, /startDate 2024-02-09 is before today \(2024-02-10\)/);
      expectRefused(error, 422, 'startDate', 'notInPast');
    });

    it('startDate with retroactiveStartDate: 400 on startDate, rule oneStartDate', () => {
      const error = spec.given([]).when(assign(basic, TODAY, { startDate: START, retroactiveStartDate: '2024-02-01' })).thenThrows(InvalidInputError);
      expectRefused(error, 400, 'startDate', 'oneStartDate');
    });

    it.each(['2024-02-30', '2024-3-5', 20240305, '2300-01-01'])('startDate %j is not a date in range: 400 on startDate', (startDate) => {
      const error = spec.given([]).when(assign(basic, TODAY, { startDate })).thenThrows(InvalidInputError);
      expect(error.details).toEqual([expect.objectContaining({ field: 'startDate' })]);
    });

    it('a retroactiveStartDate in the future is still refused: 422 notInFuture', () => {
      const error = spec.given([]).when(assign(basic, TODAY, { retroactiveStartDate: START })).thenThrows(RuleViolationError);
      expectRefused(error, 422, 'retroactiveStartDate', 'notInFuture');
    });
  });
});

describe('what a dated change will post (scheduledInvoice)', () => {
  // 10.00 monthly from 2024-02-01 (bill day 1); changes asked on 2024-02-15.
  const given = () => history(assign(ten, '2024-02-01'));
  const ASKED = '2024-02-15';

  /** The invoice the bill run really posts on `date`, after the bill runs of the days before it. */
  function postedOn(events: PlanInstanceEvent[], date: string, between: string[] = []) {
    const before = runAll(between.map((day) => bill(day)), events).events;
    return invoicesOf(decided(before, bill(date)))[0] ?? null;
  }

  it('a cancellation dated a month ahead (2024-03-20): the credit of 2024-03-20 – 2024-03-31, 10 × 12/31 = 3.87, dated that day', () => {
    const scheduled = decided(given(), cancel(ASKED, { effective: '2024-03-20' }));
    const events = [...given(), ...scheduled];
    expect(scheduledDateOf(scheduled, ASKED)).toBe('2024-03-20');

    const invoice = scheduledInvoice(stateOf(events), facts(ASKED), '2024-03-20');

    expect(invoice).toMatchObject({ invoiceDate: '2024-03-20', dueDate: '2024-03-20', total: -387, invoiceId: invoiceId(3) });
    expect(linesOf(invoice!)).toEqual([{ type: 'credit', serviceId: 'seat', periodStart: '2024-03-20', periodEnd: '2024-03-31', quantity: '1', amount: -387 }]);
    // Exactly what the bill run posts that day (after the 2024-03-01 run posts March's 10.00).
    expect(invoice).toEqual(postedOn(events, '2024-03-20', ['2024-03-01']));
  });

  it('a cancellation within the period (2024-02-20): credit 10 × 10/29 = 3.45', () => {
    const scheduled = decided(given(), cancel(ASKED, { effective: '2024-02-20' }));
    const events = [...given(), ...scheduled];

    const invoice = scheduledInvoice(stateOf(events), facts(ASKED), '2024-02-20');

    expect(invoice?.total).toBe(-345);
    expect(invoice).toEqual(postedOn(events, '2024-02-20'));
  });

  it('a cancellation under proration none posts nothing: null', () => {
    const scheduled = decided(given(), cancel(ASKED, { effective: '2024-02-20', prorationRule: 'none' }));

    expect(scheduledInvoice(stateOf([...given(), ...scheduled]), facts(ASKED), '2024-02-20')).toBeNull();
  });

  it('a switch at the next bill date: 29.00 for March on 2024-03-01', () => {
    const scheduled = decided(given(), switchPlan(twentyNine, ASKED, { effective: 'nextBillDate' }));
    const events = [...given(), ...scheduled];
    expect(scheduledDateOf(scheduled, ASKED)).toBe('2024-03-01');

    const invoice = scheduledInvoice(stateOf(events), facts(ASKED), '2024-03-01');

    expect(invoice?.total).toBe(2900);
    expect(invoice).toEqual(postedOn(events, '2024-03-01'));
  });

  it('a future-dated assignment: what its start date posts, with the id it will have', () => {
    const assigned = decided([], assign(basic, TODAY, { startDate: START, altBillDay: 22, invoicingOption: 'prorated' }));
    expect(scheduledDateOf(assigned, TODAY)).toBe(START);

    const invoice = scheduledInvoice(stateOf(assigned), facts(TODAY), START);

    expect(invoice).toMatchObject({ invoiceId: invoiceId(1), invoiceDate: START, total: 5862 });
    expect(invoice).toEqual(postedOn(assigned, START));
  });

  it('a command that scheduled nothing has no date', () => {
    expect(scheduledDateOf(decided(given(), changeQuantity(3, ASKED)), ASKED)).toBeNull();
  });
});
