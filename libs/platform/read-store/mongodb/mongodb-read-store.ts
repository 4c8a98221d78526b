/**
 * The production read-model store on MongoDB (official `mongodb` driver), one Mongo collection per read model.
 *
 * Stored shape: `{ _id: { t: tenantId, i: id }, _p: position, d: { ...document } }`, or for a tombstone
 * `{ _id, _p, _del: true }`. The compound _id makes the key unique per tenant and lets the position guard run
 * as one atomic single-document update; the document sits under `d` so its field names never meet ours.
 * Indexes: (_id.t, _id.i) for id order, and (_id.t, d.<path>, _id.i) per declared field.
 *
 * Needs MongoDB 5.0+ (update pipelines with $unsetField).
 */
import {
  AnyBulkWriteOperation,
  Collection,
  Db,
  Document,
  Filter as MongoFilter,
  MongoClient,
  MongoServerError,
  Sort,
} from 'mongodb';
import type {
  CollectionSpec,
  Doc,
  DocWrite,
  FindOptions,
  Page,
  ReadStore,
  Scalar,
  StoredDoc,
} from '../read-store.port';
import {
  assertCheckpointName,
  assertDocId,
  assertPosition,
  assertTenantId,
  assertWrite,
  CollectionRegistry,
  Condition,
  CursorPosition,
  encodeCursor,
  readPath,
  ResolvedFind,
  resolveFind,
} from '../query';

export interface MongoReadStoreOptions {
  url: string;
  /** Default 'billing'. */
  database?: string;
}

interface DocKey {
  t: string;
  i: string;
}
interface StoredRecord {
  _id: DocKey;
  _p: number;
  _del?: boolean;
  d?: Doc;
}
interface CheckpointRecord {
  _id: string;
  position: number;
}

const CHECKPOINTS = '_checkpoints';
const NAMESPACE_NOT_FOUND = 26;
const NOT_DELETED = { _del: { $ne: true } } as const;

/** Field order matters for an embedded _id: always build it here. */
function keyOf(tenantId: string, id: string): DocKey {
  return { t: tenantId, i: id };
}

function fieldPath(field: string): string {
  return field === 'id' ? '_id.i' : `d.${field}`;
}

function toStoredDoc<T extends Doc>(record: StoredRecord): StoredDoc<T> {
  return { ...((record.d ?? {}) as T), id: record._id.i, _position: record._p };
}

/** True when the stored record (if any) is older than `position`; a new upsert starts with no _p. */
function isOlderThan(position: number): Document {
  return { $lt: [{ $ifNull: ['$_p', -1] }, position] };
}

type WriteModel = AnyBulkWriteOperation<StoredRecord>;

/**
 * Replaces the whole record when the guard passes, else keeps it ($$ROOT). The guard is inside the update, not
 * the filter: with upsert, a filter that missed a newer record would try an insert and fail on the duplicate _id.
 */
function guardedReplace(key: DocKey, position: number, replacement: Omit<StoredRecord, '_id' | '_p'>): WriteModel {
  // $literal: values such as '$5' must be stored, not read as field paths.
  const record = { _id: key, _p: position, ...replacement };
  return {
    updateOne: {
      filter: { _id: key },
      update: [{ $replaceWith: { $cond: [isOlderThan(position), { $literal: record }, '$$ROOT'] } }],
      upsert: true,
    },
  };
}

/**
 * Merges top-level fields into d. No upsert here (a patch of a missing document is ignored), so the guard can
 * sit in the filter: a tombstone or a record at this position or later simply does not match.
 */
function guardedPatch(key: DocKey, position: number, fields: Doc): WriteModel {
  const set: Doc = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) removed.push(name);
    else set[name] = value;
  }
  let merged: Document = { $mergeObjects: ['$d', { $literal: set }] };
  for (const name of removed) merged = { $unsetField: { field: { $literal: name }, input: merged } };
  return {
    updateOne: {
      filter: { _id: key, _p: { $lt: position }, ...NOT_DELETED },
      update: [{ $set: { _p: { $literal: position }, d: merged } }],
    },
  };
}

