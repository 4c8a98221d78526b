import { InvalidInputError } from '../../shared-kernel/errors';
import { countryCode, emailAddress, matching, text, validateAll } from '../../shared-kernel/validation';

/** An account's contact details. Absent fields are simply not there (no nulls, no empty strings). */
export interface Contact {
  firstName?: string;
  lastName?: string;
  companyName?: string;
  email?: string;
  phone?: string;
  address?: Address;
}

export interface Address {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

/** A change to a contact: a value replaces the field, `null` clears it, an absent key keeps it. */
export type ContactPatch = { [K in Exclude<keyof Contact, 'address'>]?: string | null } & {
  /** Merged field by field the same way; `null` clears the whole address. */
  address?: AddressPatch | null;
};
export type AddressPatch = { [K in keyof Address]?: string | null };

type FieldRule = (value: unknown, field: string) => string;

const PHONE = /^\+?[0-9 ().\/-]*[0-9][0-9 ().\/-]*$/;

/** The field order here is the order of fields in events and in `changed`. */
const CONTACT_RULES: Record<Exclude<keyof Contact, 'address'>, FieldRule> = {
  firstName: (value, field) => text(value, field, 100),
  lastName: (value, field) => text(value, field, 100),
  companyName: (value, field) => text(value, field, 200),
  email: emailAddress,
  phone: (value, field) =>
    matching(value, field, { pattern: PHONE, maxLength: 50, rule: 'phone', allowed: 'a phone number of digits, spaces and + ( ) . / -' }),
};

const ADDRESS_RULES: Record<keyof Address, FieldRule> = {
  line1: (value, field) => text(value, field, 200),
  line2: (value, field) => text(value, field, 200),
  city: (value, field) => text(value, field, 100),
  region: (value, field) => text(value, field, 100),
  postalCode: (value, field) => text(value, field, 20),
  country: countryCode,
};

/**
 * Validates a patch (input, so `unknown`) and applies it to `current`. `path` prefixes the field names
 * in errors: "contact" when the contact is part of a larger body, "" when the patch is the whole body.
 * Creating an account applies its contact as a patch to the empty contact.
 */
export function patchContact(current: Contact, patch: unknown, path: string): Contact {
  const changes = fieldsOf(patch, path, [...Object.keys(CONTACT_RULES), 'address']);
  const { fields, address } = validateAll({
    fields: () => patchFields(current, changes, CONTACT_RULES, path),
    address: () => patchAddress(current.address, changes.address, at(path, 'address')),
  });
  return address === undefined ? fields : { ...fields, address };
}

/** The fields that differ, as paths ("email", "address.city"), in field order. */
export function changedContactFields(before: Contact, after: Contact): string[] {
  const contactFields = (Object.keys(CONTACT_RULES) as (keyof typeof CONTACT_RULES)[]).filter((key) => before[key] !== after[key]);
  const addressFields = (Object.keys(ADDRESS_RULES) as (keyof Address)[])
    .filter((key) => before.address?.[key] !== after.address?.[key])
    .map((key) => `address.${key}`);
  return [...contactFields, ...addressFields];
}

function patchAddress(current: Address | undefined, patch: unknown, path: string): Address | undefined {
  if (patch === undefined) return current;
  if (patch === null) return undefined;
  const next = patchFields(current ?? {}, fieldsOf(patch, path, Object.keys(ADDRESS_RULES)), ADDRESS_RULES, path);
  return Object.keys(next).length > 0 ? next : undefined; // an address with every field cleared is no address
}

/** Applies a patch to flat text fields, checking each given value with its rule; the result is in rule order. */
function patchFields<Key extends string>(
  current: Partial<Record<Key, string>>,
  patch: Record<string, unknown>,
  rules: Record<Key, FieldRule>,
  path: string,
): Partial<Record<Key, string>> {
  const keys = Object.keys(rules) as Key[];
  const checked = validateAll(
    Object.fromEntries(keys.filter((key) => patch[key] != null).map((key) => [key, () => rules[key](patch[key], at(path, key))])),
  ) as Partial<Record<Key, string>>;
  const next: Partial<Record<Key, string>> = {};
  for (const key of keys) {
    const value = patch[key] === undefined ? current[key] : patch[key] === null ? undefined : checked[key];
    if (value !== undefined) next[key] = value;
  }
  return next;
}

function fieldsOf(value: unknown, path: string, allowed: string[]): Record<string, unknown> {
  const field = path || 'contact';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw InvalidInputError.forField(field, 'object', `${field} must be an object`);
  }
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const message = `${unknown.map((key) => at(path, key)).join(', ')}: not a field of ${field}; allowed: ${allowed.join(', ')}`;
    throw new InvalidInputError(message, unknown.map((key) => ({ field: at(path, key), rule: 'unknownField', message })));
  }
  return value as Record<string, unknown>;
}

function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
