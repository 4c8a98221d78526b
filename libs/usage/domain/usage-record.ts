import { CalendarDate, dateRangeMessage, isInInputRange } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { ErrorDetail, InvalidInputError } from '../../shared-kernel/errors';
import { isValidId } from '../../shared-kernel/ids';
import { occurrenceDate } from './occurrence-date';

/** A usage record as sent, checked and normalised: the quantity in plain form, the occurrence as a business date. */
export interface UsageRecordInput {
  accountId: string;
  serviceId: string;
  /** A decimal string more than 0, at most 10 decimals, normalised ("12.50" → "12.5", "007" → "7"). */
  quantity: string;
  /** The business date it occurred on, in the tenant's time zone. */
  occurredOn: CalendarDate;
  idempotencyKey: string;
}

export const MAX_BATCH_RECORDS = 10_000;
export const MAX_QUANTITY_DECIMALS = 10;
export const MAX_QUANTITY_INTEGER_DIGITS = 18;
/**
 * The largest quantity of one record (docs/domain-notes.md, "Amount limits"): a million million units. It keeps
 * one record's charge small enough to bill at ordinary prices; a period whose usage still could not be
 * charged is recorded by the bill run (PlanInstanceBillingFailed), never skipped.
 */
export const MAX_USAGE_QUANTITY = '1000000000000';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const RECORD_FIELDS = new Set(['accountId', 'serviceId', 'quantity', 'occurredAt', 'idempotencyKey']);
const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const NEGATIVE_DECIMAL = /^-\d+(\.\d+)?$/;

/**
 * Checks one record (the body of POST /v1/usage, or `records[i]` of a batch, then `prefix` is `records[i].`).
 * Every problem is pushed onto `details` with the field's full path; returns the clean record, or null when
 * there was a problem.
 */
export function parseUsageRecord(raw: unknown, prefix: string, timeZone: string, details: ErrorDetail[]): UsageRecordInput | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const field = prefix ? prefix.slice(0, -1) : 'body';
    details.push({ field, rule: 'object', message: `${field} must be an object { accountId, serviceId, quantity, occurredAt, idempotencyKey }` });
    return null;
  }
  const before = details.length;
  const body = raw as Record<string, unknown>;
  for (const field of Object.keys(body)) {
    if (!RECORD_FIELDS.has(field)) details.push({ field: prefix + field, rule: 'unknownField', message: `${prefix + field} is not a known field` });
  }
  const accountId = id(body.accountId, `${prefix}accountId`, details);
  const serviceId = id(body.serviceId, `${prefix}serviceId`, details);
  const quantity = parseQuantity(body.quantity, `${prefix}quantity`, details);
  const occurredOn = parseOccurredAt(body.occurredAt, `${prefix}occurredAt`, timeZone, details);
  const idempotencyKey = parseIdempotencyKey(body.idempotencyKey, `${prefix}idempotencyKey`, details);
  if (details.length > before) return null;
  return { accountId, serviceId, quantity, occurredOn, idempotencyKey } as UsageRecordInput;
}

/**
 * The records of a batch body (`{ records: [...] }`, nothing else), every bad record reported with its index, or
 * an InvalidInputError. The route takes the body as parsed, without the global ValidationPipe: class-transformer
 * would copy 10,000 records only for this to check them again.
 */
export function parseUsageBatch(body: unknown, timeZone: string): UsageRecordInput[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw InvalidInputError.forField('body', 'object', `the body must be an object { records: [...] } of 1 to ${MAX_BATCH_RECORDS} usage records`);
  }
  const unknown = Object.keys(body).filter((field) => field !== 'records');
  if (unknown.length > 0) {
    throw new InvalidInputError(
      unknown.map((field) => `${field} is not a known field`).join('; '),
      unknown.map((field) => ({ field, rule: 'unknownField', message: `${field} is not a known field` })),
    );
  }
  const { records } = body as { records?: unknown };
  if (!Array.isArray(records)) {
    throw InvalidInputError.forField('records', 'type', `records must be a list of 1 to ${MAX_BATCH_RECORDS} usage records`);
  }
  if (records.length === 0 || records.length > MAX_BATCH_RECORDS) {
    throw InvalidInputError.forField('records', 'count', `records must hold 1 to ${MAX_BATCH_RECORDS} usage records (got ${records.length})`);
  }
  const details: ErrorDetail[] = [];
  const parsed: UsageRecordInput[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = parseUsageRecord(records[i], `records[${i}].`, timeZone, details);
    if (record) parsed[i] = record;
  }
  throwIfAny(details);
  return parsed;
}

