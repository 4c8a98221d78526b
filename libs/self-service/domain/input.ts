import { createHash } from 'node:crypto';
import { Temporal } from '@js-temporal/polyfill';
import { InvalidInputError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';
import { emailAddress, validateAll } from '../../shared-kernel/validation';

/** What a customer user may act on: its own account, or also every account below it in the hierarchy. */
export type CustomerUserScope = 'account' | 'descendants';
export const SCOPES: readonly CustomerUserScope[] = ['account', 'descendants'];

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** The email as a user is known by: trimmed and lower-cased, so "Ann@Example.com " and "ann@example.com" are one user. */
export function normalizedEmail(value: unknown, field = 'email'): string {
  return emailAddress(value, field).toLowerCase();
}

/** A password: a string of 10 to 200 characters (counted as code points); nothing else is imposed. */
export function checkPassword(value: unknown, field = 'password'): string {
  if (value === undefined || value === null) throw InvalidInputError.forField(field, 'required', `${field} is required`);
  if (typeof value !== 'string') throw InvalidInputError.forField(field, 'type', `${field} must be a string`);
  const length = [...value].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw InvalidInputError.forField(field, 'minLength', `${field} must be at least ${PASSWORD_MIN_LENGTH} characters (got ${length})`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw InvalidInputError.forField(field, 'maxLength', `${field} must be at most ${PASSWORD_MAX_LENGTH} characters (got ${length})`);
  }
  return value;
}

export function parseScope(value: unknown, field = 'scope'): CustomerUserScope {
  if (value === undefined || value === null) return 'account';
  if (typeof value === 'string' && (SCOPES as string[]).includes(value)) return value as CustomerUserScope;
  throw InvalidInputError.forField(field, 'oneOf', `${field} must be one of ${SCOPES.join(', ')} (got ${JSON.stringify(value)})`);
}

export interface NewCustomerUserInput {
  email: string;
  password: string | null;
  scope: CustomerUserScope;
}

/** Every field of a new user checked at once: `email` (email), `password` (type, minLength, maxLength; optional), `scope` (oneOf). */
export function parseNewCustomerUser(input: { email: unknown; password?: unknown; scope?: unknown }): NewCustomerUserInput {
  return validateAll({
    email: () => normalizedEmail(input.email),
    password: () => (input.password === undefined || input.password === null ? null : checkPassword(input.password)),
    scope: () => parseScope(input.scope),
  });
}

/**
 * A user's id derives from the tenant and the normalized email (`cu_` + 40 hex of a SHA-256), so the email's
 * uniqueness in a tenant is the stream's: creating expects no stream yet. Salted with the tenant, so the id does
 * not tell whether two tenants share a customer.
 */
export function customerUserIdOf(tenantId: string, email: string): string {
  return `cu_${createHash('sha256').update(`${tenantId}\n${email}`).digest('hex').slice(0, 40)}`;
}

export function customerUserStream(tenantId: string, userId: string): string {
  return streamName('customerUser', tenantId, userId);
}

/** `at` plus some minutes, as an ISO instant with milliseconds (the format of the clock's toISOString). */
export function plusMinutes(at: string, minutes: number): string {
  return Temporal.Instant.from(at).add({ minutes }).toString({ fractionalSecondDigits: 3 });
}

/** Milliseconds since the epoch of an ISO instant: instants are compared as numbers, never as strings. */
export function epochMs(at: string): number {
  return Temporal.Instant.from(at).epochMilliseconds;
}