function toModel(write: DocWrite): WriteModel {
  const key = keyOf(write.tenantId, write.id);
  switch (write.op) {
    case 'upsert':
      return guardedReplace(key, write.position, { d: write.doc });
    case 'delete':
      // A tombstone keeps the position, so an older upsert redelivered later stays out.
      return guardedReplace(key, write.position, { _del: true });
    case 'patch':
      return guardedPatch(key, write.position, write.fields);
  }
}

function conditionFilter(condition: Condition): Document {
  const path = fieldPath(condition.field);
  if (condition.op === 'eq') return { [path]: condition.value };
  // MongoDB's comparisons are type-bracketed and $ne matches missing fields: the semantics the port describes.
  return { [path]: { [`$${condition.op}`]: condition.value } };
}

/** Keyset condition: records strictly after (value, id) in the sort order, nulls first ascending, last descending. */
function cursorFilter(sortPath: string, direction: 'asc' | 'desc', after: CursorPosition): Document {
  const cmp = direction === 'asc' ? '$gt' : '$lt';
  if (sortPath === '_id.i') return { '_id.i': { [cmp]: after.id } };
  if (after.value === null) {
    const inNulls = { [sortPath]: null, '_id.i': { [cmp]: after.id } };
    return direction === 'asc' ? { $or: [inNulls, { [sortPath]: { $ne: null } }] } : inNulls;
  }
  const alternatives: Document[] = [
    { [sortPath]: { [cmp]: after.value } },
    { [sortPath]: after.value, '_id.i': { [cmp]: after.id } },
  ];
  if (direction === 'desc') alternatives.push({ [sortPath]: null });
  return { $or: alternatives };
}

