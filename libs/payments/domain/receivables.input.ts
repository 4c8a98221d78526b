import { CalendarDate, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { parseCurrency } from '../../shared-kernel/currency';
import { ConflictError, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { toMajorString } from '../../shared-kernel/money';
import { optional, text } from '../../shared-kernel/validation';
import { APPLICATION_METHODS, ApplicationMethod } from './application';
import { TaxShare } from './credit-memo-tax';
import { ReceivablesState } from './receivables.state';

/** The input rules of the receivables commands: each returns the clean value or throws naming the field, the rule and what is allowed. */

const MAX = Number.MAX_SAFE_INTEGER;

export function id(value: unknown, field: string): string {
  assertValidId(value, field);
  return value;
}

export function optionalId(value: unknown, field: string): string | null {
  return optional(value, field, id);
}

/** A payment, memo, write-off or refund amount: a whole number of minor units, at least 1. */
export function positiveAmount(value: unknown, field = 'amount'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw InvalidInputError.forField(
      field,
      'positiveMinorUnits',
      `${field} must be a positive whole number of minor units, from 1 to ${MAX} (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

/** A receivable's amount: any whole number of minor units (≤ 0 for a credit-only invoice). */
export function minorUnits(value: unknown, field = 'amount'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw InvalidInputError.forField(
      field,
      'integerMinorUnits',
      `${field} must be a whole number of minor units, from -${MAX} to ${MAX} (got ${JSON.stringify(value)})`,
    );
  }
  return value + 0; // no -0
}

export function date(value: unknown, field: string): CalendarDate {
  return parseCalendarDate(value, field);
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw InvalidInputError.forField(field, 'oneOf', `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

export function method(value: unknown, field = 'applicationMethod'): ApplicationMethod {
  return oneOf(value, field, APPLICATION_METHODS);
}

export function optionalMethod(value: unknown, field = 'applicationMethod'): ApplicationMethod | null {
  return optional(value, field, method);
}

export function reason(value: unknown): string {
  return text(value, 'reason', 500);
}

export function actor(value: unknown): string {
  return text(value, 'actor', 200);
}

export function optionalText(value: unknown, field: string, maxLength: number): string | null {
  return optional(value, field, (v, f) => text(v, f, maxLength));
}

export function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw InvalidInputError.forField(field, 'boolean', `${field} must be true or false (got ${JSON.stringify(value)})`);
  return value;
}

/** The payer's share of an invoice's tax lines, as the application read them: one per rate, whole minor units. */
export function invoiceTax(value: unknown, field = 'invoiceTax'): TaxShare[] {
  if (value === undefined || value === null) return [];
  const refuse = (index: number | null, what: string) =>
    InvalidInputError.forField(index === null ? field : `${field}[${index}]`, 'taxShare', `${index === null ? field : `${field}[${index}]`} must be ${what}`);
  if (!Array.isArray(value)) throw refuse(null, 'a list of { taxRateId, percent, inclusive, amount }');
  const seen = new Set<string>();
  return value.map((share: unknown, index) => {
    const { taxRateId, percent, inclusive, amount } = (share ?? {}) as Record<string, unknown>;
    if (typeof taxRateId !== 'string' || taxRateId === '' || seen.has(taxRateId)) throw refuse(index, 'one rate, named once, by a non-empty taxRateId');
    if (typeof percent !== 'string' || typeof inclusive !== 'boolean') throw refuse(index, 'a rate with its percent (a string) and inclusive (true or false)');
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) throw refuse(index, 'a whole number of minor units');
    seen.add(taxRateId);
    return { taxRateId, percent, inclusive, amount: amount + 0 };
  });
}

export function currencyCode(value: unknown, field = 'currency'): string {
  return parseCurrency(value, field);
}

/** The ledger has one currency, set by its first posting; any other is refused. */
export function assertLedgerCurrency(state: ReceivablesState, currency: string, field = 'currency'): void {
  if (state.currency !== null && state.currency !== currency) {
    const message = `${field} must be ${state.currency}, the currency of this account's receivables (got ${currency}): one ledger holds one currency`;
    throw new RuleViolationError(message, [{ field, rule: 'ledgerCurrency', message }]);
  }
}

/** The command names the ledger's account; a command for another account sent to this stream is refused. */
export function assertAccount(state: ReceivablesState, accountId: string): void {
  if (state.accountId !== null && state.accountId !== accountId) {
    throw new ConflictError(`the receivables ledger of account ${state.accountId} cannot take a command for account ${accountId}`, [
      { field: 'accountId', rule: 'sameAccount', message: `accountId must be ${state.accountId}, the account of this ledger` },
    ]);
  }
}

/** The same id again with other content: refused, naming what differs. */
export function duplicateConflict(entity: string, entityId: string, differing: string[]): ConflictError {
  const message = `${entity} ${entityId} already exists with a different ${differing.join(', ')}: an id names one ${entity}; use a new id for a new one`;
  return new ConflictError(message, differing.map((field) => ({ field, rule: 'sameAsRecorded', message })));
}

/** Fields whose values differ between what was recorded and what the command asks. */
export function differingFields(recorded: Record<string, unknown>, asked: Record<string, unknown>): string[] {
  return Object.keys(asked).filter((key) => recorded[key] !== asked[key]);
}

export function major(amount: number, currency: string | null): string {
  return currency === null ? String(amount) : `${toMajorString({ amount, currency })} ${currency}`;
}

export function beyond(field: string, rule: string, message: string): RuleViolationError {
  return new RuleViolationError(message, [{ field, rule, message }]);
}

/**
 * Keeps every total of the ledger a safe integer, so sums stay exact: the amounts ever owed (positive receivables)
 * and the credit may not pass Number.MAX_SAFE_INTEGER minor units.
 */
export function assertWithinTotals(state: ReceivablesState, added: { owed?: number; credit?: number }): void {
  let owed = added.owed ?? 0;
  for (const item of state.items.values()) owed += Math.max(item.amount, 0);
  const credit = state.credit + (added.credit ?? 0);
  if (owed > MAX || credit > MAX) {
    const what = owed > MAX ? 'the amounts owed by this account' : "this account's credit";
    throw beyond('amount', 'totalWithinLimit', `amount would take ${what} past ${MAX} minor units, the most an exact total can hold`);
  }
}
