import fc from 'fast-check';
import { BillingInterval } from '../../catalog/domain/plan.events';
import { addDays, compareDates, daysBetween, toIsoDate, toPlainDate } from '../../shared-kernel/calendar-date';
import { boundary, days, gridFor, lastDay, nextBoundaryAfter, periodContaining, periodIndexOf } from './billing-grid';
import { BillingGrid } from './plan-instance.events';

/** DOMAIN.md §3: period k starts at the anchor plus k intervals, on the bill day, clamped to short months. */

const month = (count = 1): BillingInterval => ({ unit: 'month', count });
const week = (count = 1): BillingInterval => ({ unit: 'week', count });
const grid = (anchorDate: string, billDay: number, interval: BillingInterval): BillingGrid => ({ anchorDate, billDay, interval });

describe('boundary(k): the anchor plus k intervals, computed from the anchor', () => {
  it.each([
    // anchor, bill day, interval, k → boundary
    // Bill day 31 from 2024-01-31 (DOMAIN.md §3): February clamps to its last day, March returns to the 31st.
    ['2024-01-31', 31, month(), 0, '2024-01-31'],
    ['2024-01-31', 31, month(), 1, '2024-02-29'], // leap year
    ['2024-01-31', 31, month(), 2, '2024-03-31'], // back to the bill day, not dragged to the 29th
    ['2024-01-31', 31, month(), 3, '2024-04-30'],
    ['2024-01-31', 31, month(), 4, '2024-05-31'],
    ['2023-01-31', 31, month(), 1, '2023-02-28'], // common year
    ['2023-01-31', 31, month(), 2, '2023-03-31'],
    // Bill days 29 and 30 through February.
    ['2024-01-29', 29, month(), 1, '2024-02-29'], // 2024 has a 29th: no clamping
    ['2023-01-29', 29, month(), 1, '2023-02-28'],
    ['2023-01-29', 29, month(), 2, '2023-03-29'],
    ['2024-01-30', 30, month(), 1, '2024-02-29'],
    ['2023-01-30', 30, month(), 1, '2023-02-28'],
    ['2023-01-30', 30, month(), 2, '2023-03-30'],
    // An anchor on a clamped day keeps the bill day: 2024-02-29 anchored for bill day 31.
    ['2024-02-29', 31, month(), 1, '2024-03-31'],
    ['2024-02-29', 31, month(), -1, '2024-01-31'],
    // Yearly from 2024-02-29: the 28th in common years, the 29th again in 2028.
    ['2024-02-29', 29, month(12), 1, '2025-02-28'],
    ['2024-02-29', 29, month(12), 2, '2026-02-28'],
    ['2024-02-29', 29, month(12), 3, '2027-02-28'],
    ['2024-02-29', 29, month(12), 4, '2028-02-29'],
    ['2024-02-29', 29, month(12), -1, '2023-02-28'],
    // Quarterly and 6-monthly.
    ['2024-01-31', 31, month(3), 1, '2024-04-30'],
    ['2024-01-31', 31, month(3), 2, '2024-07-31'],
    ['2024-01-31', 31, month(3), 4, '2025-01-31'],
    ['2024-01-31', 31, month(3), -1, '2023-10-31'],
    ['2023-11-30', 30, month(3), 1, '2024-02-29'],
    ['2023-11-30', 30, month(3), 2, '2024-05-30'],
    ['2023-08-31', 31, month(6), 1, '2024-02-29'],
    ['2023-08-31', 31, month(6), 2, '2024-08-31'],
    ['2023-08-31', 31, month(6), 3, '2025-02-28'],
    ['2023-08-31', 31, month(6), -1, '2023-02-28'],
    // Negative k: the period before the anchor, which measures a stub (DOMAIN.md §4 case B).
    ['2019-02-22', 22, month(), -1, '2019-01-22'],
    ['2019-02-22', 22, month(3), -1, '2018-11-22'],
    ['2024-03-31', 31, month(), -1, '2024-02-29'],
    ['2024-03-31', 31, month(), -2, '2024-01-31'],
    ['2024-01-15', 15, month(), -13, '2022-12-15'],
    // Weeks: 7 × count days, whatever the month.
    ['2024-02-26', 26, week(), 1, '2024-03-04'],
    ['2024-02-26', 26, week(), 2, '2024-03-11'],
    ['2024-02-26', 26, week(), -1, '2024-02-19'],
    ['2024-02-26', 26, week(2), 1, '2024-03-11'],
    ['2024-02-26', 26, week(2), -1, '2024-02-12'],
    ['2023-12-28', 28, week(), 1, '2024-01-04'],
  ])('anchor %s, bill day %i, %o: boundary(%i) = %s', (anchor, billDay, interval, k, expected) => {
    expect(boundary(grid(anchor, billDay, interval), k)).toBe(expected);
  });
});

