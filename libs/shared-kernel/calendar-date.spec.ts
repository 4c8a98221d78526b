import {
  addDays,
  addMonthsClamped,
  assertInInputRange,
  INPUT_DATE_RANGE,
  isInInputRange,
  compareDates,
  dayOfMonth,
  daysBetween,
  isAfter,
  isBefore,
  isCalendarDate,
  isValidTimeZone,
  parseCalendarDate,
  parseTimeZone,
  todayIn,
  toIsoDate,
  toPlainDate,
  fromDayNumber,
  toDayNumber,
  yearMonthOf,
} from './calendar-date';
import { Temporal } from '@js-temporal/polyfill';
import fc from 'fast-check';
import { InvalidInputError } from './errors';

describe('parseCalendarDate: strict YYYY-MM-DD, real dates only', () => {
  it.each(['2024-02-29', '2000-02-29', '2024-12-31', '1999-01-01'])('accepts %s', (text) => {
    expect(parseCalendarDate(text, 'startDate')).toBe(text);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '20240131',
    '2024-1-31',
    '2024-01-31T00:00',
    '2024-01-31Z',
    '+002024-01-31',
    ' 2024-01-31',
    '',
  ])('rejects %j', (text) => {
    expect(isCalendarDate(text)).toBe(false);
    expect(() => parseCalendarDate(text, 'startDate')).toThrow(InvalidInputError);
  });

  it('rejects non-strings', () => {
    expect(() => parseCalendarDate(20240131, 'startDate')).toThrow(InvalidInputError);
    expect(() => parseCalendarDate(undefined, 'startDate')).toThrow(InvalidInputError);
  });

  it('names the field', () => {
    try {
      parseCalendarDate('2023-02-29', 'retroactiveStartDate');
      throw new Error('expected an error');
    } catch (error) {
      expect((error as InvalidInputError).details).toEqual([
        { field: 'retroactiveStartDate', rule: 'isoDate', message: expect.stringContaining('retroactiveStartDate') },
      ]);
    }
  });
});

describe('INPUT_DATE_RANGE: the dates input may name, 1900-01-01 to 2199-12-31', () => {
  it.each(['1900-01-01', '2024-02-29', '2199-12-31'])('accepts %s', (text) => {
    expect(isInInputRange(text)).toBe(true);
    expect(parseCalendarDate(text, 'businessDate')).toBe(text);
    expect(assertInInputRange(text, 'businessDate')).toBe(text);
  });

  it.each(['1899-12-31', '2200-01-01', '0000-01-01', '9999-12-31'])('refuses %s with rule dateRange, naming the field and both limits', (text) => {
    expect(isCalendarDate(text)).toBe(true); // a real date, only out of range
    expect(isInInputRange(text)).toBe(false);
    for (const refuse of [() => parseCalendarDate(text, 'businessDate'), () => assertInInputRange(text, 'businessDate')]) {
      try {
        refuse();
        throw new Error('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).details).toEqual([
          { field: 'businessDate', rule: 'dateRange', message: `businessDate must be a date from 1900-01-01 to 2199-12-31 (got "${text}")` },
        ]);
      }
    }
  });

  it('leaves room for the longest look-ahead: three years of periods and a year of payment terms after the last date', () => {
    expect(addDays(addMonthsClamped(INPUT_DATE_RANGE.to, 36, 31), 365)).toBe('2203-12-31');
    expect(addMonthsClamped(INPUT_DATE_RANGE.from, -36, 1)).toBe('1897-01-01');
  });
});

