import { Decimal as DecimalJs } from 'decimal.js';
import { InvalidInputError } from './errors';

/**
 * The one configured Decimal the whole domain shares. 40 significant digits keep every intermediate
 * of a price × quantity × days / days computation exact enough that rounding happens once, at the end.
 * Half away from zero is decimal.js's ROUND_HALF_UP. The exponent limits make `toString()` always
 * plain notation ("0.0000001", never "1e-7"), so decimals travel as ordinary strings.
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Decimal = DecimalJs;

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Parses a decimal string as the API carries them ("100.00", "0.0035", "-1"); no exponents, no spaces. */
export function parseDecimal(value: unknown, field: string): Decimal {
  if (typeof value !== 'string' || !PLAIN_DECIMAL.test(value)) {
    throw InvalidInputError.forField(
      field,
      'decimal',
      `${field} must be a decimal string such as "12.50" or "0.0035"`,
    );
  }
  return new Decimal(value);
}
