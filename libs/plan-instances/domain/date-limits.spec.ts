import { DomainError, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { planInstanceDecider } from './plan-instance.decider';
import { assign, cancel, history, invoicesOf, monthlyPlan, runAll } from './testing/plan-instance-fixtures';

/** Issue 15: input dates within 1900-01-01..2199-12-31; a retroactive start at most N periods back (default 120). */

const spec = specFor(planInstanceDecider);
const basic = monthlyPlan('1.00');
const quarterly = monthlyPlan('3.00', { id: 'quarterly', interval: { unit: 'month', count: 3 } });
const weekly = monthlyPlan('1.00', { id: 'weekly', interval: { unit: 'week', count: 1 } });

function refusal(error: DomainError) {
  expect(error.details).toHaveLength(1);
  return { status: error.status, ...error.details[0] };
}

describe('retroactiveStartDate: at most maxRetroactivePeriods periods of the plan before today', () => {
  it('monthly, today 2019-02-10: 120 periods back (2009-02-10) is accepted, one line per period begun by today', () => {
    const { events } = runAll([assign(basic, '2019-02-10', { retroactiveStartDate: '2009-02-10' })]);
    const [invoice] = invoicesOf(events);
    expect(invoice.lines).toHaveLength(121); // 120 past periods and the one that begins today
    expect(invoice.lines[0]).toMatchObject({ periodStart: '2009-02-10' });
  });

  it.each(['2009-01-10', '2009-02-09'])('monthly, today 2019-02-10: %s (121 periods back, or part of it) is refused with 422', (retroactiveStartDate) => {
    const error = spec.given([]).when(assign(basic, '2019-02-10', { retroactiveStartDate })).thenThrows(RuleViolationError);
    expect(refusal(error)).toEqual({
      status: 422,
      field: 'retroactiveStartDate',
      rule: 'maxRetroactivePeriods',
      message:
        `retroactiveStartDate may be at most 120 periods of plan basic (1 month each) before today (2019-02-10): ` +
        `the earliest is 2009-02-10 (got ${retroactiveStartDate}; the limit is the tenant's settings.maxRetroactivePeriods)`,
    });
  });

  it('counts in periods of the plan: quarterly 360 months, weekly 840 days', () => {
    expect(() => runAll([assign(quarterly, '2019-02-10', { retroactiveStartDate: '1989-02-10' })])).not.toThrow();
    expect(() => runAll([assign(quarterly, '2019-02-10', { retroactiveStartDate: '1989-02-09' })])).toThrow(/at most 120 periods of plan quarterly \(3 months each\).*earliest is 1989-02-10/);
    expect(() => runAll([assign(weekly, '2019-02-10', { retroactiveStartDate: '2016-10-23' })])).not.toThrow();
    expect(() => runAll([assign(weekly, '2019-02-10', { retroactiveStartDate: '2016-10-22' })])).toThrow(/earliest is 2016-10-23/);
  });

  it("follows the tenant's setting, month ends clamped like billing's own grid", () => {
    expect(() => runAll([assign(basic, '2020-02-29', { retroactiveStartDate: '2019-02-28', maxRetroactivePeriods: 12 })])).not.toThrow();
    expect(() => runAll([assign(basic, '2020-02-29', { retroactiveStartDate: '2019-02-27', maxRetroactivePeriods: 12 })])).toThrow(
      /at most 12 periods.*earliest is 2019-02-28/,
    );
    expect(() => runAll([assign(basic, '2019-02-10', { retroactiveStartDate: '1919-02-10', maxRetroactivePeriods: 1200 })])).not.toThrow();
  });

  it.each(['0000-01-01', '1899-12-31'])('%s is out of the date range: 400 dateRange, before any period is counted', (retroactiveStartDate) => {
    const error = spec.given([]).when(assign(basic, '2019-02-10', { retroactiveStartDate, maxRetroactivePeriods: 1200 })).thenThrows(InvalidInputError);
    expect(refusal(error)).toEqual({
      status: 400,
      field: 'retroactiveStartDate',
      rule: 'dateRange',
      message: `retroactiveStartDate must be a date from 1900-01-01 to 2199-12-31 (got "${retroactiveStartDate}")`,
    });
  });

  it('1900-01-01, the first date of the range, is accepted', () => {
    expect(() => runAll([assign(basic, '1900-03-01', { retroactiveStartDate: '1900-01-01' })])).not.toThrow();
  });
});

describe('CancelPlan effective: a date within the range', () => {
  const given = history(assign(basic, '2019-02-10'));

  it('2199-12-31 is scheduled', () => {
    const { perCommand } = runAll([cancel('2019-02-10', { effective: '2199-12-31' })], given);
    expect(perCommand[0].map((event) => event.type)).toContain('PlanChangeScheduled');
  });

  it('2200-01-01 is refused with 400 dateRange, deciding nothing', () => {
    const error = spec.given(given).when(cancel('2019-02-10', { effective: '2200-01-01' })).thenThrows(InvalidInputError);
    expect(refusal(error)).toMatchObject({ status: 400, field: 'effective', rule: 'dateRange' });
  });
});