describe('arithmetic', () => {
  it('adds days across months and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('DOMAIN.md §3: bill day 31 from 2024-01-31, monthly, clamps to month end and comes back', () => {
    const starts = [0, 1, 2, 3, 4].map((k) => addMonthsClamped('2024-01-31', k, 31));
    expect(starts).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']);
  });

  it('clamps in a common year and works backwards', () => {
    expect(addMonthsClamped('2023-01-31', 1, 31)).toBe('2023-02-28');
    expect(addMonthsClamped('2024-03-31', -1, 31)).toBe('2024-02-29');
    expect(addMonthsClamped('2019-02-22', -1, 22)).toBe('2019-01-22');
    expect(addMonthsClamped('2024-11-30', 3, 30)).toBe('2025-02-28');
  });

  it('takes the day from the argument, not from the date', () => {
    expect(addMonthsClamped('2019-02-02', 0, 22)).toBe('2019-02-22');
    expect(addMonthsClamped('2024-02-29', 12, 29)).toBe('2025-02-28');
    expect(addMonthsClamped('2024-02-29', 48, 29)).toBe('2028-02-29');
  });

  it('refuses a day outside 1–31', () => {
    expect(() => addMonthsClamped('2024-01-01', 1, 0)).toThrow(RangeError);
    expect(() => addMonthsClamped('2024-01-01', 1, 32)).toThrow(RangeError);
    expect(() => addMonthsClamped('2024-01-01', 1, 1.5)).toThrow(RangeError);
  });

  it('counts days in the half-open range [from, to)', () => {
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
    expect(daysBetween('2019-02-02', '2019-02-22')).toBe(20); // §4 case B: the stub
    expect(daysBetween('2019-01-22', '2019-02-22')).toBe(31); // ... and its full period
    expect(daysBetween('2024-02-15', '2024-03-01')).toBe(15); // §4 plan change: days remaining
    expect(daysBetween('2024-01-01', '2024-01-01')).toBe(0);
    expect(daysBetween('2024-03-01', '2024-02-01')).toBe(-29);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });

  it('reads the day of month', () => {
    expect(dayOfMonth('2019-02-02')).toBe(2);
    expect(dayOfMonth('2024-01-31')).toBe(31);
  });

  it('compares', () => {
    expect(compareDates('2024-01-31', '2024-02-01')).toBe(-1);
    expect(compareDates('2024-02-01', '2024-02-01')).toBe(0);
    expect(compareDates('2024-02-02', '2024-02-01')).toBe(1);
    expect(isBefore('2024-01-31', '2024-02-01')).toBe(true);
    expect(isBefore('2024-02-01', '2024-02-01')).toBe(false);
    expect(isAfter('2024-02-02', '2024-02-01')).toBe(true);
    expect(isAfter('2024-02-01', '2024-02-01')).toBe(false);
  });

  it('converts to and from Temporal.PlainDate', () => {
    const date = toPlainDate('2024-02-29');
    expect([date.year, date.month, date.day]).toEqual([2024, 2, 29]);
    expect(toIsoDate(date)).toBe('2024-02-29');
    expect(() => toPlainDate('20240229')).toThrow(RangeError);
  });
});

describe('time zones', () => {
  it.each(['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])(
    'accepts %s',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(true);
    },
  );

  it.each(['', 'Mars/Olympus', '+05:00', '-03:00', 'Z', '2020-01-01T00:00Z', 'America/New York', 'Europe/Paris ', 42, null])(
    'rejects %j',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(false);
      expect(() => parseTimeZone(zone, 'timeZone')).toThrow(InvalidInputError);
    },
  );

  it('parses to the canonical spelling', () => {
    expect(parseTimeZone('america/new_york', 'timeZone')).toBe('America/New_York');
    expect(parseTimeZone('utc', 'timeZone')).toBe('UTC');
  });

  it('todayIn: 2026-01-01T03:00Z is still 2025-12-31 in New York', () => {
    expect(todayIn('America/New_York', '2026-01-01T03:00:00Z')).toBe('2025-12-31');
    expect(todayIn('America/New_York', Date.UTC(2026, 0, 1, 3))).toBe('2025-12-31');
    expect(todayIn('UTC', '2026-01-01T03:00:00Z')).toBe('2026-01-01');
    expect(todayIn('Asia/Tokyo', '2025-12-31T15:00:00Z')).toBe('2026-01-01');
    expect(todayIn('Asia/Tokyo', '2025-12-31T14:59:59.999Z')).toBe('2025-12-31');
  });

  it('todayIn follows daylight saving time', () => {
    // New York is UTC-4 in July: 03:30Z is 23:30 the day before
    expect(todayIn('America/New_York', '2025-07-04T03:30:00Z')).toBe('2025-07-03');
    expect(todayIn('America/New_York', '2025-07-04T04:00:00Z')).toBe('2025-07-04');
  });

  it('todayIn refuses an unknown zone or an instant without an offset', () => {
    expect(() => todayIn('Mars/Olympus', 0)).toThrow(RangeError);
    expect(() => todayIn('UTC', '2026-01-01T03:00:00')).toThrow(RangeError);
    expect(() => todayIn('UTC', 1.5)).toThrow(RangeError);
  });
});

