/**
 * Over 400 lines on purpose: one class implements the port on one connection, and its group commit, batch
 * view and tombstones share that connection's transaction state; split apart they would have to pass it around.
 *
 * The embedded read-model store: one SQLite file (better-sqlite3), one table per collection.
 *
 * Table `rm_<collection>`: (tenant_id, id) primary key, `position` = the log position the row reflects,
 * `doc` = the document as JSON text, or NULL for a tombstone (a deleted document whose position must keep
 * guarding against redelivered older writes). Each declared index path has a column of its own, `"c_<path>"`,
 * holding what json_extract(doc, '$.<path>') gives, written from JS with the document (see `indexValue`), and
 * an index on (tenant_id, "c_<path>", id), which serves both filtering and keyset pagination. They used to be
 * expression indexes on json_extract: every write then parsed the document once per index, and a patch of one
 * field rewrote every index of the row; now a patch touches only the indexes of the fields it sets.
 */
import Database from 'better-sqlite3';
import { openWalDatabase } from '../../sqlite/wal-mode';
import { isBusy } from '../../sqlite/errors';
import { migrate, Migration } from '../../sqlite/migrations';
import type {
  CollectionSpec,
  Doc,
  DocWrite,
  FindOptions,
  Page,
  ReadStore,
  Scalar,
  StoredDoc,
  TextPage,
} from '../read-store.port';
import { WalCheckpointer, WalCheckpointerStats } from './wal-checkpointer';
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
  indexValue,
  bindable,
  Bindable,
  mergeFields,
  ResolvedFind,
  resolveFind,
} from '../query';

export interface SqliteReadStoreOptions {
  /** Path of the database file; its folder is created if missing. */
  file: string;
  /**
   * Who copies the WAL back into the database file (decision 0008, fourth round):
   * - 'commit' (the default): SQLite, inside the commit that takes the WAL past 10,000 pages; its caller waits.
   * - 'thread': a thread of this store (WalCheckpointer) every 50 ms; commits never wait on it.
   * - 'another-store': another store on the same file runs that thread (the projector thread's connection).
   * With 'thread' and 'another-store' SQLite still checkpoints at 100,000 pages, should the thread fall behind.
   */
  walCheckpoints?: 'commit' | 'thread' | 'another-store';
  /**
   * When a commit reaches the disk (decision 0025):
   * - 'every-commit' (the default): `synchronous=FULL`, the WAL is fsynced by every commit that writes documents.
   * - 'log-derived': the connection writes only what the event log can rebuild (the projector thread: read
   *   models, their checkpoints, parked-event records), so its commits skip the fsync (`synchronous=NORMAL`):
   *   visible at once, durable at the next fsync of the WAL (another connection's commit, a WAL checkpoint).
   * Either way a commit of checkpoints alone skips its fsync (see `commitQueued`).
   */
  durability?: 'every-commit' | 'log-derived';
  /**
   * How long a group commit keeps trying while another connection holds the file's write lock before its applies
   * fail with SQLITE_BUSY. Default 5,000 ms. The thread is never put to sleep meanwhile (see `commitQueued`).
   */
  lockTimeoutMs?: number;
}

/** Waits between tries of a group commit that found the write lock taken: at once, then every millisecond or two. */
const LOCK_RETRY_DELAYS_MS = [0, 1, 1, 2];

/**
 * SQLite's own checkpoint threshold (pages) when it is the only checkpointer: every ~40 MiB instead of its
 * default ~4 MiB, as each checkpoint costs extra fsyncs (replays measured 15-30% faster); durability is
 * unchanged, every commit is still synced. Behind a checkpoint thread, a safety net far above what it lets pile up.
 */
const AUTOCHECKPOINT_PAGES = 10_000;
const SAFETY_NET_AUTOCHECKPOINT_PAGES = 100_000;

