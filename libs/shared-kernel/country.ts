import { InvalidInputError } from './errors';

/**
 * ISO 3166-1 alpha-2: the 249 officially assigned codes, as listed by the ISO 3166 Maintenance Agency
 * (ISO Online Browsing Platform, www.iso.org/obp; unchanged since SS South Sudan in 2011). Reserved codes
 * (UK, EU, AC, TA, ...) and withdrawn ones (AN, CS, YU, ...) are refused: "GB" is the United Kingdom.
 * One user-assigned code is accepted on purpose: XK, Kosovo, which is not in ISO 3166 but is what the EU,
 * the IMF, SWIFT, Unicode CLDR and payment providers use, so a customer there can still give an address.
 */
const ASSIGNED = [
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ',
  'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ',
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ',
  'DE DJ DK DM DO DZ',
  'EC EE EG EH ER ES ET',
  'FI FJ FK FM FO FR',
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY',
  'HK HM HN HR HT HU',
  'ID IE IL IM IN IO IQ IR IS IT',
  'JE JM JO JP',
  'KE KG KH KI KM KN KP KR KW KY KZ',
  'LA LB LC LI LK LR LS LT LU LV LY',
  'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ',
  'NA NC NE NF NG NI NL NO NP NR NU NZ',
  'OM',
  'PA PE PF PG PH PK PL PM PN PR PS PT PW PY',
  'QA',
  'RE RO RS RU RW',
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ',
  'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ',
  'UA UG UM US UY UZ',
  'VA VC VE VG VI VN VU',
  'WF WS',
  'YE YT',
  'ZA ZM ZW',
].join(' ');

const USER_ASSIGNED_ACCEPTED = 'XK';

const CODES: ReadonlySet<string> = new Set(`${ASSIGNED} ${USER_ASSIGNED_ACCEPTED}`.split(' '));

/** Every accepted code, sorted (the 249 assigned ones and XK). */
export const COUNTRY_CODES: readonly string[] = [...CODES].sort();

/** The rule name errors carry (the domain's format check has always used it: one name for one rule). */
export const COUNTRY_RULE = 'iso3166Alpha2';

export function isKnownCountry(code: unknown): code is string {
  return typeof code === 'string' && CODES.has(code);
}

export function countryMessage(field: string, value: unknown): string {
  return `${field} must be an ISO 3166-1 alpha-2 country code in capitals, such as US, GB or FR (got ${JSON.stringify(value)})`;
}

/** Validates a country code from input; codes are upper case exactly as ISO writes them. */
export function parseCountry(value: unknown, field: string): string {
  if (!isKnownCountry(value)) throw InvalidInputError.forField(field, COUNTRY_RULE, countryMessage(field, value));
  return value;
}
