import { InvalidInputError } from './errors';
import { countryCode, emailAddress, languageTag, optional, text, validateAll } from './validation';

function errorOf(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

describe('text', () => {
  it('trims and returns', () => {
    expect(text('  Acme  ', 'name', 200)).toBe('Acme');
  });

  it.each([
    [undefined, 'required'],
    [null, 'required'],
    [42, 'type'],
    ['   ', 'notBlank'],
    ['x'.repeat(6), 'maxLength'],
  ])('%j breaks rule %s', (value, rule) => {
    expect(errorOf(() => text(value, 'name', 5)).details).toEqual([{ field: 'name', rule, message: expect.stringContaining('name') }]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(text('😀😀', 'name', 2)).toBe('😀😀');
  });
});

describe('formats', () => {
  it.each(['a@b.co', 'first.last+tag@example.co.uk', ' ann@example.com '])('email accepts %j', (value) => {
    expect(emailAddress(value, 'email')).toBe(value.trim());
  });

  it.each(['ann', 'ann@', '@example.com', 'ann@example', 'ann@@example.com', 'a b@example.com', 'ann@example..com', `${'a'.repeat(250)}@b.co`])(
    'email rejects %j',
    (value) => {
      expect(errorOf(() => emailAddress(value, 'email')).details[0]).toMatchObject({ field: 'email', rule: 'email' });
    },
  );

  it.each(['US', 'FR', 'DE'])('country accepts %s', (value) => {
    expect(countryCode(value, 'country')).toBe(value);
  });

  it.each(['us', 'USA', 'U', 'U1'])('country rejects %s', (value) => {
    expect(errorOf(() => countryCode(value, 'country')).details[0]).toMatchObject({ field: 'country', rule: 'iso3166Alpha2' });
  });

  it.each(['en', 'fr', 'pt-BR', 'haw', 'zh-CN'])('language accepts %s', (value) => {
    expect(languageTag(value, 'language')).toBe(value);
  });

  it.each(['EN', 'en-us', 'en_US', 'english', 'e', 'zh-Hans'])('language rejects %s', (value) => {
    expect(errorOf(() => languageTag(value, 'language')).details[0]).toMatchObject({ field: 'language', rule: 'bcp47' });
  });
});

describe('optional', () => {
  it('turns undefined and null into null, checks anything else', () => {
    expect(optional(undefined, 'country', countryCode)).toBeNull();
    expect(optional(null, 'country', countryCode)).toBeNull();
    expect(optional('FR', 'country', countryCode)).toBe('FR');
    expect(() => optional('fr', 'country', countryCode)).toThrow(InvalidInputError);
  });
});

describe('validateAll', () => {
  it('returns the checked values under their keys', () => {
    expect(validateAll({ name: () => text(' A ', 'name', 5), country: () => countryCode('FR', 'country') })).toEqual({ name: 'A', country: 'FR' });
  });

  it('reports every invalid field at once', () => {
    const error = errorOf(() =>
      validateAll({ name: () => text('', 'name', 5), country: () => countryCode('fr', 'country'), ok: () => 1 }),
    );
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([
      ['name', 'notBlank'],
      ['country', 'iso3166Alpha2'],
    ]);
    expect(error.message).toMatch(/^2 fields are invalid: name must not be blank; country must be/);
  });

  it('keeps the single message when one field is invalid', () => {
    expect(errorOf(() => validateAll({ name: () => text('', 'name', 5) })).message).toBe('name must not be blank');
  });

  it('lets other errors through untouched', () => {
    expect(() =>
      validateAll({
        boom: () => {
          throw new TypeError('bug');
        },
      }),
    ).toThrow(TypeError);
  });
});
