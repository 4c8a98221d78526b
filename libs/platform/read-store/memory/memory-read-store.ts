/**
 * A read store in the process's memory, for replays that are projected, read once and thrown away (time travel's
 * scratch stores, the recompute audit: decision 0028). It behaves as the SQLite adapter does, rule for rule (the
 * same contract suite, the same index values and order), without SQL: a replay into it spends its time projecting,
 * not binding statements and rewriting JSON in SQLite.
 *
 * Each document is kept as its JSON text, as SQLite keeps it, so every read hands out an object of its own and a
 * caller that changes what it read changes nothing stored. Index values (`indexValue`, what SQLite's columns hold)
 * are computed from the text by the first query that needs them, as a replay mostly writes. A query without
 * conditions walks a kept order of the ids; one with conditions scans the tenant's documents of the collection and
 * sorts the matches: no index structures to keep, fine for the sizes a replay queries (one tenant's documents).
 */
import type { CollectionSpec, Doc, DocWrite, FindOptions, Page, ReadStore, StoredDoc, TextPage } from '../read-store.port';
import {
  assertCheckpointName,
  assertDocId,
  assertPosition,
  assertTenantId,
  assertWrite,
  Bindable,
  bindable,
  CollectionRegistry,
  Condition,
  encodeCursor,
  indexValue,
  mergeFields,
  resolveFind,
} from '../query';

/** A document as the store keeps it, as `textsOf` hands it out. */
export interface KeptText {
  readonly position: number;
  readonly text: string;
}

/** A document (text) or a tombstone (null: deleted, its position still guarding against older writes). */
interface Entry {
  position: number;
  text: string | null;
  /**
   * The value at each of the collection's index paths, in the order of `Collection.paths`: computed from the text
   * by the first query that needs it (a replay mostly writes), kept until the document is written again.
   */
  values?: Bindable[];
}

/** A tenant's documents of one collection, and the scan orders `find` built over them (dropped when they change). */
interface TenantDocs {
  docs: Map<string, Entry>;
  /**
   * Ids in ascending scan order, by the place of the sort field (-1: by id, which covers tombstones too, so only a
   * new id changes it; an index path's place, which any write may change).
   */
  orders: Map<number, string[]>;
}

/** What a write replaced, to put back should a later write of the same `apply` fail. */
interface Undo {
  tenant: TenantDocs;
  id: string;
  previous: Entry | undefined;
}

interface Collection {
  paths: string[];
  tenants: Map<string, TenantDocs>;
}

export class MemoryReadStore implements ReadStore {
  private readonly registry = new CollectionRegistry();
  private readonly collections = new Map<string, Collection>();
  private readonly checkpoints = new Map<string, number>();
  private closed = false;

  async ensureCollections(specs: CollectionSpec[]): Promise<void> {
    const planned = specs.map((spec) => ({ name: spec.name, paths: CollectionRegistry.indexPaths(spec) }));
    for (const { name, paths } of planned) {
      const collection: Collection = this.collections.get(name) ?? { paths: [], tenants: new Map() };
      this.collections.set(name, collection);
      const added = paths.filter((path) => !collection.paths.includes(path));
      if (added.length > 0) {
        collection.paths.push(...added);
        // Documents written before the index was declared get its value too (SQLite fills a new column).
        for (const { docs, orders } of collection.tenants.values()) {
          orders.clear();
          for (const entry of docs.values()) entry.values = undefined;
        }
      }
      this.registry.add(name, paths);
    }
  }

  async get<T extends Doc = Doc>(collection: string, tenantId: string, id: string): Promise<StoredDoc<T> | null> {
    assertTenantId(tenantId);
    assertDocId(id);
    const entry = this.tenantOf(collection, tenantId)?.docs.get(id);
    return entry && entry.text !== null ? storedDoc<T>(id, entry) : null;
  }

  /** Returns the found documents in the order of `ids`; missing ids are skipped, a repeated id appears once. */
  async getMany<T extends Doc = Doc>(collection: string, tenantId: string, ids: string[]): Promise<StoredDoc<T>[]> {
    assertTenantId(tenantId);
    const docs = this.tenantOf(collection, tenantId)?.docs;
    const found: StoredDoc<T>[] = [];
    for (const id of new Set(ids)) {
      const entry = docs?.get(id);
      if (entry && entry.text !== null) found.push(storedDoc<T>(id, entry));
    }
    return found;
  }

  /** The ids of the tenant's documents in the collection (not the deleted ones), in no order: without reading a document. */
  idsOf(collection: string, tenantId: string): string[] {
    assertTenantId(tenantId);
    const ids: string[] = [];
    for (const [id, entry] of this.tenantOf(collection, tenantId)?.docs ?? []) if (entry.text !== null) ids.push(id);
    return ids;
  }

  async find<T extends Doc = Doc>(collection: string, tenantId: string, options?: FindOptions): Promise<Page<T>> {
    const { found, nextCursor } = this.findPage(collection, tenantId, options);
    return { items: found.map(([id, entry]) => storedDoc<T>(id, entry)), ...(nextCursor ? { nextCursor } : {}) };
  }

