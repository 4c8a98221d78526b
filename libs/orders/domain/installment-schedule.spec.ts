import fc from 'fast-check';
import { addDays } from '../../shared-kernel/calendar-date';
import { InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { computeInstallmentSchedule, independentDate, lumpSumAmount, ScheduledInstallment, ScheduleInput } from './installment-schedule';
import { FrequencyUnit, InstallmentTerm, LumpSum, MAX_INSTALLMENTS } from './installment-terms';

const term = (change: Partial<InstallmentTerm> = {}): InstallmentTerm => ({
  id: 'term',
  name: 'Term',
  schedule: 'independent',
  frequency: { unit: 'month', count: 1 },
  installments: 3,
  lumpSum: null,
  daysUntilDue: null,
  lumpSumDaysUntilDue: null,
  ...change,
});

const schedule = (input: Partial<ScheduleInput> & { term?: InstallmentTerm }): ScheduledInstallment[] =>
  computeInstallmentSchedule({ total: 100000, currency: 'USD', term: term(), orderDate: '2024-01-31', daysUntilDue: 0, ...input });

/** [invoiceDate, dueDate, amount] per row, lump sum first. */
const rows = (installments: ScheduledInstallment[]) => installments.map((i) => [i.number, i.kind, i.invoiceDate, i.dueDate, i.amount]);

function refusal(run: () => unknown): string[][] {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(RuleViolationError);
    return (error as RuleViolationError).details.map((d) => [d.field, d.rule]);
  }
  throw new Error('expected a RuleViolationError');
}

describe('computeInstallmentSchedule: amounts', () => {
  it('DOMAIN.md §10: 1,000.00 in 3 is 333.34, 333.33, 333.33', () => {
    expect(schedule({ orderDate: '2024-03-01' }).map((i) => i.amount)).toEqual([33334, 33333, 33333]);
  });

  it.each<[string, number, string, number, LumpSum | null, number[]]>([
    ['1,000.00 in 3', 100000, 'USD', 3, null, [33334, 33333, 33333]],
    ['1,000.00 in 1', 100000, 'USD', 1, null, [100000]],
    ['0.02 in 3: ties go to the earlier installments', 2, 'USD', 3, null, [1, 1, 0]],
    ['1,000 JPY in 3', 1000, 'JPY', 3, null, [334, 333, 333]],
    ['1.000 KWD in 3', 1000, 'KWD', 3, null, [334, 333, 333]],
    ['1,000.00 with 20 % first, 800.00 in 3', 100000, 'USD', 3, { percent: '20' }, [20000, 26667, 26667, 26666]],
    ['1,000.00 with 150.00 first, 850.00 in 4', 100000, 'USD', 4, { amount: '150.00' }, [15000, 21250, 21250, 21250, 21250]],
    ['99.99 with 12.5 % first (12.49875 → 12.50)', 9999, 'USD', 2, { percent: '12.5' }, [1250, 4375, 4374]],
    ['0.05 with 50 % first (0.025 → 0.03, half away from zero)', 5, 'USD', 2, { percent: '50' }, [3, 1, 1]],
    ['0.10 with 0.5 % first: rounds to nothing, so no lump-sum row', 10, 'USD', 2, { percent: '0.5' }, [5, 5]],
    ['1,000 JPY with 33.3333 % first', 1000, 'JPY', 2, { percent: '33.3333' }, [333, 334, 333]],
  ])('%s', (_, total, currency, installments, lumpSum, amounts) => {
    const result = schedule({ total, currency, term: term({ installments, lumpSum }) });
    expect(result.map((i) => i.amount)).toEqual(amounts);
    expect(result.reduce((sum, i) => sum + i.amount, 0)).toBe(total);
  });

  it.each<[string, number, LumpSum, string]>([
    ['an amount over the total', 10000, { amount: '100.01' }, 'lumpSum.amount'],
    ['an amount equal to the total', 10000, { amount: '100.00' }, 'lumpSum.amount'],
    ['a percent that rounds up to the whole of a tiny total', 1, { percent: '50' }, 'lumpSum.percent'],
  ])('refuses a lump sum of %s', (_, total, lumpSum, field) => {
    expect(refusal(() => schedule({ total, term: term({ lumpSum }) }))).toEqual([[field, 'lumpSumBelowTotal']]);
  });

  it('says why a lump sum is refused', () => {
    expect(() => lumpSumAmount({ amount: '1200.00' }, 100000, 'USD')).toThrow(
      'the lump sum (1200.00 USD) must be less than the order total of 1000.00 USD, so that installments remain',
    );
  });

  it("refuses a lump-sum amount finer than the order's currency", () => {
    expect(() => schedule({ currency: 'JPY', term: term({ lumpSum: { amount: '10.5' } }) })).toThrow(InvalidInputError);
  });

  it('refuses a total of zero or less', () => {
    expect(refusal(() => schedule({ total: 0 }))).toEqual([['total', 'positive']]);
    expect(refusal(() => schedule({ total: -100 }))).toEqual([['total', 'positive']]);
  });
});

