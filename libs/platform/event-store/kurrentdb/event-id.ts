import { createHash } from 'node:crypto';

/**
 * KurrentDB wants every event id to be a UUID; ours are deterministic strings (command id + index). A UUID
 * id is used as it is; any other id is mapped to a name-based UUID (RFC 4122 version 5, SHA-1), so the same
 * id always gives the same UUID and KurrentDB's own duplicate detection still recognises a retried append.
 * The original id travels in the event's metadata under EVENT_ID_METADATA_KEY and is restored on read.
 */
export const EVENT_ID_METADATA_KEY = '$eventId';

/** This project's namespace for name-based ids. Never change it: ids already written depend on it. */
export const EVENT_ID_NAMESPACE = 'f02e89a1-cfb0-4f4e-930b-37e92080e371';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function toKurrentEventId(id: string): string {
  return isUuid(id) ? id.toLowerCase() : uuidV5(id, EVENT_ID_NAMESPACE);
}

/** RFC 4122 §4.3 name-based UUID with SHA-1. */
export function uuidV5(name: string, namespace: string): string {
  if (!isUuid(namespace)) throw new RangeError(`uuidV5: namespace must be a UUID, got ${namespace}`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
