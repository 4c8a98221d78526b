import { InvalidInputError } from './errors';
import { CURRENCY_CODES, isKnownCurrency, minorDigits, parseCurrency } from './currency';

describe('ISO 4217 currencies', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['XOF', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['UYW', 4],
    ['XCG', 2],
    ['ZWG', 2],
    ['SLE', 2],
    ['VED', 2],
  ])('%s has %i minor digits', (code, digits) => {
    expect(minorDigits(code)).toBe(digits);
  });

  it('holds every active code with minor units (List One 2026: 178 codes, 13 without minor units)', () => {
    expect(CURRENCY_CODES).toHaveLength(165);
    expect(new Set(CURRENCY_CODES).size).toBe(165);
    expect(CURRENCY_CODES.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
  });

  it.each(['XAU', 'XDR', 'XTS', 'XXX', 'ANG', 'BGN', 'HRK', 'ZWL', 'usd', 'US', '', 'constructor', 'toString'])(
    'does not know %j',
    (code) => {
      expect(isKnownCurrency(code)).toBe(false);
      expect(() => minorDigits(code)).toThrow(InvalidInputError);
    },
  );

  it('rejects non-strings', () => {
    expect(isKnownCurrency(840)).toBe(false);
    expect(isKnownCurrency(null)).toBe(false);
  });

  it('names the field and the isoCurrency rule when parsing input', () => {
    const error = catchError(() => parseCurrency('usd', 'plan.currency'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.details).toEqual([{ field: 'plan.currency', rule: 'isoCurrency', message: expect.stringContaining('ISO 4217') }]);
    expect(parseCurrency('USD', 'currency')).toBe('USD');
  });
});

function catchError(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    return error as InvalidInputError;
  }
  throw new Error('expected an error');
}