describe('computeInstallmentSchedule: independent dates', () => {
  it.each<[string, FrequencyUnit, number, string, string[]]>([
    ['monthly from Jan 31 in a leap year: Feb 29, then back to the 31st', 'month', 1, '2024-01-31', ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']],
    ['monthly from Jan 31 in a common year: Feb 28', 'month', 1, '2023-01-31', ['2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30', '2023-05-31']],
    ['monthly from Jan 30: Feb clamps, March keeps the 30th', 'month', 1, '2023-01-30', ['2023-01-30', '2023-02-28', '2023-03-30', '2023-04-30', '2023-05-30']],
    ['monthly from Feb 29: the 29th of each later month', 'month', 1, '2024-02-29', ['2024-02-29', '2024-03-29', '2024-04-29', '2024-05-29', '2024-06-29']],
    ['every 12 months from Feb 29: Feb 28 in common years, Feb 29 again in 2028', 'month', 12, '2024-02-29', ['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']],
    ['every 3 months across the year end', 'month', 3, '2024-11-30', ['2024-11-30', '2025-02-28', '2025-05-30', '2025-08-30', '2025-11-30']],
    ['weekly across the year end', 'week', 1, '2024-12-18', ['2024-12-18', '2024-12-25', '2025-01-01', '2025-01-08', '2025-01-15']],
    ['every 2 weeks across Feb 29', 'week', 2, '2024-02-15', ['2024-02-15', '2024-02-29', '2024-03-14', '2024-03-28', '2024-04-11']],
    ['daily across Feb 29', 'day', 1, '2024-02-27', ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']],
    ['every 10 days', 'day', 10, '2023-02-20', ['2023-02-20', '2023-03-02', '2023-03-12', '2023-03-22', '2023-04-01']],
  ])('%s', (_, unit, count, orderDate, dates) => {
    const result = schedule({ orderDate, term: term({ frequency: { unit, count }, installments: 5 }) });
    expect(result.map((i) => i.invoiceDate)).toEqual(dates);
  });

  it('bills the first installment on the order date and each is due daysUntilDue later', () => {
    expect(rows(schedule({ orderDate: '2024-01-31', daysUntilDue: 30 }))).toEqual([
      [1, 'installment', '2024-01-31', '2024-03-01', 33334],
      [2, 'installment', '2024-02-29', '2024-03-30', 33333],
      [3, 'installment', '2024-03-31', '2024-04-30', 33333],
    ]);
  });

  it('puts the lump sum first, on the order date, due like the installments (lumpSumDaysUntilDue is for aligned terms)', () => {
    const result = schedule({ orderDate: '2024-05-10', daysUntilDue: 15, term: term({ lumpSum: { percent: '10' }, lumpSumDaysUntilDue: 2 }) });
    expect(rows(result)).toEqual([
      [0, 'lumpSum', '2024-05-10', '2024-05-25', 10000],
      [1, 'installment', '2024-05-10', '2024-05-25', 30000],
      [2, 'installment', '2024-06-10', '2024-06-25', 30000],
      [3, 'installment', '2024-07-10', '2024-07-25', 30000],
    ]);
  });

  it('computes any step from the order date (independentDate)', () => {
    expect(independentDate('2024-01-31', { unit: 'month', count: 1 }, 13)).toBe('2025-02-28');
    expect(independentDate('2024-01-31', { unit: 'week', count: 1 }, 0)).toBe('2024-01-31');
  });
});

describe('computeInstallmentSchedule: aligned dates', () => {
  const alignedTerm = term({ schedule: 'aligned', frequency: null, installments: 3, lumpSum: { amount: '100.00' }, lumpSumDaysUntilDue: 5 });
  const planInvoices = ['2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01'];

  it('falls on the plan instance’s upcoming invoice dates; the lump sum on the order date with its own days until due', () => {
    const result = schedule({ orderDate: '2024-01-20', daysUntilDue: 20, term: alignedTerm, upcomingInvoiceDates: planInvoices });
    expect(rows(result)).toEqual([
      [0, 'lumpSum', '2024-01-20', '2024-01-25', 10000],
      [1, 'installment', '2024-02-01', '2024-02-21', 30000],
      [2, 'installment', '2024-03-01', '2024-03-21', 30000],
      [3, 'installment', '2024-04-01', '2024-04-21', 30000],
    ]);
  });

  it('without lumpSumDaysUntilDue the lump sum is due like the installments', () => {
    const result = schedule({ orderDate: '2024-01-20', daysUntilDue: 20, term: { ...alignedTerm, lumpSumDaysUntilDue: null }, upcomingInvoiceDates: planInvoices });
    expect(result[0]).toEqual({ number: 0, kind: 'lumpSum', invoiceDate: '2024-01-20', dueDate: '2024-02-09', amount: 10000 });
  });

  it('follows month-end invoice dates as the plan instance bills them', () => {
    const monthEnds = ['2024-01-31', '2024-02-29', '2024-03-31'];
    const result = schedule({ orderDate: '2024-01-15', term: term({ schedule: 'aligned', frequency: null }), upcomingInvoiceDates: monthEnds });
    expect(result.map((i) => i.invoiceDate)).toEqual(monthEnds);
  });

  it('refuses when the plan instance has too few upcoming invoice dates', () => {
    expect(refusal(() => schedule({ term: alignedTerm, orderDate: '2024-01-20', upcomingInvoiceDates: planInvoices.slice(0, 2) }))).toEqual([
      ['planInstanceId', 'enoughInvoiceDates'],
    ]);
  });

  it('treats invoice dates out of order or before the order date as a bug of the caller', () => {
    expect(() => schedule({ term: alignedTerm, orderDate: '2024-03-15', upcomingInvoiceDates: planInvoices })).toThrow(RangeError);
    expect(() => schedule({ term: alignedTerm, orderDate: '2024-01-15', upcomingInvoiceDates: ['2024-02-01', '2024-02-01', '2024-03-01'] })).toThrow(RangeError);
  });
});

describe('computeInstallmentSchedule: properties', () => {
  const lumpSums = fc.oneof(
    fc.constant<LumpSum | null>(null),
    fc.integer({ min: 1, max: 9999 }).map((p): LumpSum => ({ percent: (p / 100).toString() })),
    fc.integer({ min: 1, max: 10_000_000 }).map((a): LumpSum => ({ amount: `${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}` })),
  );
  const units = fc.constantFrom<FrequencyUnit>('day', 'week', 'month');

  it('installments always add up to the order total, never collect more, and are at most one unit apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: MAX_INSTALLMENTS }),
        lumpSums,
        units,
        fc.integer({ min: 0, max: 20_000 }),
        (total, installments, lumpSum, unit, day) => {
          const orderDate = addDays('2000-01-01', day);
          let result: ScheduledInstallment[];
          try {
            result = schedule({ total, orderDate, term: term({ installments, lumpSum, frequency: { unit, count: 1 } }) });
          } catch (error: unknown) {
            // Only a lump sum at or over the total is refused.
            expect(lumpSum).not.toBeNull();
            expect((error as RuleViolationError).details.map((d) => d.rule)).toEqual(['lumpSumBelowTotal']);
            return;
          }
          expect(result.reduce((sum, i) => sum + i.amount, 0)).toBe(total);
          expect(result.every((i) => Number.isSafeInteger(i.amount) && i.amount >= 0)).toBe(true);
          const regular = result.filter((i) => i.kind === 'installment');
          expect(regular.map((i) => i.number)).toEqual(Array.from({ length: installments }, (_, k) => k + 1));
          expect(Math.max(...regular.map((i) => i.amount)) - Math.min(...regular.map((i) => i.amount))).toBeLessThanOrEqual(1);
          // Earlier installments never get less than later ones (ties go to the earlier part).
          regular.forEach((i, k) => k === 0 || expect(regular[k - 1].amount).toBeGreaterThanOrEqual(i.amount));
          // Dates never go backwards.
          result.forEach((i, k) => k === 0 || expect(result[k - 1].invoiceDate <= i.invoiceDate).toBe(true));
        },
      ),
      { seed: 19, numRuns: 500 },
    );
  });
});
