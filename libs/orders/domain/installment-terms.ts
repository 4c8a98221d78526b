import { integerIn, oneOf } from '../../catalog/domain';
import { parseDecimal } from '../../shared-kernel/decimal';
import { InvalidInputError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { text, validateAll } from '../../shared-kernel/validation';

/**
 * An installment term of the catalog (DOMAIN.md §10, API.md "One-time orders and installments"): how a
 * one-time order is paid off over time. Validated here, field by field, every error of one input at once.
 * A lump-sum amount is checked against an order's total only when a schedule is computed
 * (installment-schedule.ts), because a term has no currency or total of its own.
 */

export const SCHEDULE_TYPES = ['aligned', 'independent'] as const;
/** `aligned`: on the plan instance's upcoming invoice dates; `independent`: every `frequency` from the order date. */
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export const FREQUENCY_UNITS = ['day', 'week', 'month'] as const;
export type FrequencyUnit = (typeof FREQUENCY_UNITS)[number];

export interface Frequency {
  unit: FrequencyUnit;
  count: number;
}

/** The most installments a term may have: ten years of monthly payments. */
export const MAX_INSTALLMENTS = 120;
/** The longest step between independent installments: a year of days, weeks or months. */
export const MAX_FREQUENCY_COUNT: Record<FrequencyUnit, number> = { day: 365, week: 52, month: 12 };
/** Days until due (of installments and of a lump sum): 0 (due on its invoice date) to a year. */
export const MAX_DAYS_UNTIL_DUE = 365;
/** Decimal places of a lump-sum percent ("12.5", "33.3333"). */
export const MAX_PERCENT_DECIMALS = 4;
/** The largest lump-sum amount, in major units: the catalog's largest price (catalog/domain/input.ts MAX_PRICE). */
export const MAX_LUMP_SUM_AMOUNT = '10000000000';

/**
 * Paid first, on the order date: a percent of the order total (a decimal string, 0 < p < 100, rounded once
 * to minor units, half away from zero) or an amount in major units of the order's currency (a decimal
 * string, "150.00"), because a term has no currency of its own (the order's item gives it).
 */
export type LumpSum = { percent: string } | { amount: string };

export interface InstallmentTerm {
  id: string;
  name: string;
  schedule: ScheduleType;
  /** Independent terms only; null on aligned terms, which follow the plan instance's invoices. */
  frequency: Frequency | null;
  /** The installments after the lump sum (1..MAX_INSTALLMENTS). */
  installments: number;
  lumpSum: LumpSum | null;
  /** null: the payment term's or payment method's days until due apply (resolveDaysUntilDue). */
  daysUntilDue: number | null;
  /** Aligned terms with a lump sum only; null: the lump sum is due like the installments. */
  lumpSumDaysUntilDue: number | null;
}

/** As the API sends it: every field is checked by parseInstallmentTerm. */
export interface InstallmentTermInput {
  id: unknown;
  name: unknown;
  schedule: unknown;
  frequency?: unknown;
  installments: unknown;
  lumpSum?: unknown;
  daysUntilDue?: unknown;
  lumpSumDaysUntilDue?: unknown;
}

const TERM_FIELDS = ['id', 'name', 'schedule', 'frequency', 'installments', 'lumpSum', 'daysUntilDue', 'lumpSumDaysUntilDue'];

/**
 * The term, or one InvalidInputError naming every bad field and its rule (`installments`/`range`,
 * `frequency`/`required`, `frequency.unit`/`oneOf`, `lumpSum`/`exactlyOne`, `lumpSum.percent`/`percentRange`, ...).
 * The id is the caller's (given by the client or made by the server).
 */
export function parseInstallmentTerm(input: InstallmentTermInput): InstallmentTerm {
  const fields = objectWith(input, '', TERM_FIELDS);
  const schedule = fields.schedule;
  const lumpSumGiven = fields.lumpSum !== undefined && fields.lumpSum !== null;
  return validateAll({
    id: () => validId(fields.id, 'id'),
    name: () => text(fields.name, 'name', 200),
    schedule: () => oneOf(schedule, 'schedule', SCHEDULE_TYPES),
    frequency: () => parseFrequency(fields.frequency, schedule),
    installments: () => integerIn(fields.installments, 'installments', 1, MAX_INSTALLMENTS),
    lumpSum: () => (lumpSumGiven ? parseLumpSum(fields.lumpSum, 'lumpSum') : null),
    daysUntilDue: () => optionalDays(fields.daysUntilDue, 'daysUntilDue'),
    lumpSumDaysUntilDue: () => parseLumpSumDaysUntilDue(fields.lumpSumDaysUntilDue, schedule, lumpSumGiven),
  });
}

/** The term's own days until due, else the payment term's or payment method's (the seed's "Payment Term Enhancement"). */
export function resolveDaysUntilDue(term: Pick<InstallmentTerm, 'daysUntilDue'>, paymentMethodDaysUntilDue: number): number {
  return term.daysUntilDue ?? paymentMethodDaysUntilDue;
}

function parseFrequency(value: unknown, schedule: unknown): Frequency | null {
  const given = value !== undefined && value !== null;
  if (schedule === 'aligned') {
    if (given) {
      throw InvalidInputError.forField(
        'frequency',
        'notAllowed',
        'frequency is for independent terms only: an aligned term follows the invoice dates of the plan instance the order is tied to',
      );
    }
    return null;
  }
  if (!given) {
    if (schedule !== 'independent') return null; // the schedule's own error says what is wrong
    throw InvalidInputError.forField(
      'frequency',
      'required',
      'frequency is required for an independent term: { "unit": "day" | "week" | "month", "count": 1 or more }',
    );
  }
  const input = objectWith(value, 'frequency', ['unit', 'count']);
  const unit = oneOf(input.unit, 'frequency.unit', FREQUENCY_UNITS);
  return { unit, count: integerIn(input.count, 'frequency.count', 1, MAX_FREQUENCY_COUNT[unit]) };
}

function parseLumpSum(value: unknown, field: string): LumpSum {
  const input = objectWith(value, field, ['percent', 'amount']);
  const hasPercent = input.percent !== undefined && input.percent !== null;
  const hasAmount = input.amount !== undefined && input.amount !== null;
  if (hasPercent === hasAmount) {
    throw InvalidInputError.forField(
      field,
      'exactlyOne',
      `${field} must have exactly one of percent (such as "20") and amount (such as "150.00")${hasPercent ? ', not both' : ''}`,
    );
  }
  return hasPercent ? { percent: percentString(input.percent, `${field}.percent`) } : { amount: amountString(input.amount, `${field}.amount`) };
}

function percentString(value: unknown, field: string): string {
  const percent = parseDecimal(value, field);
  if (percent.lte(0) || percent.gte(100)) {
    throw InvalidInputError.forField(field, 'percentRange', `${field} must be greater than 0 and less than 100 (got "${String(value)}")`);
  }
  if (percent.decimalPlaces() > MAX_PERCENT_DECIMALS) {
    throw InvalidInputError.forField(field, 'maxDecimalPlaces', `${field} may have at most ${MAX_PERCENT_DECIMALS} decimal places`);
  }
  return value as string;
}

function amountString(value: unknown, field: string): string {
  const amount = parseDecimal(value, field);
  if (amount.lte(0)) {
    throw InvalidInputError.forField(field, 'positive', `${field} must be greater than zero (got "${String(value)}")`);
  }
  if (amount.gt(MAX_LUMP_SUM_AMOUNT)) {
    throw InvalidInputError.forField(field, 'amountRange', `${field} must be at most ${MAX_LUMP_SUM_AMOUNT} (got "${String(value)}")`);
  }
  return value as string;
}

function parseLumpSumDaysUntilDue(value: unknown, schedule: unknown, lumpSumGiven: boolean): number | null {
  const field = 'lumpSumDaysUntilDue';
  const days = optionalDays(value, field);
  if (days === null) return null;
  if (schedule === 'independent') {
    throw InvalidInputError.forField(field, 'alignedOnly', `${field} is for aligned terms only: an independent lump sum is due after daysUntilDue`);
  }
  if (!lumpSumGiven) throw InvalidInputError.forField(field, 'requiresLumpSum', `${field} needs a lumpSum to apply to`);
  return days;
}

function optionalDays(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : integerIn(value, field, 0, MAX_DAYS_UNTIL_DUE);
}

function validId(id: unknown, field: string): string {
  assertValidId(id, field);
  return id;
}

/** The catalog's shape and rule names (catalog/domain/input.ts, whose door does not export this one). */
function objectWith(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  const name = field || 'the installment term';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw InvalidInputError.forField(field || 'body', 'object', `${name} must be an object`);
  }
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const paths = unknown.map((key) => (field ? `${field}.${key}` : key));
    const message = `${paths.join(', ')}: not a field of ${name}; allowed: ${allowed.join(', ')}`;
    throw new InvalidInputError(message, paths.map((path) => ({ field: path, rule: 'unknownField', message })));
  }
  return value as Record<string, unknown>;
}