interface Row {
  id: string;
  position: number;
  doc: string;
}
/** A row of a sorted scan, as an array (better-sqlite3's raw mode: no object per row): the sort value is not selected when sorting by id (the id is). */
type SortedRow = [id: string, position: number, doc: string, sortValue?: Scalar];
type Checkpoint = { name: string; position: number };
/** An `apply` or `setCheckpoint` waiting for the group commit of its event-loop turn. */
interface PendingApply {
  writes: DocWrite[];
  checkpoint?: Checkpoint;
  resolve(): void;
  reject(error: unknown): void;
}
type ApplyOutcome = { ok: true } | { ok: false; error: unknown };
/** Part of a sorted scan: SQL comparisons never match NULL, so nulls are read as a segment of their own. */
type Segment = 'id' | 'values' | 'nulls';

/**
 * The store's own tables, versioned (platform/sqlite/migrations.ts, `PRAGMA user_version`). The collections' tables
 * are not here: each is declared by its projector at start (`ensureCollections`: the table, a column and an index per
 * declared path, a new column filled from the documents), so their schema is the code's collection specs and moves
 * with them. Migration 1 is idempotent: files from before versions existed already have the table.
 */
const MIGRATIONS: Migration[] = [
  { version: 1, name: 'checkpoints', up: (db) => db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`) },
];

function tableOf(collection: string): string {
  return `"rm_${collection}"`;
}

/** The SQL expression for a field; paths are validated identifiers, so splicing them is safe. */
function fieldSql(field: string): string {
  return field === 'id' ? 'id' : columnOf(field);
}

/** The column holding an index path's value (quoted: paths contain dots). */
function columnOf(path: string): string {
  return `"c_${path}"`;
}

function toStoredDoc<T extends Doc>(id: string, position: number, doc: string): StoredDoc<T> {
  return { ...(JSON.parse(doc) as T), id, _position: position };
}

export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly registry = new CollectionRegistry();
  /** Prepared statements by SQL text: the text is the (collection, query shape) key. */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly upserts = new Map<string, Database.Statement>();
  /** Each collection's index columns (by path), as the table has them: every write keeps all of them current. */
  private readonly columns = new Map<string, string[]>();
  private readonly applyInTransaction: (writes: DocWrite[], checkpoint?: Checkpoint) => void;
  private readonly commitWhole: (group: PendingApply[]) => void;
  private readonly commitGroup: (group: PendingApply[]) => ApplyOutcome[];
  private queue: PendingApply[] = [];
  private readonly counters = { commits: 0, applies: 0, unsyncedCommits: 0 };
  private readonly logDerived: boolean;
  /** The connection's `synchronous` setting now: FULL, or NORMAL for a commit that need not reach the disk. */
  private synchronousFull: boolean | null = null;
  private commitScheduled = false;
  /** When the queued group first found the write lock taken (performance.now()), while it waits for it. */
  private lockedSince: number | null = null;
  private lockRetries = 0;
  private readonly lockTimeoutMs: number;
  private readonly checkpointer: WalCheckpointer | null = null;

  constructor(options: SqliteReadStoreOptions) {
    this.db = openWalDatabase(options.file).db; // private (0600, its folder 0700), WAL
    // An acknowledged write is durable: fsync on every commit. Speed comes from batching writes per commit.
    this.logDerived = options.durability === 'log-derived';
    this.setSynchronousFull(!this.logDerived);
    this.lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
    this.db.pragma(`busy_timeout = ${this.lockTimeoutMs}`);
    // 32 MiB page cache (default 2 MiB): replays touch index pages all over the file.
    this.db.pragma('cache_size = -32768');
    // Who checkpoints the WAL, and when SQLite does it itself (see the constants below the options).
    const walCheckpoints = options.walCheckpoints ?? 'commit';
    this.db.pragma(`wal_autocheckpoint = ${walCheckpoints === 'commit' ? AUTOCHECKPOINT_PAGES : SAFETY_NET_AUTOCHECKPOINT_PAGES}`);
    this.db.pragma('journal_size_limit = 67108864');
    migrate(this.db, MIGRATIONS, `SQLite read store ${options.file}`);
    if (walCheckpoints === 'thread') {
      // Should the thread stop (its connection failing), commits checkpoint again as with 'commit'.
      this.checkpointer = new WalCheckpointer(options.file, () => {
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      });
    }
    this.applyInTransaction = this.db.transaction((writes: DocWrite[], checkpoint?: Checkpoint) => this.applyWrites(writes, checkpoint));
    // Group commit: the applies of one event-loop turn (several projectors' batches, process managers'
    // checkpoints) share one transaction, so one fsync. First all in one go; should one of them fail, the
    // whole transaction is rolled back and the group is committed again with each apply in its own SAVEPOINT
    // (a nested transaction), so the failing one is rolled back alone and the others commit. Savepoints are
    // not the rule because SQLite copies every page a savepoint changes to a statement journal first: about
    // as many bytes again as the commit itself (decision 0008).
    this.commitWhole = this.db.transaction((group: PendingApply[]) => {
      for (const pending of group) {
        try {
          this.applyWrites(pending.writes, pending.checkpoint);
        } catch (error) {
          throw new FailedApply(error);
        }
      }
    }).immediate;
    this.commitGroup = this.db.transaction((group: PendingApply[]) => group.map((pending) => this.tryApply(pending))).immediate;
  }

  /**
   * Group commits so far and the applies (and checkpoints) they held (`commits` < `applies` shows grouping);
   * with walCheckpoints 'thread', the checkpoints its thread made and the pages they copied.
   */
  get stats(): { commits: number; applies: number; unsyncedCommits: number; walCheckpoints: WalCheckpointerStats } {
    return { ...this.counters, walCheckpoints: this.checkpointer?.stats ?? { checkpoints: 0, frames: 0 } };
  }

  /** The connection's durability settings now (1 NORMAL, 2 FULL), for tests and health checks. */
  durabilitySettings(): { journalMode: string; synchronous: number } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
    };
  }

  async ensureCollections(specs: CollectionSpec[]): Promise<void> {
    const planned = specs.map((spec) => ({ name: spec.name, paths: CollectionRegistry.indexPaths(spec) }));
    // IMMEDIATE: the schema is read and then written. A deferred transaction that must upgrade to a write after
    // another process committed fails at once (SQLITE_BUSY_SNAPSHOT, no busy wait): processes starting together.
    this.setSynchronousFull(!this.logDerived);
    this.db.transaction(() => {
      for (const { name, paths } of planned) this.createCollection(name, paths);
    }).immediate();
    for (const { name, paths } of planned) this.registry.add(name, paths);
  }

  async get<T extends Doc = Doc>(collection: string, tenantId: string, id: string): Promise<StoredDoc<T> | null> {
    this.registry.require(collection);
    assertTenantId(tenantId);
    assertDocId(id);
    const row = this.statement(
      `SELECT id, position, doc FROM ${tableOf(collection)} WHERE tenant_id = ? AND id = ? AND doc IS NOT NULL`,
    ).get(tenantId, id) as Row | undefined;
    return row ? toStoredDoc<T>(row.id, row.position, row.doc) : null;
  }

  /** Returns the found documents in the order of `ids`; missing ids are skipped, a repeated id appears once. */
  async getMany<T extends Doc = Doc>(collection: string, tenantId: string, ids: string[]): Promise<StoredDoc<T>[]> {
    this.registry.require(collection);
    assertTenantId(tenantId);
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    // One statement for any number of ids: the list is bound as a JSON array.
    const rows = this.statement(
      `SELECT id, position, doc FROM ${tableOf(collection)}
       WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?)) AND doc IS NOT NULL`,
    ).all(tenantId, JSON.stringify(unique)) as Row[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return unique.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toStoredDoc<T>(row.id, row.position, row.doc)] : [];
    });
  }

  async find<T extends Doc = Doc>(collection: string, tenantId: string, options?: FindOptions): Promise<Page<T>> {
    const { rows, nextCursor } = this.findPage(collection, tenantId, options);
    return { items: rows.map(([id, position, doc]) => toStoredDoc<T>(id, position, doc)), ...(nextCursor ? { nextCursor } : {}) };
  }

  async findText(collection: string, tenantId: string, options?: FindOptions): Promise<TextPage> {
    const { rows, nextCursor } = this.findPage(collection, tenantId, options);
    return { items: rows.map(([id, position, json]) => ({ id, position, json })), ...(nextCursor ? { nextCursor } : {}) };
  }

  private findPage(collection: string, tenantId: string, options: FindOptions | undefined): { rows: SortedRow[]; nextCursor?: string } {
    assertTenantId(tenantId);
    const query = resolveFind(collection, options, this.registry);
    const rows = this.findRows(collection, tenantId, query);
    if (rows.length <= query.limit) return { rows };
    const pageRows = rows.slice(0, query.limit);
    const last = pageRows[pageRows.length - 1];
    const [id, , , sortValue] = last;
    return { rows: pageRows, nextCursor: encodeCursor(query.sortBy, query.direction, { value: query.sortBy === 'id' ? id : (sortValue ?? null), id }) };
  }

  /**
   * Validated at once (bad input fails this caller alone), then queued: the queue commits on the next
   * setImmediate, in one transaction with the other applies of this turn, and the promise settles after
   * that COMMIT (the fsync). Writes and checkpoint of one call are all or nothing, as before.
   */
  async apply(writes: DocWrite[], checkpoint?: Checkpoint): Promise<void> {
    for (const write of writes) assertWrite(write, this.registry);
    if (checkpoint) {
      assertCheckpointName(checkpoint.name);
      assertPosition(checkpoint.position, `checkpoint '${checkpoint.name}'`);
    }
    return this.enqueue(writes, checkpoint);
  }

  async getCheckpoint(name: string): Promise<number | null> {
    assertCheckpointName(name);
    const row = this.statement(`SELECT position FROM checkpoints WHERE name = ?`).get(name) as
      | { position: number }
      | undefined;
    return row ? row.position : null;
  }

  /** Queued like `apply` (same group commit), so a consumer's checkpoints commit in the order it wrote them. */
  async setCheckpoint(name: string, position: number): Promise<void> {
    assertCheckpointName(name);
    assertPosition(position, `checkpoint '${name}'`);
    return this.enqueue([], { name, position });
  }

  /** Empties the tables (tombstones included, so a rebuild from position 0 is accepted); tables and indexes stay. */
  async dropCollections(collections: string[]): Promise<void> {
    for (const collection of collections) this.registry.require(collection);
    this.commitQueued(); // what was applied before the drop is dropped too
    this.setSynchronousFull(!this.logDerived);
    this.db.transaction(() => {
      for (const collection of collections) this.statement(`DELETE FROM ${tableOf(collection)}`).run();
    })();
  }

  async deleteCheckpoint(name: string): Promise<void> {
    assertCheckpointName(name);
    this.commitQueued(); // a queued setCheckpoint of the same name must not bring it back
    this.setSynchronousFull(!this.logDerived);
    this.statement(`DELETE FROM checkpoints WHERE name = ?`).run(name);
  }

  async close(): Promise<void> {
    if (this.db.open) this.commitQueued();
    await this.checkpointer?.stop();
    this.statements.clear();
    this.upserts.clear();
    if (this.db.open) this.db.close();
  }

  private enqueue(writes: DocWrite[], checkpoint: Checkpoint | undefined): Promise<void> {
    if (!this.db.open) return Promise.reject(new Error('SqliteReadStore is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ writes, checkpoint, resolve, reject });
      this.scheduleCommit(0);
    });
  }

  /** The group commit of this turn (delay 0: the next setImmediate), or the next try of one waiting for the lock. */
  private scheduleCommit(delayMs: number): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    const commit = () => {
      this.commitScheduled = false;
      this.commitQueued(true);
    };
    if (delayMs === 0) setImmediate(commit);
    else setTimeout(commit, delayMs);
  }

  /**
   * Commits every queued apply in one transaction, then settles each caller's promise.
   *
   * `yieldOnLock` (the group commit): when another connection holds the write lock (the projector thread's
   * commits, on the same file), the group goes back to the head of the queue and is tried again on a timer, so the
   * thread goes on serving requests meanwhile. SQLite's own busy handler sleeps the whole thread, 1 ms at least: at
   * 64 connections of `POST /v1/accounts` the process managers' checkpoint commits slept a fifth of the main
   * thread's time that way (decision 0027). After `lockTimeoutMs` the group gives up as SQLite would (SQLITE_BUSY).
   * The synchronous callers (drop, delete, close) block as before.
   */
  private commitQueued(yieldOnLock = false): void {
    if (this.queue.length === 0) return;
    const group = this.queue;
    this.queue = [];
    // A commit of checkpoints alone need not reach the disk before its callers go on: if a power loss takes it
    // (and, WAL being a log, every later commit with it), consumers read again from their previous checkpoint,
    // which they do after any crash. It is made durable by the next fsync of the WAL.
    const unsynced = this.logDerived || group.every((pending) => pending.writes.length === 0);
    this.setSynchronousFull(!unsynced);
    let outcomes: ApplyOutcome[] | null = null;
    if (yieldOnLock) this.db.pragma('busy_timeout = 0');
    try {
      try {
        this.commitWhole(group);
      } catch (error) {
        if (!(error instanceof FailedApply)) throw error;
        // Rolled back whole: again, each apply alone.
        outcomes = this.commitGroup(group);
      }
    } catch (error) {
      if (yieldOnLock && isBusy(error) && this.lockWaitedMs() < this.lockTimeoutMs) {
        // Nothing was written (the lock is taken by BEGIN IMMEDIATE, before any write): first in line again.
        this.queue = group.concat(this.queue);
        this.scheduleCommit(LOCK_RETRY_DELAYS_MS[Math.min(this.lockRetries++, LOCK_RETRY_DELAYS_MS.length - 1)]);
        return;
      }
      // The shared transaction failed (I/O error, lock timeout): nothing of the group was written.
      this.lockedSince = null;
      this.lockRetries = 0;
      for (const pending of group) pending.reject(error);
      return;
    } finally {
      if (yieldOnLock) this.db.pragma(`busy_timeout = ${this.lockTimeoutMs}`);
    }
    this.lockedSince = null;
    this.lockRetries = 0;
    this.counters.commits += 1;
    this.counters.applies += group.length;
    if (unsynced) this.counters.unsyncedCommits += 1;
    group.forEach((pending, i) => {
      const outcome = outcomes?.[i] ?? { ok: true };
      if (outcome.ok) pending.resolve();
      else pending.reject(outcome.error);
    });
  }

  /** How long the queued group has been finding the write lock taken (0: it has not). */
  private lockWaitedMs(): number {
    this.lockedSince ??= performance.now();
    return performance.now() - this.lockedSince;
  }

  /** Outside a transaction only (SQLite ignores it inside one). */
  private setSynchronousFull(full: boolean): void {
    if (full === this.synchronousFull) return;
    this.db.pragma(`synchronous = ${full ? 'FULL' : 'NORMAL'}`);
    this.synchronousFull = full;
  }

  private applyWrites(writes: DocWrite[], checkpoint: Checkpoint | undefined): void {
    for (const write of writes) this.applyOne(write);
    if (checkpoint) this.writeCheckpoint(checkpoint.name, checkpoint.position);
  }

  private tryApply(pending: PendingApply): ApplyOutcome {
    try {
      this.applyInTransaction(pending.writes, pending.checkpoint);
      return { ok: true };
    } catch (error) {
      // If SQLite itself rolled the whole transaction back (e.g. disk full), the group cannot go on.
      if (!this.db.inTransaction) throw error;
      return { ok: false, error };
    }
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Creates the table, then a column and an index per path. A column added to a table that has documents is
   * filled from them (json_extract), and the expression index of earlier versions is dropped. Every write
   * keeps every index column of the table current, also those another process declared (all processes on a
   * file run the same code and declare their collections at start).
   */
  private createCollection(collection: string, paths: string[]): void {
    const table = tableOf(collection);
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (
         tenant_id TEXT NOT NULL,
         id TEXT NOT NULL,
         position INTEGER NOT NULL,
         doc TEXT,
         PRIMARY KEY (tenant_id, id)
       )`,
    );
    const existing = new Set((this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((column) => column.name));
    for (const path of paths) {
      const column = columnOf(path);
      if (!existing.has(`c_${path}`)) {
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
        this.db.exec(`UPDATE ${table} SET ${column} = json_extract(doc, '$.${path}') WHERE doc IS NOT NULL`);
        existing.add(`c_${path}`);
      }
      // The '.' cannot occur in a collection name, so index names of different collections never collide.
      this.db.exec(`DROP INDEX IF EXISTS "ix_${collection}.${path}"`);
      this.db.exec(`CREATE INDEX IF NOT EXISTS "ixc_${collection}.${path}" ON ${table} (tenant_id, ${column}, id)`);
    }
    this.columns.set(collection, [...existing].filter((name) => name.startsWith('c_')).map((name) => name.slice(2)));
    this.upserts.delete(collection); // its column list may have grown
  }

  private writeCheckpoint(name: string, position: number): void {
    this.statement(
      `INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    ).run(name, position);
  }

  private applyOne(write: DocWrite): void {
    switch (write.op) {
      case 'upsert': {
        const values = this.columnsOf(write.collection).map((path) => indexValue(write.doc, path));
        this.upsertStatement(write.collection).run(write.tenantId, write.id, write.position, JSON.stringify(write.doc), ...values);
        return;
      }
      case 'delete': {
        // Leaves a tombstone (doc NULL) carrying the position, so an older upsert redelivered later stays out.
        const values = this.columnsOf(write.collection).map(() => null);
        this.upsertStatement(write.collection).run(write.tenantId, write.id, write.position, null, ...values);
        return;
      }
      case 'patch':
        return this.patch(write.collection, write.tenantId, write.id, write.position, write.fields);
    }
  }

  /**
   * Insert or replace, unless the stored row (document or tombstone) already reflects this position or a later
   * one. The hot path of replays: looked up by collection name, not rebuilt as SQL text per write.
   */
  private upsertStatement(collection: string): Database.Statement {
    let statement = this.upserts.get(collection);
    if (!statement) {
      const table = tableOf(collection);
      const columns = this.columnsOf(collection).map(columnOf);
      statement = this.db.prepare(
        `INSERT INTO ${table} (tenant_id, id, position, doc${columns.map((c) => `, ${c}`).join('')})
         VALUES (?, ?, ?, ?${', ?'.repeat(columns.length)})
         ON CONFLICT (tenant_id, id) DO UPDATE SET position = excluded.position, doc = excluded.doc${columns.map((c) => `, ${c} = excluded.${c}`).join('')}
         WHERE excluded.position > ${table}.position`,
      );
      this.upserts.set(collection, statement);
    }
    return statement;
  }

  /**
   * One guarded UPDATE: json_set replaces the named top-level fields, json_remove drops those set to
   * undefined. Field names are bound as quoted JSON paths, so the statement depends only on how many fields
   * there are. A name containing '"' or '\\' cannot be quoted safely in a SQLite JSON path: such a patch
   * merges in JS instead.
   */
  private patch(collection: string, tenantId: string, id: string, position: number, fields: Doc): void {
    const set: Bindable[] = [];
    const removed: string[] = [];
    for (const [name, value] of Object.entries(fields)) {
      if (/["\\]/.test(name)) return this.patchInJs(collection, tenantId, id, position, fields);
      if (value === undefined) removed.push(`$."${name}"`);
      else set.push(`$."${name}"`, JSON.stringify(value));
    }
    let docSql = 'doc';
    if (set.length > 0) docSql = `json_set(${docSql}${', ?, json(?)'.repeat(set.length / 2)})`;
    if (removed.length > 0) docSql = `json_remove(${docSql}${', ?'.repeat(removed.length)})`;
    // Only the index columns under a top-level field the patch sets or removes change (and so their indexes).
    const touched = this.columnsOf(collection).filter((path) => Object.prototype.hasOwnProperty.call(fields, path.split('.')[0]));
    const columnsSql = touched.map((path) => `, ${columnOf(path)} = ?`).join('');
    this.statement(
      `UPDATE ${tableOf(collection)} SET position = ?, doc = ${docSql}${columnsSql}
       WHERE tenant_id = ? AND id = ? AND doc IS NOT NULL AND position < ?`,
    ).run(position, ...set, ...removed, ...touched.map((path) => indexValue(fields, path)), tenantId, id, position);
  }

  private patchInJs(collection: string, tenantId: string, id: string, position: number, fields: Doc): void {
    const table = tableOf(collection);
    const row = this.statement(`SELECT position, doc FROM ${table} WHERE tenant_id = ? AND id = ?`).get(tenantId, id) as
      | { position: number; doc: string | null }
      | undefined;
    if (!row || row.doc === null || row.position >= position) return;
    const merged = mergeFields(JSON.parse(row.doc) as Doc, fields);
    const paths = this.columnsOf(collection);
    this.statement(
      `UPDATE ${table} SET position = ?, doc = ?${paths.map((path) => `, ${columnOf(path)} = ?`).join('')} WHERE tenant_id = ? AND id = ?`,
    ).run(position, JSON.stringify(merged), ...paths.map((path) => indexValue(merged, path)), tenantId, id);
  }

  private columnsOf(collection: string): string[] {
    return this.columns.get(collection) ?? [];
  }

  /** Reads up to limit + 1 rows (the extra one tells whether a next page exists). */
  private findRows(collection: string, tenantId: string, query: ResolvedFind): SortedRow[] {
    const wanted = query.limit + 1;
    if (query.sortBy === 'id') return this.readSegment(collection, tenantId, query, 'id', query.after, wanted);
    // Nulls sort first ascending and last descending (as in MongoDB); a cursor resumes inside its own segment.
    const order: Segment[] = query.direction === 'asc' ? ['nulls', 'values'] : ['values', 'nulls'];
    const first = query.after ? order.indexOf(query.after.value === null ? 'nulls' : 'values') : 0;
    const rows: SortedRow[] = [];
    for (let i = first; i < order.length && rows.length < wanted; i++) {
      const after = i === first ? query.after : undefined;
      rows.push(...this.readSegment(collection, tenantId, query, order[i], after, wanted - rows.length));
    }
    return rows;
  }

  private readSegment(
    collection: string,
    tenantId: string,
    query: ResolvedFind,
    segment: Segment,
    after: CursorPosition | undefined,
    limit: number,
  ): SortedRow[] {
    const sortSql = fieldSql(query.sortBy);
    const where = ['tenant_id = ?', 'doc IS NOT NULL'];
    const params: Bindable[] = [tenantId];
    for (const condition of query.conditions) where.push(conditionSql(condition, params));
    if (segment === 'nulls') where.push(`${sortSql} IS NULL`);
    if (segment === 'values') where.push(`${sortSql} IS NOT NULL`);
    if (after) where.push(cursorSql(segment, sortSql, query.direction, after, params));
    const sql =
      // Sorted by id, the id is the sort value: not read twice.
      `SELECT id, position, doc${query.sortBy === 'id' ? '' : `, ${sortSql} AS sort_value`} FROM ${tableOf(collection)}` +
      ` WHERE ${where.join(' AND ')} ORDER BY ${orderSql(segment, sortSql, query)} LIMIT ${limitInSql(limit)}`;
    const rows = this.statement(sql).raw(true).all(...params) as SortedRow[];
    return rows.length > limit ? rows.slice(0, limit) : rows;
  }
}

/** An apply that failed inside the one-go group commit (not the BEGIN or the COMMIT): the group is tried again apply by apply. */
class FailedApply extends Error {
  constructor(cause: unknown) {
    super('an apply of the group failed', { cause });
  }
}

/**
 * The LIMIT written into a find's SQL: the limit rounded up to a power of two, the rows cut to it after. Bound as
 * `LIMIT ?`, SQLite prepares the statement again on every call (the planner reads the bound limit, so each binding
 * expires the plan): 18 -> 10 µs a find of two rows. Rounded, a query shape has at most 11 statements, not one per limit.
 */
function limitInSql(limit: number): number {
  let rounded = 1;
  while (rounded < limit) rounded *= 2;
  return rounded;
}

function conditionSql(condition: Condition, params: Bindable[]): string {
  const field = fieldSql(condition.field);
  const value = condition.value;
  if (value === null) return condition.op === 'eq' ? `${field} IS NULL` : `${field} IS NOT NULL`;
  params.push(bindable(value));
  switch (condition.op) {
    case 'eq':
      return `${field} = ?`;
    case 'ne':
      // IS NOT: a missing/null field is "not equal" too, as in MongoDB's $ne.
      return `${field} IS NOT ?`;
    default: {
      const bracket = typeBracket(field, condition);
      return `${field} ${RANGE_SQL[condition.op]} ?` + (bracket ? ` AND ${bracket}` : '');
    }
  }
}

const RANGE_SQL = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * SQLite orders NULL < numbers < text across types, so `x > 5` alone would also match every string.
 * Bracketing keeps numbers compared with numbers and strings with strings (MongoDB does the same).
 */
function typeBracket(field: string, condition: Condition): string | null {
  const upward = condition.op === 'gt' || condition.op === 'gte';
  // Below numbers there is only NULL (never matched by a comparison); above text only BLOB (never in JSON).
  if (typeof condition.value === 'number') return upward ? `${field} < ''` : null;
  return upward ? null : `${field} >= ''`;
}

/** Keyset condition: rows strictly after (value, id) in the scan order; `X >= v AND (...)` lets the index seek. */
function cursorSql(
  segment: Segment,
  sortSql: string,
  direction: 'asc' | 'desc',
  after: CursorPosition,
  params: Bindable[],
): string {
  const [cmp, cmpOrEq] = direction === 'asc' ? ['>', '>='] : ['<', '<='];
  if (segment === 'nulls' || segment === 'id') {
    params.push(after.id);
    return `id ${cmp} ?`;
  }
  const value = bindable(after.value);
  params.push(value, value, after.id);
  return `${sortSql} ${cmpOrEq} ? AND (${sortSql} ${cmp} ? OR id ${cmp} ?)`;
}

function orderSql(segment: Segment, sortSql: string, query: ResolvedFind): string {
  const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
  // All rows of the nulls segment, or of a sort field pinned by an equality filter, share one sort value:
  // ordering by id alone gives the same order and spares SQLite a temporary sort.
  const pinned = query.conditions.some((c) => c.field === query.sortBy && c.op === 'eq');
  if (segment !== 'values' || pinned) return `id ${dir}`;
  return `${sortSql} ${dir}, id ${dir}`;
}
