/**
 * What the adapters share: name and input validation, the collection registry (which fields may be queried),
 * filter parsing and the keyset cursor. Kept free of any database so the rules are the same everywhere.
 */
import type { CollectionSpec, Doc, DocWrite, Filter, FindOptions, Scalar } from './read-store.port';

/** A query or write the store refuses: the message names the field, what was wrong and what is allowed. */
export class ReadStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadStoreError';
  }
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const COLLECTION_NAME = /^[a-z][a-zA-Z0-9_]*$/;
/** Dotted path of plain identifiers: the path is spliced into SQL and Mongo key names, so nothing else gets in. */
const INDEX_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function assertCollectionName(name: string): void {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw new ReadStoreError(
      `Invalid collection name ${JSON.stringify(name)}: it must match ${COLLECTION_NAME} (a lowercase letter, then letters, digits or _).`,
    );
  }
}

export function assertIndexPath(collection: string, path: string): void {
  if (typeof path !== 'string' || !INDEX_PATH.test(path)) {
    throw new ReadStoreError(
      `Invalid index ${JSON.stringify(path)} on collection '${collection}': use a dotted path of identifiers such as 'contact.email'.`,
    );
  }
  if (path === '_position' || path.startsWith('_position.')) {
    throw new ReadStoreError(`Index '${path}' on collection '${collection}' is not allowed: '_position' is managed by the store.`);
  }
}

export function assertTenantId(tenantId: string): void {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new ReadStoreError(`Invalid tenant id ${JSON.stringify(tenantId)}: a non-empty string is required.`);
  }
}

export function assertDocId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new ReadStoreError(`Invalid document id ${JSON.stringify(id)}: a non-empty string is required.`);
  }
}

export function assertPosition(position: number, what: string): void {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new ReadStoreError(`Invalid position ${String(position)} for ${what}: a non-negative integer is required.`);
  }
}

function isPlainObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one write's shape; the registry check makes a typo in a collection name fail loudly. */
export function assertWrite(write: DocWrite, registry: CollectionRegistry): void {
  registry.require(write.collection);
  assertTenantId(write.tenantId);
  assertDocId(write.id);
  assertPosition(write.position, `${write.op} of ${write.collection}/${write.id}`);
  switch (write.op) {
    case 'upsert':
      if (!isPlainObject(write.doc)) throw new ReadStoreError(`Upsert of ${write.collection}/${write.id} needs a 'doc' object.`);
      return;
    case 'patch':
      if (!isPlainObject(write.fields)) throw new ReadStoreError(`Patch of ${write.collection}/${write.id} needs a 'fields' object.`);
      return;
    case 'delete':
      return;
    default:
      throw new ReadStoreError(`Unknown write op ${JSON.stringify((write as { op: unknown }).op)}: use upsert, patch or delete.`);
  }
}

export function assertCheckpointName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ReadStoreError(`Invalid checkpoint name ${JSON.stringify(name)}: a non-empty string is required.`);
  }
}

/**
 * The collections this process declared through `ensureCollections`, with their queryable fields.
 * Every operation names a collection; requiring the declaration keeps both adapters strict in the same way.
 */
export class CollectionRegistry {
  private readonly indexes = new Map<string, Set<string>>();

  /** Validates the spec and merges its indexes (a later call may add indexes, never forgets one). */
  /** Validates a spec and returns its index paths; registers nothing (call `add` once the database agreed). */
  static indexPaths(spec: CollectionSpec): string[] {
    assertCollectionName(spec.name);
    if (!Array.isArray(spec.indexes)) {
      throw new ReadStoreError(`Collection '${spec.name}': 'indexes' must be an array of field paths.`);
    }
    // 'id' is always queryable through the key; declaring it needs no index of its own.
    const paths = [...new Set(spec.indexes)].filter((path) => path !== 'id');
    for (const path of paths) assertIndexPath(spec.name, path);
    return paths;
  }

  /** Merges indexes into the collection's set: a later call may add indexes, never forgets one. */
  add(collection: string, paths: string[]): void {
    const known = this.indexes.get(collection) ?? new Set<string>();
    for (const path of paths) known.add(path);
    this.indexes.set(collection, known);
  }

  has(collection: string): boolean {
    return this.indexes.has(collection);
  }

  /** Throws unless the collection was declared; returns its indexed paths. */
  require(collection: string): ReadonlySet<string> {
    const known = this.indexes.get(collection);
    if (!known) {
      assertCollectionName(collection);
      throw new ReadStoreError(`Unknown collection '${collection}': declare it with ensureCollections() first.`);
    }
    return known;
  }

  indexesOf(collection: string): string[] {
    return [...this.require(collection)];
  }

  /** Throws unless `field` is 'id' or a declared index of the collection. */
  assertQueryable(collection: string, field: string, usage: 'filter' | 'sort'): void {
    const known = this.require(collection);
    if (field === 'id' || known.has(field)) return;
    const allowed = ['id', ...known].map((f) => `'${f}'`).join(', ');
    throw new ReadStoreError(
      `Cannot ${usage} collection '${collection}' on field '${field}': it is not a declared index. Allowed: ${allowed}.`,
    );
  }
}

