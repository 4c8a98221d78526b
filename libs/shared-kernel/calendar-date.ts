import { Temporal } from '@js-temporal/polyfill';
import { InvalidInputError } from './errors';

/**
 * A calendar date as the domain keeps it in commands, events and state: the ISO string `YYYY-MM-DD`
 * itself. Strings survive JSON unchanged and compare correctly with `<`. The arithmetic below works on
 * day numbers (days since 1970-01-01 in the proleptic Gregorian calendar, H. Hinnant's civil/days
 * algorithms), never through `Date`, so it is exact and free of time zones. It used to go through
 * Temporal.PlainDate, which (a polyfill on Node 20) cost tens of µs per call and a fifth of a bill run;
 * the spec checks the integer arithmetic against Temporal over 1900–2400.
 * Validate once at the edge with `parseCalendarDate` (which also keeps input within INPUT_DATE_RANGE); the
 * helpers then trust their inputs (a string that is not `YYYY-MM-DD` naming a real date is still a
 * RangeError, never a wrong answer).
 */
export type CalendarDate = string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An IANA zone name ("UTC", "Europe/Paris", "Etc/GMT+5"); keeps out offsets and date-time strings, which Temporal would also accept. */
const IANA_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

export function isCalendarDate(value: unknown): value is CalendarDate {
  return typeof value === 'string' && fieldsOf(value) !== null; // 2023-02-29, 2024-13-01, ... are not
}

/**
 * The dates the product accepts from input (business dates, retroactive starts, effective dates, usage,
 * query dates), inclusive. The arithmetic handles 0000–9999 and its spec checks it against Temporal over
 * 1900–2400; input stops two centuries short of that so a bill run's look-ahead (periods of up to three
 * years, due dates, timers) never leaves it. Events already stored are never checked against it.
 */
export const INPUT_DATE_RANGE = { from: '1900-01-01', to: '2199-12-31' } as const;

export function isInInputRange(date: CalendarDate): boolean {
  return compareDates(date, INPUT_DATE_RANGE.from) >= 0 && compareDates(date, INPUT_DATE_RANGE.to) <= 0;
}

/** `date` (already a real date) when it lies in INPUT_DATE_RANGE; else an InvalidInputError on `field`, rule `dateRange`. */
export function assertInInputRange(date: CalendarDate, field: string): CalendarDate {
  if (!isInInputRange(date)) throw InvalidInputError.forField(field, 'dateRange', dateRangeMessage(field, date));
  return date;
}

/** "occurredAt must be from 1900-01-01 to 2199-12-31 (got "9999-12-31")": for callers that gather details. */
export function dateRangeMessage(field: string, got: unknown): string {
  return `${field} must be a date from ${INPUT_DATE_RANGE.from} to ${INPUT_DATE_RANGE.to} (got ${JSON.stringify(got)})`;
}

/**
 * Accepts exactly `YYYY-MM-DD` naming a real date within INPUT_DATE_RANGE; anything else is an
 * InvalidInputError on `field` (rule `isoDate`, or `dateRange` for a real date outside the range).
 * For input only: stored dates are read as they are.
 */
export function parseCalendarDate(value: unknown, field: string): CalendarDate {
  if (!isCalendarDate(value)) {
    throw InvalidInputError.forField(
      field,
      'isoDate',
      `${field} must be a real calendar date written YYYY-MM-DD, such as 2024-02-29 (got ${JSON.stringify(value)})`,
    );
  }
  return assertInInputRange(value, field);
}

