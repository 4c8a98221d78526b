import { PlanInstanceEvent } from './plan-instance.events';
import { assign, facts, invoicesOf, monthlyPlan, runAll } from './testing/plan-instance-fixtures';

/** DOMAIN.md §3–§4 worked examples, with their exact numbers. */

const plan = monthlyPlan('100.00');

function assigned(events: PlanInstanceEvent[]) {
  const event = events.find((e) => e.type === 'PlanAssigned');
  if (event?.type !== 'PlanAssigned') throw new Error('no PlanAssigned');
  return event.data;
}

describe('DOMAIN.md §4: assigning a plan, monthly at 100.00 USD, today 2019-02-10, retroactive start 2019-02-02', () => {
  it.each([
    // case, altBillDay, invoicing, periodStart, periodEnd, amount, bill day, next bill date, warned
    ['A', undefined, 'full', '2019-02-02', '2019-03-01', 10000, 2, '2019-03-02', false],
    ['B', 22, 'prorated', '2019-02-02', '2019-02-21', 6452, 22, '2019-02-22', false],
    ['C', 7, 'full', '2019-02-02', '2019-03-01', 10000, 2, '2019-03-02', true],
  ])('case %s (altBillDay %s, %s): invoices %s – %s for %i, bill day %i, next bill %s', (_case, altBillDay, invoicingOption, periodStart, periodEnd, amount, billDay, nextBillDate, warned) => {
    const { events, state } = runAll([assign(plan, '2019-02-10', { retroactiveStartDate: '2019-02-02', altBillDay, invoicingOption })]);
    const [invoice] = invoicesOf(events);
    expect(invoice.lines).toHaveLength(1);
    expect(invoice.lines[0]).toMatchObject({ type: 'recurring', periodStart, periodEnd, amount, quantity: '1', unitPrice: '100.00' });
    expect(invoice.total).toBe(amount);
    expect(invoice.invoiceDate).toBe('2019-02-10');
    expect(state?.grid.billDay).toBe(billDay);
    expect(state?.nextBillDate).toBe(nextBillDate);
    expect(assigned(events).warnings).toHaveLength(warned ? 1 : 0);
    if (warned) expect(assigned(events).warnings[0]).toMatch(/altBillDay 7 was ignored/);
  });

  it('case B: 64.52 is 100 × 20/31, and the 22nd is the bill day from then on', () => {
    const { events, state } = runAll([
      assign(plan, '2019-02-10', { retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated' }),
      { type: 'BillPlanInstance', data: { planInstanceId: 'pi-1', ...facts('2019-02-22') } },
      { type: 'BillPlanInstance', data: { planInstanceId: 'pi-1', ...facts('2019-03-22') } },
    ]);
    const [first, second, third] = invoicesOf(events);
    expect(first.lines[0]).toMatchObject({ amount: 6452, prorated: true });
    expect(second.lines[0]).toMatchObject({ periodStart: '2019-02-22', periodEnd: '2019-03-21', amount: 10000, prorated: false });
    expect(third.lines[0]).toMatchObject({ periodStart: '2019-03-22', periodEnd: '2019-04-21', amount: 10000 });
    expect(state?.nextBillDate).toBe('2019-04-22');
  });
});

describe('DOMAIN.md §3: bill day 31 from 2024-01-31, monthly', () => {
  it('periods start 2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30, 2024-05-31', () => {
    const start = assign(plan, '2024-01-31');
    const bills = ['2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31'].map((today) => ({ type: 'BillPlanInstance' as const, data: { planInstanceId: 'pi-1', ...facts(today) } }));
    const { events } = runAll([start, ...bills]);
    expect(invoicesOf(events).map((invoice) => invoice.lines[0].periodStart)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']);
    // A full period is charged in full whatever its length in days.
    expect(invoicesOf(events).map((invoice) => invoice.total)).toEqual([10000, 10000, 10000, 10000, 10000]);
  });
});

describe('DOMAIN.md §4: changing plans mid-period', () => {
  it('monthly 10.00 → 29.00 on 2024-02-15 with bill day 1: credit 5.17 (10 × 15/29), charge 15.00 (29 × 15/29)', () => {
    const ten = monthlyPlan('10.00', { id: 'ten' });
    const twentyNine = monthlyPlan('29.00', { id: 'twenty-nine' });
    const { perCommand } = runAll([
      assign(ten, '2024-02-01'),
      { type: 'SwitchPlan', data: { planInstanceId: 'pi-1', planId: 'twenty-nine', plan: twentyNine, ...facts('2024-02-15') } },
    ]);
    const [invoice] = invoicesOf(perCommand[1]);
    expect(invoice.lines.map(({ type, amount, periodStart, periodEnd }) => ({ type, amount, periodStart, periodEnd }))).toEqual([
      { type: 'credit', amount: -517, periodStart: '2024-02-15', periodEnd: '2024-02-29' },
      { type: 'recurring', amount: 1500, periodStart: '2024-02-15', periodEnd: '2024-02-29' },
    ]);
    expect(invoice.total).toBe(983);
  });

  it('the same numbers as a quantity change: 10 → 29 seats at 1.00 on 2024-02-15', () => {
    const perSeat = monthlyPlan('1.00');
    const { perCommand } = runAll([
      assign(perSeat, '2024-02-01', { quantity: 10 }),
      { type: 'ChangePlanQuantity', data: { planInstanceId: 'pi-1', quantity: 29, ...facts('2024-02-15') } },
    ]);
    expect(invoicesOf(perCommand[1])[0].lines.map((line) => line.amount)).toEqual([-517, 1500]);
  });
});
