import { Decimal } from './decimal';
import { InvalidInputError, RuleViolationError } from './errors';
import { add, fromMajor, money, negate, roundToMinor, subtract, sum, toMajor, toMajorString, zero } from './money';

const usd = (amount: number) => money(amount, 'USD');

describe('money', () => {
  it('builds integer minor units in a known currency', () => {
    expect(money(6452, 'USD')).toEqual({ amount: 6452, currency: 'USD' });
    expect(zero('JPY')).toEqual({ amount: 0, currency: 'JPY' });
  });

  it.each([1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1])('rejects amount %p', (amount) => {
    expect(() => money(amount, 'USD')).toThrow(InvalidInputError);
  });

  it('rejects an unknown currency', () => {
    expect(() => money(1, 'ABC')).toThrow(InvalidInputError);
  });

  it('never carries a negative zero', () => {
    expect(Object.is(money(-0, 'USD').amount, 0)).toBe(true);
    expect(Object.is(negate(usd(0)).amount, 0)).toBe(true);
  });
});

describe('arithmetic', () => {
  it('adds, subtracts, negates and sums in one currency', () => {
    expect(add(usd(1000), usd(517))).toEqual(usd(1517));
    expect(subtract(usd(1500), usd(517))).toEqual(usd(983));
    expect(negate(usd(517))).toEqual(usd(-517));
    expect(sum([usd(2720), usd(4080), usd(10200)], 'USD')).toEqual(usd(17000));
    expect(sum([], 'EUR')).toEqual(money(0, 'EUR'));
  });

  it('refuses to mix currencies', () => {
    expect(() => add(usd(1), money(1, 'EUR'))).toThrow(RuleViolationError);
    expect(() => subtract(usd(1), money(1, 'EUR'))).toThrow(/same currency|one currency/);
    expect(() => sum([usd(1)], 'EUR')).toThrow(RuleViolationError);
  });

  it('refuses a result beyond safe integers', () => {
    expect(() => add(usd(Number.MAX_SAFE_INTEGER), usd(1))).toThrow(InvalidInputError);
  });
});

describe('major units', () => {
  it.each([
    ['64.52', 'USD', 6452],
    ['0.05', 'USD', 5],
    ['-0.05', 'USD', -5],
    ['100', 'USD', 10000],
    ['100.0', 'USD', 10000],
    ['1000', 'JPY', 1000],
    ['1.234', 'KWD', 1234],
    ['0.0001', 'CLF', 1],
  ])('fromMajor(%s %s) = %i', (text, currency, amount) => {
    expect(fromMajor(text, currency)).toEqual(money(amount, currency));
  });

  it('refuses more decimals than the minor unit, rather than rounding', () => {
    expect(() => fromMajor('64.525', 'USD')).toThrow(/more than 2 decimal places/);
    expect(() => fromMajor('1.5', 'JPY')).toThrow(InvalidInputError);
  });

  it('refuses malformed decimals, naming the field', () => {
    expect(() => fromMajor('1e3', 'USD', 'price')).toThrow(/price/);
  });

  it.each([
    [6452, 'USD', '64.52'],
    [5, 'USD', '0.05'],
    [-5, 'USD', '-0.05'],
    [-12345, 'USD', '-123.45'],
    [0, 'USD', '0.00'],
    [100, 'JPY', '100'],
    [-100, 'JPY', '-100'],
    [1234, 'KWD', '1.234'],
    [7, 'KWD', '0.007'],
    [1, 'CLF', '0.0001'],
  ])('toMajorString(%i %s) = %s', (amount, currency, text) => {
    expect(toMajorString(money(amount, currency))).toBe(text);
    expect(fromMajor(text, currency).amount).toBe(amount);
  });

  it('toMajor gives the exact decimal', () => {
    expect(toMajor(money(6452, 'USD')).toString()).toBe('64.52');
    expect(toMajor(money(1234, 'KWD')).toString()).toBe('1.234');
    expect(toMajor(money(1234, 'JPY')).toString()).toBe('1234');
  });
});

describe('roundToMinor: once, half away from zero', () => {
  it.each([
    ['0.005', 'USD', 1],
    ['0.0049999', 'USD', 0],
    ['-0.005', 'USD', -1],
    ['-0.0049999', 'USD', 0],
    ['2.345', 'USD', 235],
    ['-2.345', 'USD', -235],
    ['0.5', 'JPY', 1],
    ['-0.5', 'JPY', -1],
    ['1.5', 'JPY', 2],
    ['-1.5', 'JPY', -2],
    ['2.5', 'JPY', 3],
    ['0.0005', 'KWD', 1],
    ['-0.0005', 'KWD', -1],
    ['1.2345', 'KWD', 1235],
    ['0.00005', 'CLF', 1],
  ])('%s %s → %i', (value, currency, expected) => {
    expect(roundToMinor(new Decimal(value), currency)).toBe(expected);
  });

  it('returns 0, not -0, when a small negative rounds away', () => {
    expect(Object.is(roundToMinor(new Decimal('-0.001'), 'USD'), 0)).toBe(true);
  });

  // DOMAIN.md §3 and §4: price × days used / days in the full period, rounded once.
  it.each([
    ['10', 15, 29, 517],
    ['29', 15, 29, 1500],
    ['100', 20, 31, 6452],
  ])('proration %s × %i/%i rounds to %i cents', (price, used, days, cents) => {
    expect(roundToMinor(new Decimal(price).times(used).div(days), 'USD')).toBe(cents);
  });

  it('rounds exactly where binary floating point would not (1.005 × 100)', () => {
    expect(roundToMinor(new Decimal('1.005'), 'USD')).toBe(101);
  });
});