export type ConditionOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';
export const RANGE_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
export interface Condition {
  field: string;
  op: ConditionOp;
  value: Scalar;
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function assertConditionValue(field: string, op: ConditionOp, value: unknown): asserts value is Scalar {
  if (!isScalar(value) || (typeof value === 'number' && !Number.isFinite(value))) {
    throw new ReadStoreError(`Filter '${field}.${op}' needs a string, finite number, boolean or null.`);
  }
  // Ranges are type-bracketed (numbers against numbers, strings against strings) in both adapters.
  if (op !== 'eq' && op !== 'ne' && typeof value !== 'number' && typeof value !== 'string') {
    throw new ReadStoreError(`Filter '${field}.${op}' needs a number or a string, got ${JSON.stringify(value)}.`);
  }
}

/** Turns a filter into a flat list of ANDed conditions on declared fields. */
export function parseFilter(collection: string, filter: Filter | undefined, registry: CollectionRegistry): Condition[] {
  const conditions: Condition[] = [];
  for (const [field, spec] of Object.entries(filter ?? {})) {
    if (spec === undefined) continue;
    registry.assertQueryable(collection, field, 'filter');
    if (isScalar(spec)) {
      assertConditionValue(field, 'eq', spec);
      conditions.push({ field, op: 'eq', value: spec });
      continue;
    }
    const entries = Object.entries(spec as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      throw new ReadStoreError(`Filter on '${field}' has no condition: use a value or { gt, gte, lt, lte, ne }.`);
    }
    for (const [op, value] of entries) {
      if (op !== 'ne' && !(RANGE_OPS as readonly string[]).includes(op)) {
        throw new ReadStoreError(`Filter on '${field}' has unknown operator '${op}': allowed are gt, gte, lt, lte, ne.`);
      }
      assertConditionValue(field, op as ConditionOp, value);
      conditions.push({ field, op: op as ConditionOp, value });
    }
  }
  return conditions;
}

/** Where the previous page stopped: the last item's sort value and id. */
export interface CursorPosition {
  value: Scalar;
  id: string;
}

export interface ResolvedFind {
  conditions: Condition[];
  sortBy: string;
  direction: 'asc' | 'desc';
  limit: number;
  after?: CursorPosition;
}

export function resolveFind(collection: string, options: FindOptions | undefined, registry: CollectionRegistry): ResolvedFind {
  const sortBy = options?.sortBy ?? 'id';
  const direction = options?.direction ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    throw new ReadStoreError(`Invalid direction ${JSON.stringify(direction)}: use 'asc' or 'desc'.`);
  }
  registry.assertQueryable(collection, sortBy, 'sort');
  const limit = options?.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ReadStoreError(`Invalid limit ${String(limit)}: an integer from 1 to ${MAX_LIMIT} is required.`);
  }
  const conditions = parseFilter(collection, options?.filter, registry);
  const cursor = options?.cursor;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, sortBy, direction);
  return { conditions, sortBy, direction, limit, after };
}

/**
 * The cursor carries the sort it was made for, so a cursor reused with another sort fails clearly instead of
 * silently skipping items. Encoded as base64url JSON: opaque to clients, trivial to debug.
 */
export function encodeCursor(sortBy: string, direction: 'asc' | 'desc', position: CursorPosition): string {
  return Buffer.from(JSON.stringify([sortBy, direction, position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sortBy: string, direction: 'asc' | 'desc'): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || !isScalar(parsed[2]) || typeof parsed[3] !== 'string') {
    throw new ReadStoreError('Invalid cursor: pass the nextCursor of a previous page unchanged.');
  }
  if (parsed[0] !== sortBy || parsed[1] !== direction) {
    throw new ReadStoreError(
      `Invalid cursor: it was made for sortBy '${String(parsed[0])}' ${String(parsed[1])}, not '${sortBy}' ${direction}.`,
    );
  }
  return { value: parsed[2], id: parsed[3] };
}

/** Top-level merge for patches: a field set to undefined is removed, null is stored as null. */
export function mergeFields(current: Doc, fields: Doc): Doc {
  const merged: Doc = { ...current };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Reads a dotted path; a missing value reads as null, as the databases see it. */
export function readPath(doc: Doc, path: string): unknown {
  let value: unknown = doc;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return null;
    value = (value as Doc)[key];
  }
  return value === undefined ? null : value;
}

/** A value as SQL compares it: what an index holds and a filter or cursor binds. */
export type Bindable = string | number | null;

/**
 * What json_extract(doc, '$.<path>') gives for the document, as a bindable value: null when missing, 1/0 for
 * booleans, numbers and strings as they are, JSON text for an object or array (index paths should name
 * scalars; this only keeps such a value where json_extract would have put it).
 */
export function indexValue(doc: Doc | undefined, path: string): Bindable {
  let value: unknown = doc;
  for (const key of keysOf(path)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    value = (value as Doc)[key];
  }
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null; // JSON writes NaN and Infinity as null
  // What the document's JSON holds there (toJSON applied): a scalar as above, an object or array as JSON text.
  const json: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  return json === null || typeof json !== 'object' ? indexValue({ json } as Doc, 'json') : JSON.stringify(json);
}

/** The keys of a dotted index path, split once per path (index paths are declared: few, and every write reads them). */
const pathKeys = new Map<string, string[]>();
function keysOf(path: string): string[] {
  let keys = pathKeys.get(path);
  if (!keys) {
    keys = path.split('.');
    pathKeys.set(path, keys);
  }
  return keys;
}

/** better-sqlite3 cannot bind booleans; json_extract returns them as 1/0, so bind them the same way. */
export function bindable(value: Scalar): Bindable {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}
