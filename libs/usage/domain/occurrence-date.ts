import { Temporal } from '@js-temporal/polyfill';
import { CalendarDate, fromDayNumber, isCalendarDate, toDayNumber, todayIn } from '../../shared-kernel/calendar-date';

/**
 * The business date a usage record belongs to: `occurredAt` is either a calendar date (`2026-11-03`, taken
 * as is) or an ISO 8601 instant with an offset (`2026-11-03T23:30:00-05:00`, `…Z`), which is the date it
 * was in the tenant's time zone at that instant (what `todayIn` answers). Null when it is neither.
 *
 * Usage arrives by the million, and Temporal (a polyfill on Node 20) takes some 35 µs per conversion, so
 * this does the same arithmetic on integers: the instant in epoch milliseconds from its fields, plus the
 * zone's offset, to a day number and back to a date. The zone's offset comes from Temporal once per zone
 * and UTC hour and is reused when it is the same at both ends of that hour (no time zone changes its
 * offset twice within an hour); an hour with a transition goes through `todayIn` itself. The spec checks
 * the two agree, transitions included.
 */
export function occurrenceDate(occurredAt: unknown, timeZone: string): CalendarDate | null {
  if (typeof occurredAt !== 'string') return null;
  if (occurredAt.length === 10) return isKnownDate(occurredAt) ? occurredAt : null;
  const match = INSTANT.exec(occurredAt);
  if (!match) return null;
  const [, date, hh, mm, ss, fraction, zone, offsetSign, offsetHh, offsetMm] = match;
  if (!isKnownDate(date)) return null;
  const hour = Number(hh);
  const minute = Number(mm);
  const second = ss === undefined ? 0 : Number(ss);
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(offsetHh);
    const om = Number(offsetMm);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (offsetSign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const epochMs =
    toDayNumber(date) * DAY_MS +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    millis;
  const zoneOffsetMs = offsetInHour(timeZone, epochMs);
  if (zoneOffsetMs === null) return todayIn(timeZone, occurredAt);
  const day = Math.floor((epochMs + zoneOffsetMs) / DAY_MS);
  return day < FIRST_DAY || day > LAST_DAY ? null : fromDayNumber(day); // a date YYYY-MM-DD cannot write
}

const FIRST_DAY = toDayNumber('0000-01-01');
const LAST_DAY = toDayNumber('9999-12-31');

/** RFC 3339 / ISO 8601 extended: date, `T`, hours and minutes, optional seconds and fraction, then `Z` or `±HH:MM`. */
const INSTANT = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Real calendar dates seen so far (there are few distinct ones): `isCalendarDate` goes through Temporal. */
const knownDates = new Set<string>();
const MAX_KNOWN_DATES = 100_000;

function isKnownDate(date: string): boolean {
  if (knownDates.has(date)) return true;
  if (!isCalendarDate(date)) return false;
  if (knownDates.size >= MAX_KNOWN_DATES) knownDates.clear();
  knownDates.add(date);
  return true;
}

/** Offset of `timeZone` (ms) throughout the UTC hour that contains `epochMs`, or null when it changes in that hour. */
const hourOffsets = new Map<string, number | null>();
const MAX_HOUR_OFFSETS = 100_000;

function offsetInHour(timeZone: string, epochMs: number): number | null {
  if (timeZone === 'UTC') return 0;
  const hourStart = Math.floor(epochMs / HOUR_MS) * HOUR_MS;
  const key = `${timeZone} ${hourStart}`;
  const cached = hourOffsets.get(key);
  if (cached !== undefined) return cached;
  const first = offsetAt(timeZone, hourStart);
  const last = offsetAt(timeZone, hourStart + HOUR_MS - 1);
  const offset = first === last ? first : null;
  if (hourOffsets.size >= MAX_HOUR_OFFSETS) hourOffsets.clear();
  hourOffsets.set(key, offset);
  return offset;
}

function offsetAt(timeZone: string, epochMs: number): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1_000_000;
}
