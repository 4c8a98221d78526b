import { RecordedEvent } from '../event-store/event-store.port';
import { CollectionSpec, Doc, DocWrite, FindOptions, Page } from '../read-store/read-store.port';

/** Reads documents as they will be once the writes already produced in this batch are applied. */
export interface ProjectionView {
  get(collection: string, tenantId: string, id: string): Promise<Doc | null>;
  /**
   * A query on the store itself. It sees what is committed, not the batch's pending writes: a projector
   * that queries lists the event types it queries on in `queriesStoreOn`, and the batch's writes are
   * committed before each such event.
   */
  find<T extends Doc = Doc>(collection: string, tenantId: string, options?: FindOptions): Promise<Page<T>>;
}

/**
 * A read model: which events it reads and what each changes. Pure apart from reading its own documents
 * through the view; the runner applies the writes, guarded by log position, so redelivery changes nothing.
 */
export interface Projector {
  /** Also the checkpoint's name. */
  name: string;
  collections: CollectionSpec[];
  /** Event types it reads; the runner skips the others without calling it. */
  eventTypes: readonly string[];
  /** Event types whose projection calls `view.find`: the batch's pending writes are committed before each. */
  queriesStoreOn?: readonly string[];
  project(event: RecordedEvent, view: ProjectionView): DocWrite[] | Promise<DocWrite[]>;
  /**
   * The documents `project` will `get` for this event, as far as the event alone tells: the runner reads those
   * of a batch with one `getMany` per collection before projecting it. Only a hint: a document not named is read
   * as before, and a named one never read costs nothing but the read.
   */
  prefetch?(event: RecordedEvent): DocKey[];
}

/** A document of a collection, as `prefetch` names it. */
export interface DocKey {
  collection: string;
  tenantId: string;
  id: string;
}
