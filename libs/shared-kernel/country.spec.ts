import { InvalidInputError } from './errors';
import { COUNTRY_CODES, isKnownCountry, parseCountry } from './country';

describe('ISO 3166-1 alpha-2 countries', () => {
  it('holds the 249 assigned codes and XK', () => {
    expect(COUNTRY_CODES).toHaveLength(250);
    expect(new Set(COUNTRY_CODES).size).toBe(250);
    expect(COUNTRY_CODES.every((code) => /^[A-Z]{2}$/.test(code))).toBe(true);
  });

  it.each(['US', 'GB', 'FR', 'DE', 'JP', 'KW', 'SS', 'BQ', 'CW', 'SX', 'AX', 'XK'])('knows %s', (code) => {
    expect(isKnownCountry(code)).toBe(true);
  });

  // XX and ZZ are user-assigned, UK and EU reserved, AN, CS and YU withdrawn.
  it.each(['XX', 'ZZ', 'UK', 'EU', 'AN', 'CS', 'YU', 'us', 'USA', 'U', '', 'constructor'])('does not know %j', (code) => {
    expect(isKnownCountry(code)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isKnownCountry(840)).toBe(false);
    expect(isKnownCountry(null)).toBe(false);
  });

  it('names the field and the iso3166Alpha2 rule when parsing input', () => {
    expect(parseCountry('FR', 'country')).toBe('FR');
    let error: unknown;
    try {
      parseCountry('XX', 'contact.address.country');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).details).toEqual([
      { field: 'contact.address.country', rule: 'iso3166Alpha2', message: expect.stringContaining('ISO 3166-1 alpha-2') },
    ]);
  });
});