export function toPlainDate(date: CalendarDate): Temporal.PlainDate {
  if (!ISO_DATE.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return Temporal.PlainDate.from(date, { overflow: 'reject' });
}

export function toIsoDate(date: Temporal.PlainDate): CalendarDate {
  return date.toString();
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * The date `months` months after (or before, if negative) `date`'s month, on `day`, or on that month's
 * last day when it is shorter: from 2024-01-31 with day 31, +1 → 2024-02-29, +2 → 2024-03-31.
 * Billing computes every boundary from the anchor with this, so a short month never drags later ones.
 */
export function addMonthsClamped(date: CalendarDate, months: number, day: number): CalendarDate {
  if (!Number.isInteger(day) || day < 1 || day > 31) throw new RangeError(`day must be 1 to 31, got ${day}`);
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  const [year, month] = requireFields(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const toYear = Math.floor(monthIndex / 12);
  const toMonth = monthIndex - toYear * 12 + 1;
  return format(toYear, toMonth, Math.min(day, daysInMonth(toYear, toMonth)));
}

/** Days in the half-open range [from, to): 2024-02-01 → 2024-03-01 is 29. Negative when `to` is earlier. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function dayOfMonth(date: CalendarDate): number {
  return requireFields(date)[2];
}

/** Year and month (1–12) of a date, for arithmetic in whole months. */
export function yearMonthOf(date: CalendarDate): { year: number; month: number } {
  const [year, month] = requireFields(date);
  return { year, month };
}

export function compareDates(a: CalendarDate, b: CalendarDate): -1 | 0 | 1 {
  requireFields(a);
  requireFields(b);
  return a < b ? -1 : a > b ? 1 : 0; // four-digit years: text order is date order
}

export function isBefore(a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) > 0;
}

/** Days since 1970-01-01 (negative before it). */
export function toDayNumber(date: CalendarDate): number {
  const [year, month, day] = requireFields(date);
  return daysFromCivil(year, month, day);
}

/** The date `days` days after 1970-01-01; years outside 0000–9999 cannot be written YYYY-MM-DD. */
export function fromDayNumber(days: number): CalendarDate {
  const [year, month, day] = civilFromDays(days);
  if (year < 0 || year > 9999) throw new RangeError(`date out of range 0000–9999: day number ${days}`);
  return format(year, month, day);
}

/** Year, month, day of a `YYYY-MM-DD` text naming a real date, else null. Char codes, not a regex: this is hot. */
function fieldsOf(text: string): [number, number, number] | null {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return [year, month, day];
}

function requireFields(date: CalendarDate): [number, number, number] {
  const fields = typeof date === 'string' ? fieldsOf(date) : null;
  if (fields === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return fields;
}

/** The decimal number written in text[from, to), or -1 if any character there is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

function format(year: number, month: number, day: number): CalendarDate {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // 0–399
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1; // 0–365, from March 1st
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // 0–146096
  return era * 146_097 + doe - 719_468;
}

/** The inverse: year, month, day of a day number (H. Hinnant, `civil_from_days`). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  return canonicalTimeZone(timeZone) !== undefined;
}

/** Validates an IANA time zone from input and returns its canonical spelling ("europe/paris" → "Europe/Paris"). */
export function parseTimeZone(value: unknown, field: string): string {
  const canonical = canonicalTimeZone(value);
  if (canonical === undefined) {
    throw InvalidInputError.forField(
      field,
      'ianaTimeZone',
      `${field} must be an IANA time zone such as "UTC" or "America/New_York" (got ${JSON.stringify(value)})`,
    );
  }
  return canonical;
}

/**
 * The calendar date in `timeZone` at `instant` (epoch milliseconds, or an ISO instant with an offset
 * such as "2026-01-01T03:00:00Z"). The caller passes the instant: the domain never reads the clock.
 */
export function todayIn(timeZone: string, instant: number | string): CalendarDate {
  const zone = canonicalTimeZone(timeZone);
  if (zone === undefined) throw new RangeError(`not an IANA time zone: ${JSON.stringify(timeZone)}`);
  const at = typeof instant === 'number' ? Temporal.Instant.fromEpochMilliseconds(instant) : Temporal.Instant.from(instant);
  return toIsoDate(at.toZonedDateTimeISO(zone).toPlainDate());
}

function canonicalTimeZone(value: unknown): string | undefined {
  if (typeof value !== 'string' || !IANA_ZONE_NAME.test(value)) return undefined;
  try {
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(value).timeZoneId;
  } catch {
    return undefined;
  }
}