  async findText(collection: string, tenantId: string, options?: FindOptions): Promise<TextPage> {
    const { found, nextCursor } = this.findPage(collection, tenantId, options);
    return { items: found.map(([id, entry]) => ({ id, position: entry.position, json: entry.text as string })), ...(nextCursor ? { nextCursor } : {}) };
  }

  /**
   * Each of these documents as kept (its position and JSON text), index for index with `ids` (undefined: none), for
   * the audit's comparison: read-only, not copied.
   */
  textsOf(collection: string, tenantId: string, ids: string[]): Array<KeptText | undefined> {
    assertTenantId(tenantId);
    const docs = this.tenantOf(collection, tenantId)?.docs;
    return ids.map((id) => {
      const entry = docs?.get(id);
      return entry && entry.text !== null ? (entry as KeptText) : undefined;
    });
  }

  /**
   * A page of `find`: the documents in scan order after the cursor (up to limit + 1 are looked for: the extra one
   * tells whether a next page follows). A query without conditions walks a kept order of the tenant's ids (built
   * once, then each page is a binary search and a walk: paging through a whole collection stays linear); a query
   * with conditions scans the tenant's documents and sorts the matches.
   */
  private findPage(collection: string, tenantId: string, options: FindOptions | undefined): { found: Array<[string, Entry]>; nextCursor?: string } {
    assertTenantId(tenantId);
    const query = resolveFind(collection, options, this.registry);
    const tenant = this.tenantOf(collection, tenantId);
    if (!tenant) return { found: [] };
    const paths = this.collections.get(collection)?.paths ?? [];
    const valuesOf = (entry: Entry) => indexValuesOf(paths, entry);
    // Where each condition's and the sort's value is read: the id, or the index value at that path's place.
    const placeOf = (field: string) => (field === 'id' ? -1 : paths.indexOf(field));
    const conditions = query.conditions.map((condition) => ({ condition, place: placeOf(condition.field) }));
    const accepts = (id: string, entry: Entry) =>
      entry.text !== null && conditions.every(({ condition, place }) => satisfies(place < 0 ? id : valuesOf(entry)[place], condition));
    const sortPlace = placeOf(query.sortBy);
    const sortValueOf = (id: string) => (sortPlace < 0 ? id : valuesOf(tenant.docs.get(id)!)[sortPlace]);
    const sign = query.direction === 'asc' ? 1 : -1;
    const after = query.after && { value: bindable(query.after.value), id: query.after.id };
    const afterCursor = (id: string) => !after || sign * compareKeys(sortValueOf(id), id, after.value, after.id) > 0;
    const wanted = query.limit + 1;
    let found: string[] = [];
    const order = tenant.orders.get(sortPlace) ?? (conditions.length === 0 ? buildOrder(tenant, sortPlace, sortValueOf) : undefined);
    if (order) {
      // The first id after the cursor in the walk's direction: ids after it ascending are a suffix of the order.
      const firstAbove = after ? lowerBound(order, (id) => compareKeys(sortValueOf(id), id, after.value, after.id) > 0) : 0;
      const firstAtOrAbove = after ? lowerBound(order, (id) => compareKeys(sortValueOf(id), id, after.value, after.id) >= 0) : order.length;
      for (let i = sign > 0 ? firstAbove : firstAtOrAbove - 1; i >= 0 && i < order.length && found.length < wanted; i += sign) {
        if (accepts(order[i], tenant.docs.get(order[i])!)) found.push(order[i]);
      }
    } else {
      for (const [id, entry] of tenant.docs) if (accepts(id, entry) && afterCursor(id)) found.push(id);
      found = found.sort((x, y) => sign * compareKeys(sortValueOf(x), x, sortValueOf(y), y)).slice(0, wanted);
    }
    const items = found.slice(0, query.limit);
    const page = { found: items.map((id): [string, Entry] => [id, tenant.docs.get(id)!]) };
    if (found.length <= query.limit) return page;
    const last = items[items.length - 1];
    return { ...page, nextCursor: encodeCursor(query.sortBy, query.direction, { value: sortValueOf(last), id: last }) };
  }

  /** All the writes or none: should one fail (an unknown collection, a document JSON cannot hold), those before it are undone. */
  async apply(writes: DocWrite[], checkpoint?: { name: string; position: number }): Promise<void> {
    if (this.closed) throw new Error('MemoryReadStore is closed');
    for (const write of writes) assertWrite(write, this.registry);
    if (checkpoint) {
      assertCheckpointName(checkpoint.name);
      assertPosition(checkpoint.position, `checkpoint '${checkpoint.name}'`);
    }
    const undo: Undo[] = [];
    try {
      for (const write of writes) this.applyOne(write, undo);
    } catch (error) {
      for (const { tenant, id, previous } of undo.reverse()) {
        tenant.orders.clear();
        if (previous) tenant.docs.set(id, previous);
        else tenant.docs.delete(id);
      }
      throw error;
    }
    if (checkpoint) this.checkpoints.set(checkpoint.name, checkpoint.position);
  }

