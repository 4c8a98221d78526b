import { Decimal, parseDecimal } from './decimal';

/**
 * Splits an integer amount (minor units) into parts proportional to the weights, by the largest-remainder
 * method: each part gets the floor of its exact share, and the units left over go one each to the parts
 * with the largest remainders, ties to the earlier part. The parts always add up to the total exactly,
 * and each is within one unit of its exact share.
 *
 * - A negative total is split as its magnitude and negated, so -100 splits as -34, -33, -33.
 * - A zero weight gets zero.
 * - All weights zero (a pool whose members used nothing, say): the total is split equally instead,
 *   because an amount must never disappear.
 * - Weights must be non-negative; an empty list can only hold a zero total. Both are caller errors
 *   (RangeError); a weight string that is not a plain decimal is an InvalidInputError naming `weights[i]`.
 *
 * Exact: weights are scaled to integers and the shares computed with BigInt, so no remainder is ever
 * misjudged by a rounded division.
 */
export function allocate(total: number, weights: readonly (Decimal | string)[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError(`total must be a safe integer, got ${total}`);
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError(`cannot allocate ${total} over no parts`);
    return [];
  }
  const scaled = scaledWeights(weights);
  const magnitudes = allocateMagnitude(BigInt(Math.abs(total)), scaled.some((w) => w > 0n) ? scaled : scaled.map(() => 1n));
  return magnitudes.map((part) => (total < 0 ? -Number(part) : Number(part)) + 0);
}

const WHOLE_NUMBER = /^[0-9]{1,15}$/;

function allocateMagnitude(total: bigint, weights: readonly bigint[]): bigint[] {
  const weightSum = weights.reduce((a, b) => a + b, 0n);
  const shares = weights.map((w, index) => ({ index, floor: (total * w) / weightSum, remainder: (total * w) % weightSum }));
  let unitsLeft = total - shares.reduce((acc, share) => acc + share.floor, 0n);
  // Array.prototype.sort is stable, so equal remainders keep their order: ties go to the earlier part.
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? 0 : a.remainder > b.remainder ? -1 : 1));
  const parts = shares.map((share) => share.floor);
  for (const share of byRemainder) {
    if (unitsLeft === 0n) break;
    parts[share.index] += 1n;
    unitsLeft -= 1n;
  }
  return parts;
}

/** Weights as integers on one common scale: ["8", "12.5"] → [80n, 125n]. */
function scaledWeights(weights: readonly (Decimal | string)[]): bigint[] {
  // Whole numbers written as digits (equal shares '1', amounts in minor units) are already on one scale: no Decimal
  // parsing (an installment schedule's split spent most of its time there).
  if (weights.every((w) => typeof w === 'string' && WHOLE_NUMBER.test(w))) return weights.map((w) => BigInt(w as string));
  const decimals = weights.map((w, i) => (typeof w === 'string' ? parseDecimal(w, `weights[${i}]`) : new Decimal(w)));
  decimals.forEach((w, i) => {
    if (!w.isFinite() || (w.isNegative() && !w.isZero())) {
      throw new RangeError(`weights[${i}] must be a finite, non-negative number, got ${w.toString()}`);
    }
  });
  const places = decimals.reduce((most, w) => Math.max(most, w.decimalPlaces()), 0);
  return decimals.map((w) => {
    // Our Decimal never prints exponents, so the digits can be read straight off the string.
    const [whole, fraction = ''] = w.abs().toString().split('.');
    return BigInt(whole + fraction.padEnd(places, '0'));
  });
}
