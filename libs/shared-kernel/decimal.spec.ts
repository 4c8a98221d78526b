import { Decimal as DecimalJs } from 'decimal.js';
import { Decimal, parseDecimal } from './decimal';
import { InvalidInputError } from './errors';

describe('Decimal', () => {
  it('rounds half away from zero, negatives included', () => {
    expect(new Decimal('2.5').toDecimalPlaces(0).toString()).toBe('3');
    expect(new Decimal('-2.5').toDecimalPlaces(0).toString()).toBe('-3');
    expect(new Decimal('-2.4').toDecimalPlaces(0).toString()).toBe('-2');
  });

  it('never prints exponent notation', () => {
    expect(new Decimal('0.00000001').toString()).toBe('0.00000001');
    expect(new Decimal('1e25').toString()).toBe('10000000000000000000000000');
  });

  it('divides with 40 significant digits', () => {
    expect(new Decimal(1).div(3).toString()).toBe('0.' + '3'.repeat(40));
  });

  it('is a separate configuration: the library default stays untouched', () => {
    expect(DecimalJs.precision).toBe(20);
  });
});

describe('parseDecimal', () => {
  it.each(['0', '12', '12.50', '-1', '-0.0035', '0.0035', '123456789012345678901234567890.123'])('accepts %s', (text) => {
    expect(parseDecimal(text, 'unitPrice').toString()).toBe(new Decimal(text).toString());
  });

  it.each(['', ' 1', '1 ', '1.', '.5', '+1', '1e3', '0x10', 'NaN', 'Infinity', '1,5', '1.2.3', '--1'])('rejects %j', (text) => {
    expect(() => parseDecimal(text, 'unitPrice')).toThrow(InvalidInputError);
  });

  it('rejects numbers: decimals travel as strings', () => {
    expect(() => parseDecimal(1.5, 'unitPrice')).toThrow(InvalidInputError);
  });

  it('names the field', () => {
    try {
      parseDecimal('abc', 'tiers[0].unitPrice');
      throw new Error('expected an error');
    } catch (error) {
      expect((error as InvalidInputError).details).toEqual([
        { field: 'tiers[0].unitPrice', rule: 'decimal', message: expect.stringContaining('tiers[0].unitPrice') },
      ]);
    }
  });
});
