import { Doc, DocWrite, FindOptions, Page, ReadStore } from '../read-store/read-store.port';
import { DocKey, ProjectionView } from './projector';

/** What a batch has done to one document so far. `base: 'store'` means "as stored, with `fields` merged in". */
interface PendingDoc {
  collection: string;
  tenantId: string;
  id: string;
  base: Doc | null | 'store';
  fields: Doc;
  position: number;
}

/**
 * The documents of the store overlaid with the writes produced so far in the current batch, so a
 * projector that reads a document it changed a few events earlier sees its own change. It also folds
 * the batch's writes into one write per document (an upsert and later patches become one upsert), which
 * leaves the same documents under the position guard and halves the writes of a replay.
 */
export class BatchView implements ProjectionView {
  private readonly pending = new Map<string, PendingDoc>();
  /**
   * Documents read ahead (`prefetch`) as the store held them, null when missing; each is handed out once (then
   * read from the store again), so no two callers share an object. Only valid while the store does not change
   * under the view: the projector is its collections' only writer, and a new view is made after each commit.
   */
  private readonly loaded = new Map<string, Doc | null>();

  constructor(private readonly store: ReadStore) {}

  async get(collection: string, tenantId: string, id: string): Promise<Doc | null> {
    const entry = this.pending.get(keyOf(collection, tenantId, id));
    if (!entry) return this.stored(collection, tenantId, id);
    const base = entry.base === 'store' ? await this.stored(collection, tenantId, id) : entry.base;
    return base && { ...base, ...entry.fields };
  }

  /** Reads these documents with one `getMany` per collection and tenant, for the `get`s that follow. */
  async prefetch(keys: DocKey[]): Promise<void> {
    const groups = new Map<string, { collection: string; tenantId: string; ids: Set<string> }>();
    for (const { collection, tenantId, id } of keys) {
      const key = keyOf(collection, tenantId, id);
      if (this.loaded.has(key) || this.pending.has(key)) continue;
      const groupKey = `${collection}\u0000${tenantId}`;
      const group = groups.get(groupKey) ?? { collection, tenantId, ids: new Set<string>() };
      group.ids.add(id);
      groups.set(groupKey, group);
    }
    for (const { collection, tenantId, ids } of groups.values()) {
      const found = new Map((await this.store.getMany(collection, tenantId, [...ids])).map((doc) => [doc.id, doc as Doc]));
      for (const id of ids) this.loaded.set(keyOf(collection, tenantId, id), found.get(id) ?? null);
    }
  }

  private async stored(collection: string, tenantId: string, id: string): Promise<Doc | null> {
    const key = keyOf(collection, tenantId, id);
    if (!this.loaded.has(key)) return this.store.get(collection, tenantId, id);
    const doc = this.loaded.get(key) ?? null;
    this.loaded.delete(key);
    return doc;
  }

  find<T extends Doc = Doc>(collection: string, tenantId: string, options?: FindOptions): Promise<Page<T>> {
    return this.store.find<T>(collection, tenantId, options);
  }

  /** Whether any write is pending (not yet committed). */
  get isEmpty(): boolean {
    return this.pending.size === 0;
  }

  record(writes: DocWrite[]): void {
    for (const write of writes) {
      const key = keyOf(write.collection, write.tenantId, write.id);
      let entry = this.pending.get(key);
      if (!entry) {
        entry = { collection: write.collection, tenantId: write.tenantId, id: write.id, base: 'store', fields: {}, position: write.position };
        this.pending.set(key, entry);
      } else if (write.position > entry.position) entry.position = write.position;
      if (write.op === 'upsert') {
        entry.base = { ...write.doc };
        if (!isEmpty(entry.fields)) entry.fields = {};
      } else if (write.op === 'delete') {
        entry.base = null;
        if (!isEmpty(entry.fields)) entry.fields = {};
      } else if (entry.base !== null) Object.assign(entry.fields, write.fields); // a patch of a deleted doc changes nothing
    }
  }

  /** One write per document touched in the batch, at the position of its last change. */
  writes(): DocWrite[] {
    return [...this.pending.values()].map(({ collection, tenantId, id, base, fields, position }): DocWrite => {
      if (base === null) return { op: 'delete', collection, tenantId, id, position };
      if (base === 'store') return { op: 'patch', collection, tenantId, id, fields, position };
      // The base is this view's own copy (record), so with nothing merged in it is the document as it is.
      const doc = isEmpty(fields) ? base : { ...base, ...fields };
      return { op: 'upsert', collection, tenantId, id, doc, position };
    });
  }
}

function isEmpty(fields: Doc): boolean {
  for (const _ in fields) return false;
  return true;
}

function keyOf(collection: string, tenantId: string, id: string): string {
  return `${collection}\u0000${tenantId}\u0000${id}`;
}
