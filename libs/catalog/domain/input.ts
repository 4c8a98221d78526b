import { parseDecimal } from '../../shared-kernel/decimal';
import { InvalidInputError } from '../../shared-kernel/errors';

/**
 * Input shapes of the catalog: a plan arrives as untyped JSON, so each level is checked here and every
 * error names the full path of the field (`services[1].pricing.tiers[2].upTo`) and the rule it broke.
 */

/** Prices may be finer than the currency's minor unit ("0.0035"); ten places is plenty and bounds the arithmetic. */
export const MAX_PRICE_DECIMALS = 10;

/**
 * The largest price, in major units (docs/domain-notes.md, "Amount limits"). With 4 minor digits (CLF) it is
 * 10^14 minor units, so even the flat prices of all MAX_TIERS (50) tiers add up to 5·10^15, below
 * Number.MAX_SAFE_INTEGER (9.007·10^15): a price can always be charged at least once.
 */
export const MAX_PRICE = '10000000000';

/** The largest tier bound: far beyond any quantity a period can bill at a price, and it bounds the arithmetic. */
export const MAX_TIER_BOUND = '1000000000000000';

/** A JSON object with only the allowed keys (an unknown key is refused, never silently dropped). */
export function objectWith(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw InvalidInputError.forField(field, 'object', `${field} must be an object`);
  }
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const message = `${unknown.map((key) => at(field, key)).join(', ')}: not a field of ${field}; allowed: ${allowed.join(', ')}`;
    throw new InvalidInputError(message, unknown.map((key) => ({ field: at(field, key), rule: 'unknownField', message })));
  }
  return value as Record<string, unknown>;
}

/** A non-empty array of at most `max` items. */
export function listOf(value: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw InvalidInputError.forField(field, 'array', `${field} must be an array`);
  if (value.length === 0) throw InvalidInputError.forField(field, 'notEmpty', `${field} must have at least one item`);
  if (value.length > max) throw InvalidInputError.forField(field, 'maxItems', `${field} may have at most ${max} items`);
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw InvalidInputError.forField(field, 'oneOf', `${field} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${JSON.stringify(value)})`);
}

/** An integer from `min` to `max` inclusive. */
export function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw InvalidInputError.forField(field, 'range', `${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** A price: a plain non-negative decimal string with at most MAX_PRICE_DECIMALS places; kept as given. */
export function priceString(value: unknown, field: string): string {
  const price = parseDecimal(value, field);
  if (price.isNegative()) throw InvalidInputError.forField(field, 'nonNegative', `${field} must not be negative (got "${String(value)}")`);
  if (decimalPlaces(value as string) > MAX_PRICE_DECIMALS) {
    throw InvalidInputError.forField(field, 'maxDecimalPlaces', `${field} may have at most ${MAX_PRICE_DECIMALS} decimal places`);
  }
  if (price.gt(MAX_PRICE)) {
    throw InvalidInputError.forField(field, 'amountRange', `${field} must be at most ${MAX_PRICE} (got "${String(value)}"): a larger price could not be billed`);
  }
  return value as string;
}

/** A positive decimal string (a tier boundary) at most MAX_TIER_BOUND; kept as given. */
export function positiveDecimalString(value: unknown, field: string): string {
  const bound = parseDecimal(value, field);
  if (bound.lte(0)) {
    throw InvalidInputError.forField(field, 'positive', `${field} must be greater than zero (got "${String(value)}")`);
  }
  if (bound.gt(MAX_TIER_BOUND)) {
    throw InvalidInputError.forField(field, 'quantityRange', `${field} must be at most ${MAX_TIER_BOUND} (got "${String(value)}")`);
  }
  return value as string;
}

export function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function decimalPlaces(plain: string): number {
  const dot = plain.indexOf('.');
  return dot < 0 ? 0 : plain.length - dot - 1;
}