  async getCheckpoint(name: string): Promise<number | null> {
    assertCheckpointName(name);
    return this.checkpoints.get(name) ?? null;
  }

  async setCheckpoint(name: string, position: number): Promise<void> {
    assertCheckpointName(name);
    assertPosition(position, `checkpoint '${name}'`);
    this.checkpoints.set(name, position);
  }

  async dropCollections(collections: string[]): Promise<void> {
    for (const name of collections) {
      this.registry.require(name);
      this.collections.get(name)?.tenants.clear();
    }
  }

  async deleteCheckpoint(name: string): Promise<void> {
    assertCheckpointName(name);
    this.checkpoints.delete(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.collections.clear();
    this.checkpoints.clear();
  }

  private tenantOf(collection: string, tenantId: string): TenantDocs | undefined {
    this.registry.require(collection);
    return this.collections.get(collection)?.tenants.get(tenantId);
  }

  private applyOne(write: DocWrite, undo: Undo[]): void {
    const collection = this.collections.get(write.collection)!; // declared: assertWrite checked
    let tenant = collection.tenants.get(write.tenantId);
    if (!tenant) {
      tenant = { docs: new Map(), orders: new Map() };
      collection.tenants.set(write.tenantId, tenant);
    }
    const { docs, orders } = tenant;
    const current = docs.get(write.id);
    let next: Entry;
    switch (write.op) {
      case 'upsert':
        if (current && current.position >= write.position) return;
        next = { position: write.position, text: JSON.stringify(write.doc) };
        break;
      case 'delete':
        // A tombstone, so an older upsert redelivered later stays out.
        if (current && current.position >= write.position) return;
        next = { position: write.position, text: null };
        break;
      case 'patch': {
        if (!current || current.text === null || current.position >= write.position) return;
        const merged = mergeFields(JSON.parse(current.text) as Doc, write.fields);
        next = { position: write.position, text: JSON.stringify(merged) };
        break;
      }
    }
    // Orders by a value may have changed; the order by id only when the id is new.
    const byId = current ? orders.get(-1) : undefined;
    orders.clear();
    if (byId) orders.set(-1, byId);
    undo.push({ tenant, id: write.id, previous: current });
    docs.set(write.id, next);
  }
}

function storedDoc<T extends Doc>(id: string, entry: Entry): StoredDoc<T> {
  return { ...(JSON.parse(entry.text as string) as T), id, _position: entry.position };
}

/** The tenant's ids (tombstones included) in ascending scan order by the value at `place` (-1: the id). */
function buildOrder(tenant: TenantDocs, place: number, valueOf: (id: string) => Bindable): string[] {
  const order = [...tenant.docs.keys()].sort((x, y) => compareKeys(valueOf(x), x, valueOf(y), y));
  tenant.orders.set(place, order);
  return order;
}

/** The first index of a sorted array at which `above` holds (it holds for every later one), or its length. */
function lowerBound(sorted: string[], above: (id: string) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (above(sorted[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The entry's index values (see Entry.values), computed from its text once. */
function indexValuesOf(paths: string[], entry: Entry): Bindable[] {
  if (!entry.values) {
    const doc = entry.text === null ? undefined : (JSON.parse(entry.text) as Doc);
    entry.values = paths.map((path) => indexValue(doc, path));
  }
  return entry.values;
}

/** A filter condition on one value, as the SQLite adapter's SQL decides it (conditionSql). */
function satisfies(value: Bindable, condition: Condition): boolean {
  const wanted = bindable(condition.value);
  switch (condition.op) {
    case 'eq':
      return wanted === null ? value === null : value === wanted;
    case 'ne':
      return wanted === null ? value !== null : value !== wanted;
    default: {
      // Ranges stay within one type: numbers with numbers, text with text.
      if (value === null || typeof value !== typeof wanted) return false;
      const order = compareValues(value, wanted);
      return condition.op === 'gt' ? order > 0 : condition.op === 'gte' ? order >= 0 : condition.op === 'lt' ? order < 0 : order <= 0;
    }
  }
}

/** Ascending scan order, as SQLite's: nulls first, then numbers, then text (byte order of UTF-8), ties by id. */
function compareKeys(value: Bindable, id: string, otherValue: Bindable, otherId: string): number {
  return compareValues(value, otherValue) || compareText(id, otherId);
}

function compareValues(a: Bindable, b: Bindable): number {
  const rank = (value: Bindable) => (value === null ? 0 : typeof value === 'number' ? 1 : 2);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0 || a === null) return byRank;
  if (typeof a === 'number') return (a as number) - (b as number);
  return compareText(a, b as string);
}

/**
 * Text in SQLite's BINARY order, which is UTF-8 byte order, that is code point order: JavaScript's `<` compares
 * UTF-16 code units, which puts a character beyond U+FFFF (a surrogate pair, D800-DFFF) below U+E000-U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) - codePointOrder(y);
  }
  return a.length - b.length;
}

function codePointOrder(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
