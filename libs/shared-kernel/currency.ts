import { InvalidInputError } from './errors';

/**
 * ISO 4217 List One as published 2026-01-01: every active currency and fund code that has minor units,
 * with its number of minor-unit digits. The codes whose minor unit is "N.A." (precious metals XAU XAG
 * XPD XPT, bond units XBA–XBD, XDR, XSU, XUA, the test code XTS and XXX) are left out on purpose:
 * an amount in integer minor units cannot be expressed in them. Withdrawn codes (ANG, BGN, CUC, HRK,
 * SLL, ZWL, ...) are not accepted for new data.
 */
const ZERO_DIGITS = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE_DIGITS = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR_DIGITS = 'CLF UYW';
const TWO_DIGITS = [
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD',
  'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP',
  'GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT',
  'LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN',
  'NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP',
  'SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS',
  'VED VES WST XAD XCD XCG YER ZAR ZMW ZWG',
].join(' ');

const MINOR_DIGITS: ReadonlyMap<string, number> = new Map(
  (
    [
      [ZERO_DIGITS, 0],
      [TWO_DIGITS, 2],
      [THREE_DIGITS, 3],
      [FOUR_DIGITS, 4],
    ] as const
  ).flatMap(([codes, digits]) => codes.split(' ').map((code) => [code, digits] as const)),
);

/** Every accepted code, sorted. */
export const CURRENCY_CODES: readonly string[] = [...MINOR_DIGITS.keys()].sort();

export function isKnownCurrency(code: unknown): code is string {
  return typeof code === 'string' && MINOR_DIGITS.has(code);
}

/** Validates a currency code from input; codes are upper case exactly as ISO writes them. */
export function parseCurrency(value: unknown, field: string): string {
  if (!isKnownCurrency(value)) throw unknownCurrency(value, field);
  return value;
}

/** How many digits the currency's minor unit has: USD 2, JPY 0, KWD 3, CLF 4. */
export function minorDigits(code: string): number {
  const digits = MINOR_DIGITS.get(code);
  if (digits === undefined) throw unknownCurrency(code, 'currency');
  return digits;
}

function unknownCurrency(value: unknown, field: string): InvalidInputError {
  return InvalidInputError.forField(
    field,
    'isoCurrency',
    `${field} must be an active ISO 4217 currency code such as USD, EUR or JPY (got ${JSON.stringify(value)})`,
  );
}
