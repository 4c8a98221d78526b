import { minorDigits, parseCurrency } from './currency';
import { Decimal, parseDecimal } from './decimal';
import { InvalidInputError, RuleViolationError } from './errors';

/**
 * An amount as the API, the events and the stores carry it: an integer count of the currency's
 * minor units (`{ amount: 6452, currency: 'USD' }` is 64.52 USD). Never a binary fraction.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** Builds a Money, checking that the amount is a safe integer and the currency a known ISO 4217 code. */
export function money(amount: number, currency: string, field = 'amount'): Money {
  return { amount: safeMinorUnits(amount, field), currency: parseCurrency(currency, 'currency') };
}

export function zero(currency: string): Money {
  return money(0, currency);
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function negate(a: Money): Money {
  return money(-a.amount, a.currency);
}

/** Sums amounts of one currency; the currency is explicit so that an empty list has a defined total. */
export function sum(items: readonly Money[], currency: string): Money {
  return items.reduce(add, zero(currency));
}

/** "64.52" USD → 6452. More decimals than the currency has minor digits is refused, not rounded. */
export function fromMajor(value: string, currency: string, field = 'amount'): Money {
  const digits = minorDigits(currency);
  const minor = parseDecimal(value, field).times(scale(digits));
  if (!minor.isInteger()) {
    throw InvalidInputError.forField(
      field,
      'minorUnits',
      `${field} has more than ${digits} decimal places, the minor unit of ${currency}`,
    );
  }
  return money(minor.toNumber(), currency, field);
}

/** 6452 USD → "64.52"; -5 USD → "-0.05"; 100 JPY → "100". Built from the digits, so it is exact. */
export function toMajorString(m: Money): string {
  const digits = minorDigits(m.currency);
  const sign = m.amount < 0 ? '-' : '';
  const units = String(Math.abs(m.amount)).padStart(digits + 1, '0');
  if (digits === 0) return sign + units;
  return `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

/** The amount in major units as an exact decimal, for computing with prices and rates. */
export function toMajor(m: Money): Decimal {
  return new Decimal(m.amount).div(scale(minorDigits(m.currency)));
}

/**
 * Rounds an exact major-unit value once to the currency's minor units, half away from zero
 * (64.516129… USD → 6452; -0.005 USD → -1).
 */
export function roundToMinor(value: Decimal, currency: string): number {
  const minor = new Decimal(value).times(scale(minorDigits(currency))).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return safeMinorUnits(minor.toNumber(), 'amount');
}

function scale(digits: number): Decimal {
  return new Decimal(10).pow(digits);
}

function safeMinorUnits(amount: number, field: string): number {
  if (!Number.isSafeInteger(amount)) {
    throw InvalidInputError.forField(
      field,
      'integerMinorUnits',
      `${field} must be an integer number of minor units between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  return amount + 0; // -0 + 0 is 0: a zero amount never carries a sign
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    const message = `cannot combine ${toMajorString(a)} ${a.currency} with ${toMajorString(b)} ${b.currency}: amounts must be in one currency`;
    throw new RuleViolationError(message, [{ field: 'currency', rule: 'sameCurrency', message }]);
  }
}
