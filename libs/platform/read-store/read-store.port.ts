/**
 * The read-model store port: documents that projectors build and queries read.
 * Adapters: ./sqlite (embedded default), ./mongodb (production) and ./memory (replays thrown away after: time travel,
 * the audit). All pass ./read-store.contract.ts.
 *
 * Every document lives in a collection and belongs to one tenant: the tenant is part of the key,
 * so one tenant's query can never see another's documents. Process-wide documents use the tenant '_system'.
 */

export { SYSTEM_TENANT } from '../../shared-kernel/streams';

export type Scalar = string | number | boolean | null;
export type Doc = Record<string, unknown>;

/** A stored document: the projector's fields plus `id` and the log position it reflects. */
export type StoredDoc<T extends Doc = Doc> = T & { id: string; _position: number };

/** A collection and the fields that may be filtered or sorted on (each gets an index). */
export interface CollectionSpec {
  name: string;
  /** Dotted paths of scalar fields, e.g. 'parentAccountId' or 'contact.email'. */
  indexes: string[];
}

/** Equality (`field: value`) or range (`field: { gt, gte, lt, lte }`) conditions, all ANDed. Only declared indexes. */
export type Filter = Record<string, Scalar | { gt?: Scalar; gte?: Scalar; lt?: Scalar; lte?: Scalar; ne?: Scalar }>;

export interface FindOptions {
  filter?: Filter;
  /** Field to sort on (a declared index or 'id'); ties are broken by id. Default 'id'. */
  sortBy?: string;
  direction?: 'asc' | 'desc';
  /** Default 100. */
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface Page<T extends Doc = Doc> {
  items: StoredDoc<T>[];
  /** Present when more items follow. */
  nextCursor?: string;
}

/** A stored document as the adapter keeps it: its JSON text (without `id` and `_position`), not parsed. */
export interface StoredText {
  id: string;
  position: number;
  json: string;
}

/** A page of `findText`: as `Page`, each document as its JSON text. */
export interface TextPage {
  items: StoredText[];
  nextCursor?: string;
}

/** One change for `apply`: replace/insert the whole document, merge fields into it, or delete it. */
export type DocWrite =
  | { op: 'upsert'; collection: string; tenantId: string; id: string; doc: Doc; position: number }
  | { op: 'patch'; collection: string; tenantId: string; id: string; fields: Doc; position: number }
  | { op: 'delete'; collection: string; tenantId: string; id: string; position: number };

export interface ReadStore {
  /** Creates the collections and their indexes if missing. Idempotent. */
  ensureCollections(specs: CollectionSpec[]): Promise<void>;
  get<T extends Doc = Doc>(collection: string, tenantId: string, id: string): Promise<StoredDoc<T> | null>;
  getMany<T extends Doc = Doc>(collection: string, tenantId: string, ids: string[]): Promise<StoredDoc<T>[]>;
  find<T extends Doc = Doc>(collection: string, tenantId: string, options?: FindOptions): Promise<Page<T>>;
  /**
   * Where the adapter keeps documents as JSON text (SQLite, memory): `find`'s page with each document as that text,
   * not parsed, for a reader that compares documents (the audit: equal text is an equal document).
   */
  findText?(collection: string, tenantId: string, options?: FindOptions): Promise<TextPage>;
  /**
   * Applies the writes in order. Each write is guarded by position: a write whose position is at or below the
   * document's current `_position` is ignored (redelivery changes nothing). A patch of a missing document is
   * ignored. When `checkpoint` is given it is stored in the same transaction on adapters that have one (SQLite).
   */
  apply(writes: DocWrite[], checkpoint?: { name: string; position: number }): Promise<void>;
  getCheckpoint(name: string): Promise<number | null>;
  setCheckpoint(name: string, position: number): Promise<void>;
  /** Drops every document of the collections (all tenants). Used by rebuilds. */
  dropCollections(collections: string[]): Promise<void>;
  deleteCheckpoint(name: string): Promise<void>;
  close(): Promise<void>;
}

export const READ_STORE = Symbol('READ_STORE');
