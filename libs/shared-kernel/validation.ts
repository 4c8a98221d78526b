import { ErrorDetail, InvalidInputError } from './errors';
import { COUNTRY_RULE, parseCountry } from './country';

/**
 * Small input rules shared by the bounded contexts. Each returns the clean value or throws an
 * InvalidInputError naming the field, what was wrong and what is allowed.
 */

/**
 * Runs every check, even after one fails, and reports all invalid fields in one InvalidInputError, so a
 * form can show them together. Returns the checked values under the same keys.
 */
export function validateAll<Checks extends Record<string, () => unknown>>(
  checks: Checks,
): { [K in keyof Checks]: ReturnType<Checks[K]> } {
  const values: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  for (const [key, check] of Object.entries(checks)) {
    try {
      values[key] = check();
    } catch (error: unknown) {
      if (!(error instanceof InvalidInputError)) throw error;
      details.push(...error.details);
    }
  }
  if (details.length === 1) throw new InvalidInputError(details[0].message, details);
  if (details.length > 1) {
    throw new InvalidInputError(`${details.length} fields are invalid: ${details.map((d) => d.message).join('; ')}`, details);
  }
  return values as { [K in keyof Checks]: ReturnType<Checks[K]> };
}

/** Required text, trimmed: not blank and at most `maxLength` characters. */
export function text(value: unknown, field: string, maxLength: number): string {
  if (value === undefined || value === null) throw InvalidInputError.forField(field, 'required', `${field} is required`);
  if (typeof value !== 'string') throw InvalidInputError.forField(field, 'type', `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw InvalidInputError.forField(field, 'notBlank', `${field} must not be blank`);
  if ([...trimmed].length > maxLength) {
    throw InvalidInputError.forField(field, 'maxLength', `${field} must be at most ${maxLength} characters`);
  }
  return trimmed;
}

/** Optional input: undefined and null mean "not given" and become null; anything else must pass `rule`. */
export function optional<T>(value: unknown, field: string, rule: (value: unknown, field: string) => T): T | null {
  return value === undefined || value === null ? null : rule(value, field);
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const COUNTRY = /^[A-Z]{2}$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** A plausible address (local@domain.tld); deliverability is the mail system's business. */
export function emailAddress(value: unknown, field: string): string {
  return matching(value, field, { pattern: EMAIL, maxLength: 254, rule: 'email', allowed: 'an email address such as name@example.com' });
}

/** ISO 3166-1 alpha-2 format: two capital letters. */
export function countryCode(value: unknown, field: string): string {
  const code = matching(value, field, { pattern: COUNTRY, maxLength: 2, rule: COUNTRY_RULE, allowed: 'a two-letter ISO 3166-1 country code in capitals, such as US or FR' });
  // Two capitals are not enough: the code must be assigned (country.ts), as the HTTP edge checks it too.
  return parseCountry(code, field);
}

/** A BCP 47 language tag of the common form: a language and an optional region (en, fr, pt-BR). */
export function languageTag(value: unknown, field: string): string {
  return matching(value, field, { pattern: LANGUAGE, maxLength: 6, rule: 'bcp47', allowed: 'a language tag such as en, fr or pt-BR' });
}

export function matching(
  value: unknown,
  field: string,
  format: { pattern: RegExp; maxLength: number; rule: string; allowed: string },
): string {
  const checked = text(value, field, Number.MAX_SAFE_INTEGER);
  if (checked.length > format.maxLength || !format.pattern.test(checked)) {
    throw InvalidInputError.forField(field, format.rule, `${field} must be ${format.allowed} (got ${JSON.stringify(checked)})`);
  }
  return checked;
}