describe('periodIndexOf / periodContaining: the largest k with boundary(k) ≤ date', () => {
  it.each([
    // anchor, bill day, interval, date → k, [from, to), days in the period
    ['2024-01-31', 31, month(), '2024-01-31', 0, '2024-01-31', '2024-02-29', 29],
    ['2024-01-31', 31, month(), '2024-02-28', 0, '2024-01-31', '2024-02-29', 29],
    ['2024-01-31', 31, month(), '2024-02-29', 1, '2024-02-29', '2024-03-31', 31],
    ['2024-01-31', 31, month(), '2024-03-30', 1, '2024-02-29', '2024-03-31', 31],
    ['2024-01-31', 31, month(), '2024-03-31', 2, '2024-03-31', '2024-04-30', 30],
    ['2024-01-31', 31, month(), '2024-01-30', -1, '2023-12-31', '2024-01-31', 31],
    // Far from the anchor: the first guess from whole months is corrected by the loops.
    ['2024-01-31', 31, month(), '2030-02-27', 72, '2030-01-31', '2030-02-28', 28],
    ['2024-01-31', 31, month(), '2030-02-28', 73, '2030-02-28', '2030-03-31', 31],
    ['2024-01-31', 31, month(), '2020-03-01', -47, '2020-02-29', '2020-03-31', 31],
    ['2023-01-31', 31, month(), '2023-02-28', 1, '2023-02-28', '2023-03-31', 31],
    // The stub of case B: 2019-02-02 lies in [2019-01-22, 2019-02-22), 31 days, so 20 stub days are 20/31.
    ['2019-02-22', 22, month(), '2019-02-02', -1, '2019-01-22', '2019-02-22', 31],
    ['2019-02-22', 22, month(), '2019-02-21', -1, '2019-01-22', '2019-02-22', 31],
    ['2019-02-22', 22, month(), '2019-02-22', 0, '2019-02-22', '2019-03-22', 28],
    // Yearly from 2024-02-29: 365, 365, 365, then 366 days (to 2028-02-29).
    ['2024-02-29', 29, month(12), '2025-02-27', 0, '2024-02-29', '2025-02-28', 365],
    ['2024-02-29', 29, month(12), '2025-02-28', 1, '2025-02-28', '2026-02-28', 365],
    ['2024-02-29', 29, month(12), '2028-02-28', 3, '2027-02-28', '2028-02-29', 366],
    ['2024-02-29', 29, month(12), '2028-02-29', 4, '2028-02-29', '2029-02-28', 365],
    // Quarterly: the quarter holding 2024-02-29 from a 30th anchor.
    ['2023-11-30', 30, month(3), '2024-02-28', 0, '2023-11-30', '2024-02-29', 91],
    ['2023-11-30', 30, month(3), '2024-02-29', 1, '2024-02-29', '2024-05-30', 91],
    ['2023-08-31', 31, month(6), '2024-01-01', 0, '2023-08-31', '2024-02-29', 182],
    // Weeks.
    ['2024-02-26', 26, week(), '2024-02-25', -1, '2024-02-19', '2024-02-26', 7],
    ['2024-02-26', 26, week(), '2024-03-03', 0, '2024-02-26', '2024-03-04', 7],
    ['2024-02-26', 26, week(), '2024-03-04', 1, '2024-03-04', '2024-03-11', 7],
    ['2024-02-26', 26, week(2), '2024-03-10', 0, '2024-02-26', '2024-03-11', 14],
    ['2024-02-26', 26, week(2), '2024-02-25', -1, '2024-02-12', '2024-02-26', 14],
  ])('anchor %s, bill day %i, %o: %s is in period %i = [%s, %s), %i days', (anchor, billDay, interval, date, k, from, to, length) => {
    const g = grid(anchor, billDay, interval);
    expect(periodIndexOf(g, date)).toBe(k);
    const period = periodContaining(g, date);
    expect(period).toEqual({ from, to });
    expect(days(period)).toBe(length);
    expect(nextBoundaryAfter(g, date)).toBe(to);
    expect(lastDay(period)).toBe(addDays(to, -1));
  });
});

