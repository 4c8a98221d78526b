import { createHash } from 'node:crypto';
import { InvalidInputError } from './errors';

/**
 * Ids a client may supply: 1 to 64 characters of letters, digits and `_ . : -`, starting with a letter
 * or digit. No `/`, no whitespace, nothing that needs escaping in a URL path or a stream name
 * (`account-<id>`), and no `.` or `..` that a path could resolve.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

export function assertValidId(id: unknown, field: string): asserts id is string {
  if (!isValidId(id)) {
    throw InvalidInputError.forField(
      field,
      'id',
      `${field} must be 1 to 64 characters of letters, digits and _ . : -, starting with a letter or digit (got ${JSON.stringify(id)})`,
    );
  }
}

/** The project's UUID namespace: deterministic ids of this product never collide with another's v5 ids. */
export const ID_NAMESPACE = '0b5d2f36-6a1e-5c3e-9a57-3f1c2b8e4d10';

/**
 * A UUID (version 5 layout) derived from the parts, always the same for the same parts: event ids from a
 * command id and an index, server-made ids from an idempotency key. The parts are encoded as a JSON
 * array, so ('a:b') and ('a', 'b') differ.
 */
export function deterministicUuid(...parts: string[]): string {
  if (parts.length === 0) throw new RangeError('deterministicUuid needs at least one part');
  return uuidV5(JSON.stringify(parts), ID_NAMESPACE);
}

/** RFC 4122 name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new RangeError(`namespace is not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