export class MongoReadStore implements ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  private readonly registry = new CollectionRegistry();

  constructor(options: MongoReadStoreOptions) {
    // ignoreUndefined: an undefined field is left out, as JSON (and the SQLite adapter) does.
    this.client = new MongoClient(options.url, { ignoreUndefined: true });
    // An acknowledged write is durable: majority and journaled.
    this.db = this.client.db(options.database ?? 'billing', { writeConcern: { w: 'majority', journal: true } });
  }

  async ensureCollections(specs: CollectionSpec[]): Promise<void> {
    const planned = specs.map((spec) => ({ name: spec.name, paths: CollectionRegistry.indexPaths(spec) }));
    for (const { name, paths } of planned) {
      await this.createIndexes(name, paths);
      this.registry.add(name, paths);
    }
  }

  async get<T extends Doc = Doc>(collection: string, tenantId: string, id: string): Promise<StoredDoc<T> | null> {
    assertTenantId(tenantId);
    assertDocId(id);
    const record = await this.records(collection).findOne({ _id: keyOf(tenantId, id), ...NOT_DELETED });
    return record ? toStoredDoc<T>(record) : null;
  }

  /** Returns the found documents in the order of `ids`; missing ids are skipped, a repeated id appears once. */
  async getMany<T extends Doc = Doc>(collection: string, tenantId: string, ids: string[]): Promise<StoredDoc<T>[]> {
    assertTenantId(tenantId);
    const unique = [...new Set(ids)];
    const records = this.records(collection);
    if (unique.length === 0) return [];
    const found = await records.find({ _id: { $in: unique.map((id) => keyOf(tenantId, id)) }, ...NOT_DELETED }).toArray();
    const byId = new Map(found.map((record) => [record._id.i, record]));
    return unique.flatMap((id) => {
      const record = byId.get(id);
      return record ? [toStoredDoc<T>(record)] : [];
    });
  }

  async find<T extends Doc = Doc>(collection: string, tenantId: string, options?: FindOptions): Promise<Page<T>> {
    assertTenantId(tenantId);
    const query = resolveFind(collection, options, this.registry);
    const sortPath = fieldPath(query.sortBy);
    const records = await this.records(collection)
      .find(this.findFilter(tenantId, query, sortPath))
      .sort(this.findSort(query, sortPath))
      .limit(query.limit + 1)
      .toArray();
    const hasMore = records.length > query.limit;
    const pageRecords = hasMore ? records.slice(0, query.limit) : records;
    const page: Page<T> = { items: pageRecords.map((record) => toStoredDoc<T>(record)) };
    if (hasMore) {
      const last = pageRecords[pageRecords.length - 1];
      const value = query.sortBy === 'id' ? last._id.i : (readPath(last.d ?? {}, query.sortBy) as Scalar);
      page.nextCursor = encodeCursor(query.sortBy, query.direction, { value, id: last._id.i });
    }
    return page;
  }

  /**
   * One ordered bulkWrite, then the checkpoint. Without a replica-set transaction the two are not atomic:
   * a crash in between leaves the checkpoint behind the documents, and the redelivered writes are then
   * ignored by the position guard, so the outcome is the same.
   */
  async apply(writes: DocWrite[], checkpoint?: { name: string; position: number }): Promise<void> {
    for (const write of writes) assertWrite(write, this.registry);
    if (checkpoint) {
      assertCheckpointName(checkpoint.name);
      assertPosition(checkpoint.position, `checkpoint '${checkpoint.name}'`);
    }
    for (const [collection, models] of groupRuns(writes)) {
      await this.records(collection).bulkWrite(models, { ordered: true });
    }
    if (checkpoint) await this.setCheckpoint(checkpoint.name, checkpoint.position);
  }

  async getCheckpoint(name: string): Promise<number | null> {
    assertCheckpointName(name);
    const record = await this.checkpoints().findOne({ _id: name });
    return record ? record.position : null;
  }

  async setCheckpoint(name: string, position: number): Promise<void> {
    assertCheckpointName(name);
    assertPosition(position, `checkpoint '${name}'`);
    await this.checkpoints().updateOne({ _id: name }, { $set: { position } }, { upsert: true });
  }

  /** Drops and recreates each collection with its indexes: far faster than deleting millions of documents. */
  async dropCollections(collections: string[]): Promise<void> {
    for (const collection of collections) this.registry.require(collection);
    for (const collection of collections) {
      await this.dropIfExists(collection);
      await this.createIndexes(collection, this.registry.indexesOf(collection));
    }
  }

  async deleteCheckpoint(name: string): Promise<void> {
    assertCheckpointName(name);
    await this.checkpoints().deleteOne({ _id: name });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private records(collection: string): Collection<StoredRecord> {
    this.registry.require(collection);
    return this.db.collection<StoredRecord>(collection);
  }

  private checkpoints(): Collection<CheckpointRecord> {
    return this.db.collection<CheckpointRecord>(CHECKPOINTS);
  }

  private async createIndexes(collection: string, paths: string[]): Promise<void> {
    const indexes = [
      { key: { '_id.t': 1, '_id.i': 1 }, name: 'by_id' },
      ...paths.map((path) => ({ key: { '_id.t': 1, [fieldPath(path)]: 1, '_id.i': 1 }, name: `by_${path}` })),
    ];
    // createIndexes creates the collection if needed and is a no-op for an index that already exists.
    await this.db.collection(collection).createIndexes(indexes);
  }

  private async dropIfExists(collection: string): Promise<void> {
    try {
      await this.db.collection(collection).drop();
    } catch (error) {
      // Servers before 7.0 report a missing collection as an error.
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
    }
  }

  private findFilter(tenantId: string, query: ResolvedFind, sortPath: string): MongoFilter<StoredRecord> {
    const clauses: Document[] = [{ '_id.t': tenantId }, NOT_DELETED, ...query.conditions.map(conditionFilter)];
    if (query.after) clauses.push(cursorFilter(sortPath, query.direction, query.after));
    return { $and: clauses } as MongoFilter<StoredRecord>;
  }

  private findSort(query: ResolvedFind, sortPath: string): Sort {
    const dir = query.direction === 'asc' ? 1 : -1;
    return sortPath === '_id.i' ? { '_id.i': dir } : { [sortPath]: dir, '_id.i': dir };
  }
}

/**
 * Consecutive writes to the same collection share a bulkWrite; order across collections is kept, which is
 * what matters for a projector that writes a document and then a summary that depends on it.
 */
function groupRuns(writes: DocWrite[]): Array<[string, WriteModel[]]> {
  const runs: Array<[string, WriteModel[]]> = [];
  for (const write of writes) {
    const last = runs[runs.length - 1];
    if (last && last[0] === write.collection) last[1].push(toModel(write));
    else runs.push([write.collection, [toModel(write)]]);
  }
  return runs;
}