describe('gridFor: anchored on the start, or on the next bill day with [start, anchor) a stub', () => {
  it.each([
    // start, bill day, interval → anchor, bill day kept
    ['2019-02-02', 2, month(), '2019-02-02', 2], // case A/C: the start's own day, no stub
    ['2019-02-02', 22, month(), '2019-02-22', 22], // case B: stub 2019-02-02 – 2019-02-21
    ['2019-02-02', 1, month(), '2019-03-01', 1], // bill day already past this month: next month
    ['2019-02-28', 30, month(), '2019-02-28', 30], // 2019-02-28 is February's 30th (clamped): no stub
    ['2024-02-28', 30, month(), '2024-02-29', 30], // 2024 has a 29th: a one-day stub
    ['2024-02-29', 31, month(), '2024-02-29', 31],
    ['2024-01-31', 30, month(), '2024-02-29', 30], // the 30th of January is past; February's 30th is the 29th
    ['2024-12-15', 10, month(), '2025-01-10', 10], // across the year
    ['2024-02-15', 1, month(3), '2024-03-01', 1], // quarterly: stub measured against [2023-12-01, 2024-03-01)
    ['2024-02-29', 29, month(12), '2024-02-29', 29],
  ])('start %s, bill day %i, %o → anchor %s', (start, billDay, interval, anchorDate, keptDay) => {
    const g = gridFor(start, billDay, interval);
    expect(g).toEqual({ anchorDate, billDay: keptDay, interval });
    expect(boundary(g, 0)).toBe(anchorDate);
    // The stub (if any) lies in period −1, so it is measured against [anchor − 1 interval, anchor).
    expect(periodIndexOf(g, start)).toBe(start === anchorDate ? 0 : -1);
  });

  it('the quarterly stub of 2024-02-15 → 2024-03-01 is 15 days out of 91', () => {
    const g = gridFor('2024-02-15', 1, month(3));
    expect(periodContaining(g, '2024-02-15')).toEqual({ from: '2023-12-01', to: '2024-03-01' });
    expect(daysBetween('2024-02-15', '2024-03-01')).toBe(15);
    expect(days(periodContaining(g, '2024-02-15'))).toBe(91);
  });

  it.each([
    ['2024-02-15', 22, week(), '2024-02-15', 15],
    ['2024-02-29', 1, week(2), '2024-02-29', 29],
  ])('weeks always anchor on the start: %s (bill day %i ignored), %o', (start, billDay, interval, anchorDate, keptDay) => {
    expect(gridFor(start, billDay, interval)).toEqual({ anchorDate, billDay: keptDay, interval });
  });
});

describe('property: the periods tile the timeline', () => {
  const epochDay = toPlainDate('2000-01-01');
  const dateArb = fc.integer({ min: 0, max: 365 * 60 }).map((n) => toIsoDate(epochDay.add({ days: n })));
  const intervalArb: fc.Arbitrary<BillingInterval> = fc.oneof(
    fc.constantFrom(1, 2, 3, 6, 12).map(month),
    fc.integer({ min: 1, max: 36 }).map(month),
    fc.integer({ min: 1, max: 52 }).map(week),
  );
  // Grids as assignment builds them, and raw grids whose anchor is off the bill day (the formula still tiles).
  const gridArb = fc
    .record({ start: dateArb, billDay: fc.integer({ min: 1, max: 31 }), interval: intervalArb, raw: fc.boolean() })
    .map(({ start, billDay, interval, raw }) => (raw ? grid(start, billDay, interval) : gridFor(start, billDay, interval)));

  it('boundary(k) < boundary(k + 1), periodIndexOf(boundary(k)) = k, and every day of [boundary(k), boundary(k + 1)) maps to k', () => {
    fc.assert(
      fc.property(gridArb, fc.integer({ min: -60, max: 60 }), fc.nat(), (g, k, offset) => {
        const from = boundary(g, k);
        const to = boundary(g, k + 1);
        expect(compareDates(from, to)).toBe(-1);
        expect(periodIndexOf(g, from)).toBe(k);
        expect(periodIndexOf(g, to)).toBe(k + 1);
        const length = daysBetween(from, to);
        // The first day, the last day and one day in between (every day would be slow for 36-month periods).
        for (const date of [from, addDays(to, -1), addDays(from, offset % length)]) {
          expect(periodIndexOf(g, date)).toBe(k);
          expect(periodContaining(g, date)).toEqual({ from, to });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every day of a few consecutive periods maps to its own period, with no gap and no overlap', () => {
    fc.assert(
      fc.property(gridArb.filter((g) => g.interval.count <= (g.interval.unit === 'week' ? 4 : 3)), fc.integer({ min: -24, max: 24 }), (g, k) => {
        let date = boundary(g, k);
        for (let j = k; j < k + 3; j++) {
          const to = boundary(g, j + 1);
          for (; compareDates(date, to) < 0; date = addDays(date, 1)) expect(periodIndexOf(g, date)).toBe(j);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('monthly boundaries fall on the bill day, or on the last day of a shorter month', () => {
    fc.assert(
      fc.property(gridArb.filter((g) => g.interval.unit === 'month'), fc.integer({ min: -60, max: 60 }), (g, k) => {
        const b = toPlainDate(boundary(g, k));
        expect(b.day).toBe(Math.min(g.billDay, b.daysInMonth));
        const anchor = toPlainDate(g.anchorDate);
        // k intervals of months from the anchor's month, never drifting.
        expect((b.year - anchor.year) * 12 + (b.month - anchor.month)).toBe(k * g.interval.count);
      }),
      { numRuns: 300 },
    );
  });
});