/**
 * The arithmetic works on day numbers (integers), no longer through Temporal: for any dates of 1900–2400 it
 * must give what Temporal.PlainDate gives.
 */
describe('day-number arithmetic agrees with Temporal over 1900–2400', () => {
  const FIRST = Temporal.PlainDate.from('1900-01-01');
  const SPAN = FIRST.until(Temporal.PlainDate.from('2400-12-31')).days;
  const plainDate = fc.integer({ min: 0, max: SPAN }).map((days) => FIRST.add({ days }));
  const iso = (date: Temporal.PlainDate) => date.toString();

  it('isCalendarDate and parse agree with Temporal on any YYYY-MM-DD text', () => {
    const text = fc
      .tuple(fc.integer({ min: 1900, max: 2400 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(text, (value) => {
        let real = true;
        try {
          Temporal.PlainDate.from(value, { overflow: 'reject' });
        } catch {
          real = false;
        }
        expect(isCalendarDate(value)).toBe(real);
      }),
      { numRuns: 5000 },
    );
  });

  it('addDays', () => {
    fc.assert(
      fc.property(plainDate, fc.integer({ min: -40_000, max: 40_000 }), (date, days) => {
        expect(addDays(iso(date), days)).toBe(iso(date.add({ days })));
      }),
      { numRuns: 5000 },
    );
  });

  it('daysBetween, compareDates, dayOfMonth, the day-number round trip', () => {
    fc.assert(
      fc.property(plainDate, plainDate, (a, b) => {
        expect(daysBetween(iso(a), iso(b))).toBe(a.until(b, { largestUnit: 'day' }).days);
        expect(compareDates(iso(a), iso(b))).toBe(Temporal.PlainDate.compare(a, b));
        expect(dayOfMonth(iso(a))).toBe(a.day);
        expect(yearMonthOf(iso(a))).toEqual({ year: a.year, month: a.month });
        expect(fromDayNumber(toDayNumber(iso(a)))).toBe(iso(a));
        expect(toDayNumber(iso(a))).toBe(Temporal.PlainDate.from('1970-01-01').until(a, { largestUnit: 'day' }).days);
      }),
      { numRuns: 5000 },
    );
  });

  it('addMonthsClamped is what Temporal gives: first of the month, add months, then the day constrained', () => {
    fc.assert(
      fc.property(plainDate, fc.integer({ min: -1200, max: 1200 }), fc.integer({ min: 1, max: 31 }), (date, months, day) => {
        const expected = date.with({ day: 1 }).add({ months }).with({ day }, { overflow: 'constrain' });
        expect(addMonthsClamped(iso(date), months, day)).toBe(iso(expected));
      }),
      { numRuns: 5000 },
    );
  });

  it('every month of 1900–2400 in turn: its length and the day after its last', () => {
    let month = FIRST;
    let first = iso(FIRST);
    for (let i = 0; i < 501 * 12; i++) {
      expect(first).toBe(iso(month));
      const last = addDays(first, month.daysInMonth - 1);
      expect(dayOfMonth(last)).toBe(month.daysInMonth);
      expect(addMonthsClamped(first, 0, 31)).toBe(last);
      month = month.add({ months: 1 });
      first = addDays(last, 1);
    }
  });

  it('the helpers refuse what is not a real YYYY-MM-DD date instead of answering', () => {
    for (const bad of ['2023-02-29', '2024-1-31', '20240131', '2024-13-01', 'abcd-ef-gh']) {
      expect(() => addDays(bad, 1)).toThrow(RangeError);
      expect(() => daysBetween(bad, '2024-01-01')).toThrow(RangeError);
      expect(() => compareDates('2024-01-01', bad)).toThrow(RangeError);
      expect(() => addMonthsClamped(bad, 1, 1)).toThrow(RangeError);
      expect(() => dayOfMonth(bad)).toThrow(RangeError);
    }
    expect(() => addDays('2024-01-01', 0.5)).toThrow(RangeError);
    expect(() => addMonthsClamped('2024-01-01', 0.5, 1)).toThrow(RangeError);
  });
});
