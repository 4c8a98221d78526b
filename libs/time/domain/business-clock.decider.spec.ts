import { RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { businessClockDecider, currentDate, daysToStart } from './business-clock.decider';

const spec = specFor(businessClockDecider);
const start = (date: string) => ({ type: 'StartBusinessDay' as const, data: { tenantId: 't1', date, initialDate: '2019-02-10' } });
const started = (date: string) => ({ type: 'BusinessDayStarted' as const, data: { tenantId: 't1', date } });

describe('Business clock decider', () => {
  it("starts the day after the tenant's initial date first", () => {
    spec.given([]).when(start('2019-02-11')).then([started('2019-02-11')]);
  });

  it('starts days one at a time, in order', () => {
    spec.given([started('2019-02-11')]).when(start('2019-02-12')).then([started('2019-02-12')]);
    const error = spec.given([started('2019-02-11')]).when(start('2019-02-14')).thenThrows(RuleViolationError, /next day is 2019-02-12/);
    expect(error.details[0]).toMatchObject({ field: 'date', rule: 'nextDay' });
    spec.given([]).when(start('2019-02-12')).thenThrows(RuleViolationError);
  });

  it('changes nothing when a day that already started is started again (a retried advance)', () => {
    spec.given([started('2019-02-11'), started('2019-02-12')]).when(start('2019-02-12')).then([]);
    spec.given([started('2019-02-11')]).when(start('2019-02-10')).then([]);
  });

  it('crosses month ends, leap days and years like the calendar', () => {
    spec.given([]).when({ type: 'StartBusinessDay', data: { tenantId: 't1', date: '2024-02-29', initialDate: '2024-02-28' } }).then([
      { type: 'BusinessDayStarted', data: { tenantId: 't1', date: '2024-02-29' } },
    ]);
    expect(daysToStart('2023-12-30', '2024-01-02')).toEqual(['2023-12-31', '2024-01-01', '2024-01-02']);
  });

  it('tells the current date and the days between two dates', () => {
    expect(currentDate({ lastDay: null }, '2019-02-10')).toBe('2019-02-10');
    expect(currentDate({ lastDay: '2019-03-01' }, '2019-02-10')).toBe('2019-03-01');
    expect(daysToStart('2019-02-27', '2019-03-02')).toEqual(['2019-02-28', '2019-03-01', '2019-03-02']);
    expect(daysToStart('2019-02-27', '2019-02-27')).toEqual([]);
    expect(daysToStart('2019-02-27', '2019-02-01')).toEqual([]);
    expect(daysToStart('2019-01-01', '2020-01-01')).toHaveLength(365);
  });
});
