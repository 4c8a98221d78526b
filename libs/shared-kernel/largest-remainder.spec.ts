import fc from 'fast-check';
import { Decimal } from './decimal';
import { InvalidInputError } from './errors';
import { allocate } from './largest-remainder';

describe('allocate (largest remainder)', () => {
  it('DOMAIN.md §10: 1,000.00 in 3 installments is 333.34, 333.33, 333.33', () => {
    expect(allocate(100000, ['1', '1', '1'])).toEqual([33334, 33333, 33333]);
  });

  it('DOMAIN.md §6: a pool of 170.00 over usage 8, 12, 30 GB is 27.20, 40.80, 102.00', () => {
    expect(allocate(17000, ['8', '12', '30'])).toEqual([2720, 4080, 10200]);
  });

  it('takes Decimals as well as strings, and fractional weights', () => {
    expect(allocate(17000, [new Decimal(8), new Decimal(12), new Decimal(30)])).toEqual([2720, 4080, 10200]);
    expect(allocate(1000, ['0.5', '1.25', '0.25'])).toEqual([250, 625, 125]);
  });

  it('gives ties to the earlier part', () => {
    expect(allocate(2, ['1', '1', '1'])).toEqual([1, 1, 0]);
    expect(allocate(1, ['1', '1'])).toEqual([1, 0]);
    // remainders 0.5, 0.5 (for 1 and 3 of 4 units): the earlier one wins
    expect(allocate(5, ['1', '1'])).toEqual([3, 2]);
  });

  it('gives the leftover unit to the largest remainder, not the earliest part', () => {
    // shares 3.3, 3.3, 3.4 → floors 3, 3, 3; one unit left goes to the third
    expect(allocate(10, ['33', '33', '34'])).toEqual([3, 3, 4]);
  });

  it('splits a negative total symmetrically', () => {
    expect(allocate(-100000, ['1', '1', '1'])).toEqual([-33334, -33333, -33333]);
    expect(allocate(-2, ['1', '1', '1'])).toEqual([-1, -1, 0]);
    expect(allocate(-17000, ['8', '12', '30'])).toEqual([-2720, -4080, -10200]);
  });

  it('gives zero weights zero', () => {
    expect(allocate(100, ['0', '1', '0', '1'])).toEqual([0, 50, 0, 50]);
    expect(allocate(7, ['0', '1', '0'])).toEqual([0, 7, 0]);
  });

  it('never produces -0', () => {
    expect(allocate(-1, ['1', '1']).map((part) => Object.is(part, -0))).toEqual([false, false]);
  });

  it('splits equally when every weight is zero: an amount never disappears', () => {
    expect(allocate(100, ['0', '0', '0'])).toEqual([34, 33, 33]);
    expect(allocate(0, ['0', '0'])).toEqual([0, 0]);
  });

  it('allocates zero as zeros and nothing over no parts', () => {
    expect(allocate(0, ['1', '2'])).toEqual([0, 0]);
    expect(allocate(0, [])).toEqual([]);
    expect(() => allocate(1, [])).toThrow(RangeError);
  });

  it('refuses negative weights, non-integer totals and malformed weight strings', () => {
    expect(() => allocate(100, ['1', '-1'])).toThrow(RangeError);
    expect(() => allocate(1.5, ['1'])).toThrow(RangeError);
    expect(() => allocate(100, ['1', 'x'])).toThrow(InvalidInputError);
    expect(() => allocate(100, ['1', 'x'])).toThrow(/weights\[1\]/);
  });

  it('stays exact where a 40-digit division would see a tie', () => {
    const barelyMore = '1.' + '0'.repeat(43) + '1'; // 45 significant digits
    expect(allocate(1, [barelyMore, '1'])).toEqual([1, 0]);
    expect(allocate(1, ['1', barelyMore])).toEqual([0, 1]);
  });

  const weightString = fc.stringMatching(/^\d{1,7}(\.\d{1,4})?$/);
  const total = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });

  it('property: the parts add up to the total', () => {
    fc.assert(
      fc.property(total, fc.array(weightString, { minLength: 1, maxLength: 12 }), (amount, weights) => {
        expect(allocate(amount, weights).reduce((a, b) => a + b, 0)).toBe(amount);
      }),
    );
  });

  it('property: each part is within one unit of its exact share', () => {
    fc.assert(
      fc.property(total, fc.array(weightString, { minLength: 1, maxLength: 12 }), (amount, weights) => {
        const weightSum = weights.reduce((a, w) => a.plus(w), new Decimal(0));
        fc.pre(!weightSum.isZero());
        allocate(amount, weights).forEach((part, i) => {
          const exact = new Decimal(amount).times(weights[i]).div(weightSum);
          expect(exact.minus(part).abs().lessThan(1)).toBe(true);
        });
      }),
    );
  });

  it('property: whole-number strings (read without Decimal) split as the same weights given as Decimals', () => {
    fc.assert(
      fc.property(total, fc.array(fc.stringMatching(/^\d{1,9}$/), { minLength: 1, maxLength: 12 }), (amount, weights) => {
        expect(allocate(amount, weights)).toEqual(allocate(amount, weights.map((w) => new Decimal(w))));
      }),
    );
    expect(allocate(100, ['007', '3'])).toEqual([70, 30]);
  });

  it('property: a negative total mirrors the positive one', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000_000), fc.array(weightString, { minLength: 1, maxLength: 8 }), (amount, weights) => {
        expect(allocate(-amount, weights)).toEqual(allocate(amount, weights).map((part) => (part === 0 ? 0 : -part)));
      }),
    );
  });
});
