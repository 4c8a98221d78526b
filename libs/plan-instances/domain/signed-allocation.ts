import { Decimal } from '../../shared-kernel/decimal';

/**
 * Splits `total` (minor units, either sign) over parts in proportion to signed weights (line amounts, which may
 * be credits): each part is its exact share rounded half away from zero, and what rounding leaves over goes to
 * the part of the largest weight (ties: the first), so the parts always add up to `total` exactly. All weights
 * zero: everything on the first part. A discount or a tax spread back over the lines it was computed on uses this,
 * so each line's share follows its own sign (a credit's share of a discount is a refund of it).
 */
export function allocateSigned(total: number, given: readonly (number | Decimal)[]): number[] {
  const weights = given.map((w) => new Decimal(w));
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError(`cannot allocate ${total} over no parts`);
    return [];
  }
  const sum = weights.reduce((a, b) => a.plus(b), new Decimal(0));
  if (total === 0) return weights.map(() => 0);
  let largest = 0;
  weights.forEach((w, i) => {
    if (w.abs().gt(weights[largest].abs())) largest = i;
  });
  if (sum.isZero()) return weights.map((_, i) => (i === largest ? total : 0));
  const parts = weights.map((w) => new Decimal(total).times(w).div(sum).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() + 0);
  parts[largest] += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}
