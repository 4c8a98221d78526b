import { createHash, hash } from 'node:crypto';
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
 * The id the server gives what a request creates when the request names none (`acc_…`, `plan_…`, `coupon_…`): derived
 * from the command id, so a repeated request (same Idempotency-Key) names the same entity.
 */
export function generatedId(prefix: string, commandId: string): string {
  return `${prefix}_${createHash('sha256').update(commandId).digest('hex').slice(0, 20)}`;
}

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
  // One-shot hash of namespace + name: a Hash object per id cost twice as much (every command and event id).
  const ns = namespaceBytesOf(namespace);
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
  ns.copy(input, 0);
  input.write(name, 16, 'utf8');
  // The digest as hex, cut into the UUID's groups: 0.8 µs an id against 1.3 formatting it byte by byte from a table.
  const hex = hash('sha1', input, 'hex');
  return (
    hex.slice(0, 8) + '-' +
    hex.slice(8, 12) + '-' +
    '5' + hex.slice(13, 16) + '-' + // version 5
    VARIANT_DIGIT[hex[16]] + hex.slice(17, 20) + '-' + // RFC 4122 variant: 10xx
    hex.slice(20, 32)
  );
}

/** A hex digit with its top two bits set to 10: the variant's first digit (8, 9, a or b). */
const VARIANT_DIGIT: Readonly<Record<string, string>> = Object.fromEntries([...'0123456789abcdef'].map((digit, value) => [digit, '89ab'[value & 0x3]]));

/** Namespaces are a handful of constants: each is parsed once. */
const namespaceBytes = new Map<string, Buffer>();

function namespaceBytesOf(namespace: string): Buffer {
  let bytes = namespaceBytes.get(namespace);
  if (bytes === undefined) {
    bytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (bytes.length !== 16) throw new RangeError(`namespace is not a UUID: ${namespace}`);
    if (namespaceBytes.size < 16) namespaceBytes.set(namespace, bytes);
  }
  return bytes;
}
