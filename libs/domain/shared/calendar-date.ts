import { Temporal } from '@js-temporal/polyfill';
import { InvalidInputError } from './errors';

/**
 * A calendar date as the domain keeps it in commands, events and state: the ISO string `YYYY-MM-DD`
 * itself. Strings survive JSON unchanged and compare correctly with `<`; the arithmetic below goes
 * through Temporal.PlainDate, never through `Date`, so it is exact and free of time zones.
 * Validate once at the edge with `parseCalendarDate`; the helpers then trust their inputs.
 */
export type CalendarDate = string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An IANA zone name ("UTC", "Europe/Paris", "Etc/GMT+5"); keeps out offsets and date-time strings, which Temporal would also accept. */
const IANA_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  try {
    Temporal.PlainDate.from(value, { overflow: 'reject' });
    return true;
  } catch {
    return false; // 2023-02-29, 2024-13-01, ...
  }
}

/** Accepts exactly `YYYY-MM-DD` naming a real date; anything else is an InvalidInputError on `field`. */
export function parseCalendarDate(value: unknown, field: string): CalendarDate {
  if (!isCalendarDate(value)) {
    throw InvalidInputError.forField(
      field,
      'isoDate',
      `${field} must be a real calendar date written YYYY-MM-DD, such as 2024-02-29 (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

export function toPlainDate(date: CalendarDate): Temporal.PlainDate {
  if (!ISO_DATE.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return Temporal.PlainDate.from(date, { overflow: 'reject' });
}

export function toIsoDate(date: Temporal.PlainDate): CalendarDate {
  return date.toString();
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return toIsoDate(toPlainDate(date).add({ days }));
}

/**
 * The date `months` months after (or before, if negative) `date`'s month, on `day`, or on that month's
 * last day when it is shorter: from 2024-01-31 with day 31, +1 → 2024-02-29, +2 → 2024-03-31.
 * Billing computes every boundary from the anchor with this, so a short month never drags later ones.
 */
export function addMonthsClamped(date: CalendarDate, months: number, day: number): CalendarDate {
  if (!Number.isInteger(day) || day < 1 || day > 31) throw new RangeError(`day must be 1 to 31, got ${day}`);
  const month = toPlainDate(date).with({ day: 1 }).add({ months });
  return toIsoDate(month.with({ day }, { overflow: 'constrain' }));
}

/** Days in the half-open range [from, to): 2024-02-01 → 2024-03-01 is 29. Negative when `to` is earlier. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toPlainDate(from).until(toPlainDate(to), { largestUnit: 'day' }).days;
}

export function dayOfMonth(date: CalendarDate): number {
  return toPlainDate(date).day;
}

export function compareDates(a: CalendarDate, b: CalendarDate): -1 | 0 | 1 {
  return Temporal.PlainDate.compare(toPlainDate(a), toPlainDate(b));
}

export function isBefore(a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) > 0;
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
