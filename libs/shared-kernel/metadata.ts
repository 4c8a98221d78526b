import { ErrorDetail, InvalidInputError } from './errors';

/**
 * `metadata` on accounts, plans and plan instances (issue 22): the client's own string key → string value pairs,
 * stored and shown as given, never read by billing. Bounded so that a document stays small.
 */
export type Metadata = Record<string, string>;

export const MAX_METADATA_KEYS = 50;
export const MAX_METADATA_KEY_LENGTH = 40;
export const MAX_METADATA_VALUE_LENGTH = 500;
export const METADATA_KEY = /^[A-Za-z0-9_.-]+$/;

export const METADATA_DESCRIPTION =
  `Your own key → value pairs (strings), at most ${MAX_METADATA_KEYS} keys; a key is 1-${MAX_METADATA_KEY_LENGTH} of A-Z a-z 0-9 _ . -, ` +
  `a value at most ${MAX_METADATA_VALUE_LENGTH} characters. Shown on the object only when it has some.`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function checkKey(key: string, details: ErrorDetail[]): boolean {
  const field = `metadata.${key}`;
  if (key.length === 0 || key.length > MAX_METADATA_KEY_LENGTH) {
    details.push({ field, rule: 'keyLength', message: `${field}: a metadata key must be 1 to ${MAX_METADATA_KEY_LENGTH} characters` });
    return false;
  }
  if (!METADATA_KEY.test(key)) {
    details.push({ field, rule: 'keyPattern', message: `${field}: a metadata key may hold only letters, digits, "_", "." and "-"` });
    return false;
  }
  return true;
}

function checkValue(key: string, value: unknown, details: ErrorDetail[], nullable: boolean): boolean {
  const field = `metadata.${key}`;
  if (value === null && nullable) return true;
  if (typeof value !== 'string') {
    details.push({ field, rule: 'type', message: `${field} must be a string${nullable ? ' (or null to remove it)' : ''}` });
    return false;
  }
  if (value.length > MAX_METADATA_VALUE_LENGTH) {
    details.push({ field, rule: 'valueLength', message: `${field} must be at most ${MAX_METADATA_VALUE_LENGTH} characters` });
    return false;
  }
  return true;
}

function fail(details: ErrorDetail[]): never {
  throw new InvalidInputError(details.length === 1 ? details[0].message : `${details.length} metadata entries are invalid: ${details.map((d) => d.message).join('; ')}`, details);
}

function tooMany(count: number): never {
  throw InvalidInputError.forField('metadata', 'maxKeys', `metadata may hold at most ${MAX_METADATA_KEYS} keys (it would hold ${count})`);
}

/** Metadata given on create: absent or null is none; otherwise every key and value is checked (400 naming `metadata.<key>`). */
export function parseMetadata(value: unknown): Metadata {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw InvalidInputError.forField('metadata', 'type', 'metadata must be an object of string values');
  const details: ErrorDetail[] = [];
  const result: Metadata = {};
  for (const [key, entry] of Object.entries(value)) {
    if (checkKey(key, details) && checkValue(key, entry, details, false)) result[key] = entry as string;
  }
  if (details.length > 0) fail(details);
  if (Object.keys(result).length > MAX_METADATA_KEYS) tooMany(Object.keys(result).length);
  return result;
}

/**
 * A change (PATCH …/metadata): a string sets the key, null removes it, a key not named stays. Returns the metadata
 * after and the entries that differ (`null`: removed); no entry differs: nothing to record.
 */
export function patchMetadata(current: Metadata, change: unknown): { metadata: Metadata; changed: Record<string, string | null> } {
  if (!isPlainObject(change)) throw InvalidInputError.forField('metadata', 'type', 'metadata must be an object of string values (or null to remove a key)');
  const details: ErrorDetail[] = [];
  const next: Metadata = { ...current };
  const changed: Record<string, string | null> = {};
  for (const [key, entry] of Object.entries(change)) {
    if (!checkKey(key, details) || !checkValue(key, entry, details, true)) continue;
    if (entry === null) {
      if (key in next) {
        delete next[key];
        changed[key] = null;
      }
    } else if (next[key] !== entry) {
      next[key] = entry as string;
      changed[key] = entry as string;
    }
  }
  if (details.length > 0) fail(details);
  if (Object.keys(next).length > MAX_METADATA_KEYS) tooMany(Object.keys(next).length);
  return { metadata: next, changed };
}

/** The field as an object shows it: only when it holds something (objects made before metadata existed have none). */
export function shownMetadata(metadata: Metadata | null | undefined): { metadata?: Metadata } {
  return metadata && Object.keys(metadata).length > 0 ? { metadata } : {};
}