/** One record (POST /v1/usage): fields named without a prefix. */
export function parseSingleUsage(body: unknown, timeZone: string): UsageRecordInput {
  const details: ErrorDetail[] = [];
  const record = parseUsageRecord(body, '', timeZone, details);
  throwIfAny(details);
  return record as UsageRecordInput;
}

function throwIfAny(details: ErrorDetail[]): void {
  if (details.length === 0) return;
  const message =
    details.length === 1
      ? details[0].message
      : `${details.length} fields are invalid: ${details.slice(0, 20).map((d) => d.message).join('; ')}${details.length > 20 ? '; …' : ''}`;
  throw new InvalidInputError(message, details);
}

function id(value: unknown, field: string, details: ErrorDetail[]): string | undefined {
  if (value === undefined || value === null) {
    details.push({ field, rule: 'required', message: `${field} is required` });
    return undefined;
  }
  if (!isValidId(value)) {
    details.push({
      field,
      rule: 'id',
      message: `${field} must be 1 to 64 characters of letters, digits and _ . : -, starting with a letter or digit (got ${JSON.stringify(value)})`,
    });
    return undefined;
  }
  return value;
}

/**
 * A decimal string more than 0: digits, optionally a point and 1 to 10 decimals. No sign, no exponent, no
 * spaces, not a JSON number (binary floating point would already have lost "0.1"). Normalised without
 * leading or trailing zeros, so equal quantities are equal strings.
 */
export function parseQuantity(value: unknown, field: string, details: ErrorDetail[]): string | undefined {
  const allowed = `a decimal string more than 0 with at most ${MAX_QUANTITY_DECIMALS} decimals, such as "12.5"`;
  if (value === undefined || value === null) {
    details.push({ field, rule: 'required', message: `${field} is required: ${allowed}` });
    return undefined;
  }
  const match = typeof value === 'string' ? PLAIN_DECIMAL.exec(value) : null;
  if (!match) {
    const negative = typeof value === 'string' ? NEGATIVE_DECIMAL.test(value) : typeof value === 'number' && value < 0;
    details.push(
      negative
        ? { field, rule: 'positive', message: `${field} must be more than 0 (got ${JSON.stringify(value)})` }
        : { field, rule: 'decimal', message: `${field} must be ${allowed} (got ${JSON.stringify(value)})` },
    );
    return undefined;
  }
  const integer = match[1].replace(/^0+/, '');
  const decimals = (match[2] ?? '').replace(/0+$/, '');
  if ((match[2] ?? '').length > MAX_QUANTITY_DECIMALS) {
    details.push({ field, rule: 'maxDecimals', message: `${field} must have at most ${MAX_QUANTITY_DECIMALS} decimals (got ${JSON.stringify(value)})` });
    return undefined;
  }
  if (integer.length > MAX_QUANTITY_INTEGER_DIGITS) {
    details.push({ field, rule: 'maxDigits', message: `${field} must have at most ${MAX_QUANTITY_INTEGER_DIGITS} digits before the point (got ${JSON.stringify(value)})` });
    return undefined;
  }
  if (new Decimal(value as string).gt(MAX_USAGE_QUANTITY)) {
    details.push({ field, rule: 'quantityRange', message: `${field} must be at most ${MAX_USAGE_QUANTITY} (got ${JSON.stringify(value)})` });
    return undefined;
  }
  if (integer === '' && decimals === '') {
    details.push({ field, rule: 'positive', message: `${field} must be more than 0 (got ${JSON.stringify(value)})` });
    return undefined;
  }
  return `${integer || '0'}${decimals ? `.${decimals}` : ''}`;
}

function parseOccurredAt(value: unknown, field: string, timeZone: string, details: ErrorDetail[]): CalendarDate | undefined {
  if (value === undefined || value === null) {
    details.push({ field, rule: 'required', message: `${field} is required: a date YYYY-MM-DD or an ISO 8601 instant with an offset` });
    return undefined;
  }
  const date = occurrenceDate(value, timeZone);
  if (date === null) {
    details.push({
      field,
      rule: 'isoDateOrInstant',
      message: `${field} must be a calendar date YYYY-MM-DD or an ISO 8601 instant with an offset, such as 2026-11-03T14:05:00Z or 2026-11-03T09:05:00-05:00 (got ${JSON.stringify(value)})`,
    });
    return undefined;
  }
  if (!isInInputRange(date)) {
    details.push({ field, rule: 'dateRange', message: dateRangeMessage(field, value) });
    return undefined;
  }
  return date;
}

function parseIdempotencyKey(value: unknown, field: string, details: ErrorDetail[]): string | undefined {
  if (value === undefined || value === null) {
    details.push({ field, rule: 'required', message: `${field} is required: 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, unique per account and month` });
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    details.push({ field, rule: 'length', message: `${field} must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` });
    return undefined;
  }
  return value;
}
