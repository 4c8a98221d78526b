/** Over 400 lines on purpose: the SQLite adapter of the EventStore port in one class, because its appends (group
 * commit), reads and subscriptions share one connection and the position counter it guards. */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  AllSubscription,
  AppendResult,
  ChainLink,
  ChainVerification,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadChainOptions,
  ReadStreamOptions,
  ReadTenantOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  TenantEventsRead,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { assertValidAppend, assertValidAppends, assertValidCount, DEFAULT_BATCH_SIZE } from '../validation';
import { PollingAllSubscription } from './polling-subscription';
import { RecentEvents, RecentEventsOptions } from './recent-events';
import { deepFreeze } from '../../../shared-kernel/deep-freeze';
import { chainHashOfText, GENESIS_HASH } from '../hash-chain';
import { builtJavaScript } from '../../projection-runner/thread/entry-file';
import { verifyChainOn } from './chain-verification';
import { TENANT } from './tenant-column';
import { openWalDatabase } from '../../sqlite/wal-mode';
import { migrate, Migration } from '../../sqlite/migrations';

export interface SqliteEventStoreOptions {
  /** Path of the database file (created 0600, its folder 0700 if missing), or ':memory:'. */
  file: string;
  /** The store's wall clock, read once per commit for `recordedAt`. Injectable for tests. */
  now?: () => Date;
  /** How often an idle subscription looks for events appended by another process. Default 100 ms. */
  pollIntervalMs?: number;
  /** Commit the queue at once when it holds this many appends (otherwise on the next setImmediate). Default 1,000. */
  maxBatchAppends?: number;
  /** ... or this many events. Default 20,000. */
  maxBatchEvents?: number;
  /** How long a commit waits for another process that holds the write lock. Default 5,000 ms. */
  busyTimeoutMs?: number;
  /** WAL pages between automatic checkpoints. Default 10,000 (about 40 MB); see README (throughput). */
  walAutocheckpointPages?: number;
  /** `readTenant` with types examines at most this many of the tenant's events per call. Default 20,000. */
  tenantScanLimit?: number;
  /** The tail of the log this connection's subscriptions share (RECENT_EVENTS by default; see PROJECTOR_RECENT_EVENTS). */
  recentEvents?: RecentEventsOptions;
}

/** Counters for tests and metrics: `commits` < `appends` shows that group commit is grouping. */
export interface SqliteEventStoreStats {
  commits: number;
  appends: number;
  events: number;
  /** Groups committed a second time with each append in a savepoint, because one of them failed half-way (see `flush`). */
  isolatedRetries: number;
}

/**
 * The file's schema, in order (../../sqlite/migrations.ts: PRAGMA user_version). The first two are idempotent because
 * files from before versions existed (version 0) already have some of them.
 */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events',
    up: (db) =>
      db.exec(`
        CREATE TABLE IF NOT EXISTS events (
          position    INTEGER PRIMARY KEY,
          stream_name TEXT    NOT NULL,
          revision    INTEGER NOT NULL,
          id          TEXT    NOT NULL UNIQUE,
          type        TEXT    NOT NULL,
          data        TEXT    NOT NULL,
          metadata    TEXT    NOT NULL,
          recorded_at TEXT    NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_name, revision);`),
  },
  {
    version: 2,
    name: 'the tenant index (event feed)',
    up: (db) => db.exec(`CREATE INDEX IF NOT EXISTS events_tenant_position ON events (json_extract(metadata, '$.tenantId'), position, type);`),
  },
  {
    version: 3,
    name: 'the tenants\' hash chains',
    up: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS event_chain (
          position  INTEGER PRIMARY KEY,
          tenant_id TEXT    NOT NULL,
          seq       INTEGER NOT NULL,
          hash      TEXT    NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS event_chain_tenant_seq ON event_chain (tenant_id, seq);`);
    },
  },
  {
    // Nothing reads by event id, and no append can repeat one: every append of the product has an exact expected
    // revision (the (stream, revision) index refuses a second write of a revision) and ids derive from the command,
    // the stream and the index. The index was a guard that cost a random page of the WAL per event (decision 0030).
    // SQLite cannot drop a column's UNIQUE: the table is copied, positions (rowids) and all, once per file.
    version: 4,
    name: 'events without the unique index on the event id',
    up: (db) =>
      db.exec(`
        CREATE TABLE events_rebuilt (
          position    INTEGER PRIMARY KEY,
          stream_name TEXT    NOT NULL,
          revision    INTEGER NOT NULL,
          id          TEXT    NOT NULL,
          type        TEXT    NOT NULL,
          data        TEXT    NOT NULL,
          metadata    TEXT    NOT NULL,
          recorded_at TEXT    NOT NULL
        );
        INSERT INTO events_rebuilt (position, stream_name, revision, id, type, data, metadata, recorded_at)
          SELECT position, stream_name, revision, id, type, data, metadata, recorded_at FROM events ORDER BY position;
        DROP TABLE events;
        ALTER TABLE events_rebuilt RENAME TO events;
        CREATE UNIQUE INDEX events_stream_revision ON events (stream_name, revision);
        CREATE INDEX events_tenant_position ON events (json_extract(metadata, '$.tenantId'), position, type);`),
  },
];

/**
 * The tenants' hash chains (../hash-chain.ts, decision 0020) live in \`event_chain\`: one row per event, written in the
 * append's own savepoint, so an event and its link commit together or not at all. A file from before the chain gets
 * its links on first open (\`chainMissingLinks\`, in log order, in one write transaction).
 */

/**
 * The tenant of an event, as the index events_tenant_position has it (a query uses an expression index only when
 * it names the same expression). The index was added with the tenant event feed: `CREATE INDEX IF NOT EXISTS`
 * builds it when a file from before is first opened (once; about a second per million events). It holds the type,
 * so a read of some types checks each of the tenant's events in the index without reading its row.
 */

/**
 * The shared tail of a connection (decisions 0025, 0034), by default the last 1,000 events: a subscription further
 * behind reads the file itself, as a catch-up does. Live consumers stay within a commit or two of the head; a larger
 * window on the main thread costs more than it saves (webhook bench, alternately: 0.55-0.61 CPU ms per delivery with
 * 1,000, 0.65-0.71 with 50,000: the events a slow consumer has not reached stay in memory).
 */
const RECENT_EVENTS: RecentEventsOptions = { capacity: 1_000, maxChars: 16 * 1024 * 1024, maxGap: 1_000, fillChunk: 1_000 };

/**
 * The projector thread's tail: its thirty-odd projectors fall tens of thousands of events behind in a burst (a bill
 * run's day appends two events per invoice faster than they are applied); with 1,000 events each then read and parsed
 * its own copy of the same events from the file (a tenth of the thread's time). Up to 20,000 events or 16 Mi
 * characters of stored data and metadata, filled 4,000 at a time (a projector's batch); what every projector passed
 * is dropped, so it holds little when they keep up.
 */
export const PROJECTOR_RECENT_EVENTS: RecentEventsOptions = { capacity: 20_000, maxChars: 16 * 1024 * 1024, maxGap: 20_000, fillChunk: 4_000 };

/** `readTenant`'s default maxCount. */
const DEFAULT_TENANT_READ = 1_000;

/** In the order of EventRow (rows are read as arrays). */
const COLUMNS = 'position, stream_name, revision, id, type, data, metadata, recorded_at';

/**
 * A row as an array in COLUMNS order (better-sqlite3's raw mode): no object with eight named properties made per
 * row only to be copied into the RecordedEvent (measured about a quarter less time per row read).
 */
type EventRow = [
  position: number,
  streamName: string,
  revision: number,
  id: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
];

/** An event serialized by the caller's own call, so bad data fails that caller alone and early. */
interface SerializedEvent {
  id: string;
  /** The chain it is linked into (metadata.tenantId). */
  tenantId: string;
  type: string;
  data: string;
  metadata: string;
}

interface PendingPart {
  stream: string;
  expected: ExpectedRevision;
  events: SerializedEvent[];
}

/** One caller's append: one stream (appendToStream) or several (appendToStreams), written all or none. */
interface PendingAppend {
  parts: PendingPart[];
  eventCount: number;
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; results: AppendResult[] } | { ok: false; error: unknown };

/** An append of a group without savepoints failed after it had written something: the group is committed again, isolated. */
class AppendFailedHalfWay extends Error {}

/**
 * The embedded event store: one SQLite file, WAL, synchronous=FULL (every acknowledged commit is fsynced).
 *
 * Group commit: appends are queued and committed together, in ONE transaction, on the next setImmediate
 * (or at once when the queue is large). A failing append fails alone and the others still commit. Every caller's
 * promise settles only after the shared COMMIT has returned, i.e. after the fsync. A multi-stream append
 * (appendToStreams) is written all or none: all its streams commit together or none does.
 *
 * Isolation without a savepoint per append (they cost 13% of an append's CPU: SQLite copies every page an append
 * touches into the savepoint's journal, the log's last pages once per append): an append's expected revisions are
 * all checked before it writes anything, so a conflict, the usual failure, leaves nothing to undo. An append that
 * fails once it has written (an error of SQLite's own: a full disk, a string too big) rolls the group's transaction
 * back, and the group is committed again with each append in its own SAVEPOINT, where it fails alone (`flush`).
 *
 * Positions are SQLite rowids assigned inside the write transaction: 1, 2, 3, ... without gaps, even across
 * processes sharing the file (SQLite serializes writers) and after rolled-back savepoints.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly maxBatchAppends: number;
  private readonly maxBatchEvents: number;
  private readonly tenantScanLimit: number;
  private readonly file: string;

  private readonly statements: ReturnType<typeof prepareStatements>;
  /** The tail of the log the live subscriptions share (decision 0025). */
  private readonly recent: RecentEvents;
  private readonly commitBatch: (batch: PendingAppend[], recordedAt: string) => Outcome[];
  private readonly commitBatchIsolated: (batch: PendingAppend[], recordedAt: string) => Outcome[];
  private readonly appendInSavepoint: (append: PendingAppend, recordedAt: string) => Outcome;

  private queue: PendingAppend[] = [];
  private queuedEvents = 0;
  private flushScheduled = false;
  private closed = false;
  private readonly appendListeners = new Set<() => void>();
  private readonly subscriptions = new Set<PollingAllSubscription>();
  private readonly counters: SqliteEventStoreStats = { commits: 0, appends: 0, events: 0, isolatedRetries: 0 };

  constructor(options: SqliteEventStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.maxBatchAppends = options.maxBatchAppends ?? 1_000;
    this.maxBatchEvents = options.maxBatchEvents ?? 20_000;
    this.tenantScanLimit = options.tenantScanLimit ?? 20_000;
    this.file = options.file;
    assertValidCount('tenantScanLimit', this.tenantScanLimit, 1);
    this.db = openDatabase(options.file, options.busyTimeoutMs ?? 5_000, options.walAutocheckpointPages ?? 10_000);
    this.statements = prepareStatements(this.db);
    this.recent = new RecentEvents((after, through) => sharedRange(this.statements.readRange.all(after, through)), options.recentEvents ?? RECENT_EVENTS);

    // IMMEDIATE takes the write lock up front, so a commit never fails half-way on a lock upgrade.
    this.commitBatch = this.db.transaction((batch: PendingAppend[], recordedAt: string) => {
      const heads: ChainHeads = new Map();
      return batch.map((append) => {
        try {
          return this.appendChecked(append, recordedAt, heads);
        } catch (error) {
          throw new AppendFailedHalfWay('an append failed after writing', { cause: error });
        }
      });
    }).immediate;
    // Nested better-sqlite3 transactions run as SAVEPOINTs: that is what isolates one append from the others.
    // A savepoint rolled back would leave chain heads kept in memory wrong: none are kept here.
    this.appendInSavepoint = this.db.transaction((append: PendingAppend, recordedAt: string) => this.appendChecked(append, recordedAt, null));
    this.commitBatchIsolated = this.db.transaction((batch: PendingAppend[], recordedAt: string) =>
      batch.map((append) => this.tryAppendInSavepoint(append, recordedAt)),
    ).immediate;
  }

  async appendToStream(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    assertValidAppend(stream, events, expectedRevision);
    const [result] = await this.enqueue([{ stream, events, expectedRevision }]);
    return result;
  }

  /** All streams in one savepoint of one transaction: all or none, also when the process dies mid-commit. */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertValidAppends(appends);
    return appends.length === 0 ? [] : this.enqueue(appends);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0;
    assertValidCount('fromRevision', fromRevision);
    // Without a maxCount (a command's load, the usual call) the statement has no LIMIT: see prepareStatements.
    const rows =
      options.maxCount === undefined
        ? this.statements.readWholeStream.all(stream, fromRevision)
        : this.statements.readStream.all(stream, fromRevision, limitOf(options.maxCount));
    return rows.map(toRecordedEvent);
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const read = new Map<string, RecordedEvent[]>();
    for (const stream of streams) {
      if (typeof stream !== 'string') throw new TypeError('readStreams: every stream name must be a string');
      read.set(stream, []);
    }
    if (read.size === 0) return read;
    // One query: the names as a JSON array, each looked up through the (stream_name, revision) index.
    for (const row of this.statements.readStreams.all(JSON.stringify([...read.keys()]))) {
      (read.get(row[1]) as RecordedEvent[]).push(toRecordedEvent(row));
    }
    return read;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    assertValidCount('after', after);
    return this.readAllNow(after, limitOf(options.maxCount));
  }

  async readPositions(positions: readonly number[]): Promise<RecordedEvent[]> {
    const wanted = [...new Set(positions)];
    for (const position of wanted) assertValidCount('position', position);
    if (wanted.length === 0) return [];
    // One query through the rowid (position is the INTEGER PRIMARY KEY): the positions as a JSON array.
    return this.statements.readPositions.all(JSON.stringify(wanted)).map(toRecordedEvent);
  }

  /**
   * From the index on (tenant, position, type): the tenant's events only, never another tenant's. With `types`, the
   * read first finds where the tenant's next `tenantScanLimit` events end (an index-only walk) and looks no further,
   * so a tenant with millions of events of other types (usage) costs a bounded read per call; `through` tells how far.
   */
  async readTenant(tenantId: string, options: ReadTenantOptions = {}): Promise<TenantEventsRead> {
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new RangeError('readTenant: tenantId must be a non-empty string');
    const after = options.after ?? 0;
    assertValidCount('after', after);
    const maxCount = options.maxCount ?? DEFAULT_TENANT_READ;
    assertValidCount('maxCount', maxCount);
    const types = options.types;
    if (types !== undefined && (!Array.isArray(types) || types.some((type) => typeof type !== 'string'))) {
      throw new RangeError('readTenant: types must be an array of strings');
    }
    // The head first: positions are assigned in commit order, so nothing at or below it can still appear.
    const head = this.statements.headPosition.get() as number;
    if (head <= after || maxCount === 0) return { events: [], through: after, head, storedData: [], storedMetadata: [] };
    if (types === undefined) {
      const rows = this.statements.readTenant.all(tenantId, after, head, maxCount);
      return tenantRead(rows, rows.length === maxCount ? rows[rows.length - 1][0] : head, head);
    }
    if (types.length === 0) return { events: [], through: head, head, storedData: [], storedMetadata: [] };
    const typeList = JSON.stringify([...types]);
    // In steps: first the tenant's next maxCount events (a whole page when all are of the types, the usual case), then
    // 4 times as many each step until the page is full, the head is reached or tenantScanLimit events were examined.
    // Each step's bound is an index-only walk of its events, the rows read are those of the types only.
    const scanLimit = Math.max(this.tenantScanLimit, maxCount);
    const rows: EventRow[] = [];
    for (let from = after, examined = 0, step = maxCount; ; step *= 4) {
      const count = Math.min(step, scanLimit - examined);
      const bound = this.tenantBound(tenantId, from, head, count);
      rows.push(...this.statements.readTenantTypes.all(tenantId, from, bound, typeList, maxCount - rows.length));
      examined += count;
      if (rows.length === maxCount) return tenantRead(rows, rows[rows.length - 1][0], head);
      if (bound === head || examined >= scanLimit) return tenantRead(rows, bound, head);
      from = bound;
    }
  }

  async lastTenantPosition(tenantId: string, after: number): Promise<number | null> {
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new RangeError('lastTenantPosition: tenantId must be a non-empty string');
    assertValidCount('after', after);
    return (this.statements.lastTenantPosition.get(tenantId, after) as number | null) ?? null;
  }

  /** The position of the tenant's `count`-th event after `after` (at most `head`), or `head` when it has fewer. */
  private tenantBound(tenantId: string, after: number, head: number, count: number): number {
    return (this.statements.tenantScanBound.get(tenantId, after, head, count - 1) as number | undefined) ?? head;
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const after = options.after ?? 0;
    assertValidCount('after', after);
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    assertValidCount('batchSize', batchSize, 1);
    const types = options.eventTypes === undefined ? undefined : JSON.stringify([...options.eventTypes]);
    const typeSet = options.eventTypes === undefined ? undefined : new Set(options.eventTypes);
    const subscription: PollingAllSubscription = new PollingAllSubscription({
      after,
      batchSize,
      pollIntervalMs: this.pollIntervalMs,
      read: (from, maxCount) =>
        this.readRecent(from, maxCount, typeSet, subscription) ??
        (types === undefined ? this.readAllThrough(from, maxCount) : this.readTypesThrough(from, maxCount, types)),
      onAppend: (listener) => this.onAppend(listener),
      onClose: (closed) => {
        this.subscriptions.delete(closed);
        this.recent.forget(closed);
      },
    });
    if (this.closed) void subscription.close();
    else this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * On the chain thread (./chain-thread.main.ts: a connection of its own, one snapshot), so the caller's thread goes
   * on meanwhile; a store in memory, which no other connection can open, checks on its own connection.
   */
  async verifyChain(tenantId: string, options: { through: number; maxBreaks: number }): Promise<ChainVerification> {
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new RangeError('verifyChain: tenantId must be a non-empty string');
    assertValidCount('through', options.through);
    assertValidCount('maxBreaks', options.maxBreaks);
    const { through, maxBreaks } = options;
    if (this.file === ':memory:') return verifyChainOn(this.db, tenantId, through, maxBreaks);
    return new Promise<ChainVerification>((resolve, reject) => {
      const entry = builtJavaScript(path.join(__dirname, `chain-thread.main${path.extname(__filename)}`));
      const worker = new Worker(entry, { workerData: { file: this.file, tenantId, through, maxBreaks }, name: 'chain' });
      worker.once('message', (answer: { ok: true; result: ChainVerification } | { ok: false; message: string }) =>
        answer.ok ? resolve(answer.result) : reject(new Error(`verifyChain: ${answer.message}`)),
      );
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`verifyChain: the chain thread ended (exit code ${code}) without an answer`)));
    });
  }

  async readChain(tenantId: string, options: ReadChainOptions = {}): Promise<ChainLink[]> {
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new RangeError('readChain: tenantId must be a non-empty string');
    const afterSeq = options.afterSeq ?? 0;
    assertValidCount('afterSeq', afterSeq);
    const maxCount = options.maxCount ?? DEFAULT_TENANT_READ;
    assertValidCount('maxCount', maxCount);
    return this.statements.readChain.all(tenantId, afterSeq, maxCount) as ChainLink[];
  }

  async headPosition(): Promise<number> {
    return this.statements.headPosition.get() as number;
  }

  /** Commits what is queued, ends the subscriptions, closes the file. Later appends are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.db.close();
  }

  /**
   * Called after every commit that appended something (after the COMMIT returned). Lets this process tell
   * subscriptions on other connections to the file (a projector thread) to read at once instead of polling.
   * Returns the unregister function.
   */
  onCommitted(listener: () => void): () => void {
    return this.onAppend(listener);
  }

  /** Wakes this store's idle subscriptions to read now: another connection reported a commit (see onCommitted). */
  wakeSubscriptions(): void {
    this.notifyAppended();
  }

  /** The connection's durability settings, for tests and health checks. */
  durabilitySettings(): { journalMode: string; synchronous: number } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
    };
  }

  get stats(): SqliteEventStoreStats {
    return { ...this.counters };
  }

  /** Serializes in the caller's call (bad data fails that caller alone), queues, and settles after the commit. */
  private enqueue(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (this.closed) return Promise.reject(new Error('SqliteEventStore is closed'));
    const parts = appends.map(({ stream, events, expectedRevision }) => ({ stream, expected: expectedRevision, events: events.map(serializeEvent) }));
    const eventCount = parts.reduce((sum, part) => sum + part.events.length, 0);
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ parts, eventCount, resolve, reject });
      this.queuedEvents += eventCount;
      if (this.queue.length >= this.maxBatchAppends || this.queuedEvents >= this.maxBatchEvents) this.flush();
      else this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Commits every queued append in one transaction, then settles each caller's promise. */
  private flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.queuedEvents = 0;

    const recordedAt = this.now().toISOString();
    let outcomes: Outcome[];
    try {
      try {
        outcomes = this.commitBatch(batch, recordedAt);
      } catch (error) {
        if (!(error instanceof AppendFailedHalfWay)) throw error;
        // Rolled back whole: again, each append in a savepoint, so the one that failed fails alone.
        this.counters.isolatedRetries += 1;
        outcomes = this.commitBatchIsolated(batch, recordedAt);
      }
    } catch (error) {
      // The shared transaction failed (I/O error, lock timeout): nothing of the batch was written.
      for (const append of batch) append.reject(error);
      return;
    }
    this.countCommit(batch, outcomes);
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i].resolve(outcome.results) : batch[i].reject(outcome.error)));
    if (outcomes.some((outcome) => outcome.ok)) this.notifyAppended();
  }

  /**
   * Every stream's revision checked before anything is written, so a conflict fails the append with nothing to undo;
   * a failure after that throws (the group rolls back, or the append's savepoint does).
   */
  private appendChecked(append: PendingAppend, recordedAt: string, heads: ChainHeads | null): Outcome {
    const revisions: number[] = [];
    for (const { stream, expected } of append.parts) {
      const actual = this.lastRevisionOf(stream);
      if (!revisionMatches(expected, actual)) return { ok: false, error: new WrongExpectedRevisionError(stream, expected, actual) };
      revisions.push(actual);
    }
    return { ok: true, results: append.parts.map((part, i) => this.insertEvents(part, revisions[i], recordedAt, heads)) };
  }

  private tryAppendInSavepoint(append: PendingAppend, recordedAt: string): Outcome {
    try {
      return this.appendInSavepoint(append, recordedAt);
    } catch (error) {
      // If SQLite itself rolled the whole transaction back (e.g. disk full), the batch cannot go on.
      if (!this.db.inTransaction) throw error;
      return { ok: false, error };
    }
  }

  private lastRevisionOf(stream: string): number {
    return (this.statements.lastRevision.get(stream) as number | null) ?? -1;
  }

  /** The part's events with the revisions after `actual`, the stream's last. */
  private insertEvents({ stream, events }: PendingPart, actual: number, recordedAt: string, heads: ChainHeads | null): AppendResult {
    let revision = actual;
    let position = 0;
    for (const event of events) {
      revision += 1;
      position = this.insertEvent(stream, revision, event, recordedAt, heads);
    }
    return { nextExpectedRevision: revision, position };
  }

  private insertEvent(stream: string, revision: number, event: SerializedEvent, recordedAt: string, heads: ChainHeads | null): number {
    const { lastInsertRowid } = this.statements.insert.run(stream, revision, event.id, event.type, event.data, event.metadata, recordedAt);
    const position = Number(lastInsertRowid);
    linkIntoChain(this.statements, heads, position, stream, event.tenantId, event.id, event.type, event.data, event.metadata, recordedAt);
    return position;
  }

  private readAllNow(after: number, limit: number): RecordedEvent[] {
    return this.statements.readAll.all(after, limit).map(toRecordedEvent);
  }

  /** A live subscription's read, from the tail of the log shared by them all (null: too far behind, read the file). */
  private readRecent(after: number, limit: number, types: ReadonlySet<string> | undefined, reader: object): { events: RecordedEvent[]; through: number } | null {
    return this.recent.read(after, this.statements.headPosition.get() as number, limit, types, reader);
  }

  private readAllThrough(after: number, limit: number): { events: RecordedEvent[]; through: number } {
    const events = this.readAllNow(after, limit);
    return { events, through: events.length > 0 ? events[events.length - 1].position : after };
  }

  /**
   * Only the events of `types` (a JSON array) after `after`, filtered by SQLite: the rows of other types are
   * skipped in C, never turned into objects. The head is read first and bounds the read, so `through` never
   * passes an event the read did not see (positions are assigned in commit order; see the class comment).
   */
  private readTypesThrough(after: number, limit: number, types: string): { events: RecordedEvent[]; through: number } {
    const head = this.statements.headPosition.get() as number;
    if (head <= after) return { events: [], through: after };
    const events = this.statements.readTypes.all(after, head, types, limit).map(toRecordedEvent);
    // A full batch may stop short of the head; otherwise every event up to the head was read or left out.
    return { events, through: events.length === limit ? events[events.length - 1].position : head };
  }

  private countCommit(batch: PendingAppend[], outcomes: Outcome[]): void {
    this.counters.commits += 1;
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) return;
      this.counters.appends += 1;
      this.counters.events += batch[i].eventCount;
    });
  }

  private onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Wakes this process's subscriptions at once; other processes find the events by polling. */
  private notifyAppended(): void {
    for (const listener of [...this.appendListeners]) listener();
  }
}

function openDatabase(file: string, busyTimeoutMs: number, walAutocheckpointPages: number): Database.Database {
  const { db, journalMode } = openWalDatabase(file, busyTimeoutMs);
  if (file !== ':memory:' && journalMode !== 'wal') {
    db.close();
    throw new Error(`SQLite event store ${file}: WAL journal mode is required, the file system gave '${journalMode}'`);
  }
  // FULL: the WAL is fsynced on every commit, so an acknowledged append survives a power cut. Never lower.
  db.pragma('synchronous = FULL');
  // Checkpoints (copying the WAL back into the file, with fsyncs) are the other big write cost; doing them
  // less often than SQLite's default (1,000 pages) roughly doubles sustained append throughput. Not durability.
  db.pragma(`wal_autocheckpoint = ${Math.trunc(walAutocheckpointPages)}`);
  // 64 MiB page cache (default 2 MiB): every command reads its stream through the (stream, revision) index
  // and appends dirty pages of the id index all over the file; with the default most were read from disk again.
  db.pragma('cache_size = -65536');
  migrate(db, MIGRATIONS, `SQLite event store ${file}`);
  // Events from before the chain (or appended by a build without it) get their links: two MAX() reads when none lack one.
  chainMissingLinks(db);
  return db;
}

interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The tenants' last links as one write transaction left them, so each tenant's is read from the file once per group
 * rather than once per event. Valid only within that transaction (it holds the write lock) and only while nothing of
 * it is rolled back: never used with savepoints.
 */
type ChainHeads = Map<string, ChainHead>;

/** Appends the event's link to its tenant's chain, in the append's transaction. */
function linkIntoChain(
  statements: ReturnType<typeof prepareStatements>,
  heads: ChainHeads | null,
  position: number,
  stream: string,
  tenantId: string,
  id: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
): void {
  const last = heads?.get(tenantId) ?? (statements.lastLink.get(tenantId) as ChainHead | undefined);
  const seq = (last?.seq ?? 0) + 1;
  const hash = chainHashOfText(last?.hash ?? GENESIS_HASH, seq, id, type, stream, data, metadata, recordedAt);
  statements.insertLink.run(position, tenantId, seq, hash);
  heads?.set(tenantId, { seq, hash });
}

/**
 * The migration of a data folder from before the chain: links every event that has none, in log order, in one write
 * transaction (re-checked inside it, so two processes opening the file at once link once). About 1 s per 100,000
 * events, once.
 */
function chainMissingLinks(db: Database.Database): void {
  const unlinked = () =>
    (db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get() as number) >
    (db.prepare('SELECT COALESCE(MAX(position), 0) FROM event_chain').pluck().get() as number);
  if (!unlinked()) return;
  const statements = prepareStatements(db);
  const read = db.prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true);
  const heads: ChainHeads = new Map(); // one transaction, no savepoint
  db.transaction(() => {
    let after = db.prepare('SELECT COALESCE(MAX(position), 0) FROM event_chain').pluck().get() as number;
    for (;;) {
      const rows = read.all(after, 10_000);
      if (rows.length === 0) return;
      for (const [position, streamName, , id, type, data, metadata, recordedAt] of rows) {
        linkIntoChain(statements, heads, position, streamName, tenantOf(metadata), id, type, data, metadata, recordedAt);
      }
      after = rows[rows.length - 1][0];
    }
  }).immediate();
}

/** The chain an event belongs to: its metadata's tenantId (as the index events_tenant_position reads it). */
function tenantOf(metadataJson: string): string {
  const tenantId = (JSON.parse(metadataJson) as { tenantId?: unknown }).tenantId;
  return typeof tenantId === 'string' ? tenantId : '';
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[string, number, string, string, string, string, string]>(
      'INSERT INTO events (stream_name, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    lastRevision: db.prepare<[string]>('SELECT MAX(revision) FROM events WHERE stream_name = ?').pluck(),
    headPosition: db.prepare<[]>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
    lastLink: db.prepare<[string]>('SELECT seq, hash FROM event_chain WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1'),
    insertLink: db.prepare<[number, string, number, string]>('INSERT INTO event_chain (position, tenant_id, seq, hash) VALUES (?, ?, ?, ?)'),
    readChain: db.prepare<[string, number, number]>('SELECT position, seq, hash FROM event_chain WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    // `LIMIT ?` makes SQLite prepare the statement again on every call (the planner looks at the bound limit, so each
    // new binding expires the plan): about 5 µs more per read here. The reads every command makes have none.
    readWholeStream: db
      .prepare<[string, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision`)
      .raw(true),
    readStream: db
      .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw(true),
    readStreams: db
      .prepare<[string], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_name IN (SELECT value FROM json_each(?)) ORDER BY stream_name, revision`,
      )
      .raw(true),
    readAll: db.prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true),
    readPositions: db
      .prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position`)
      .raw(true),
    readTenant: db
      .prepare<[string, number, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE ${TENANT} = ? AND position > ? AND position <= ? ORDER BY position LIMIT ?`,
      )
      .raw(true),
    // The newest of the tenant's positions after one: the last entry of the tenant's stretch of its index.
    lastTenantPosition: db.prepare<[string, number]>(`SELECT MAX(position) FROM events WHERE ${TENANT} = ? AND position > ?`).pluck(),
    // The position of the tenant's n-th event (OFFSET n-1) after a position: index only.
    tenantScanBound: db
      .prepare<[string, number, number, number]>(
        `SELECT position FROM events WHERE ${TENANT} = ? AND position > ? AND position <= ? ORDER BY position LIMIT 1 OFFSET ?`,
      )
      .pluck(),
    // The type is checked in the index entry; only the rows of matching events are read.
    readTenantTypes: db
      .prepare<[string, number, number, string, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE ${TENANT} = ? AND position > ? AND position <= ? AND type IN (SELECT value FROM json_each(?))
       ORDER BY position LIMIT ?`,
      )
      .raw(true),
    // A scan of the rowid range with the type as a filter: no index on type (it would cost every append).
    readRange: db.prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? ORDER BY position`).raw(true),
    readTypes: db
      .prepare<[number, number, string, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? AND type IN (SELECT value FROM json_each(?))
       ORDER BY position LIMIT ?`,
      )
      .raw(true),
  };
}

function tenantRead(rows: EventRow[], through: number, head: number): TenantEventsRead {
  return { events: rows.map(toRecordedEvent), through, head, storedData: rows.map((row) => row[5]), storedMetadata: rows.map((row) => row[6]) };
}

function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === -1;
  return expected === actual;
}

/** SQLite reads LIMIT -1 as "no limit". */
function limitOf(maxCount: number | undefined): number {
  if (maxCount === undefined) return -1;
  assertValidCount('maxCount', maxCount);
  return maxCount;
}

function serializeEvent(event: NewEvent): SerializedEvent {
  const tenantId = event.metadata?.tenantId;
  return {
    id: event.id,
    tenantId: typeof tenantId === 'string' ? tenantId : '',
    type: event.type,
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata),
  };
}

/** The window's read: each event shared (frozen), with its stored size (see RecentEvents). */
function sharedRange(rows: EventRow[]): { events: RecordedEvent[]; sizes: number[] } {
  const events: RecordedEvent[] = new Array(rows.length);
  const sizes: number[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    events[i] = toSharedRecordedEvent(rows[i]);
    sizes[i] = rows[i][5].length + rows[i][6].length;
  }
  return { events, sizes };
}

/** A RecordedEvent several consumers read (RecentEvents): frozen through and through, the data when first read. */
function toSharedRecordedEvent(row: EventRow): RecordedEvent {
  const [position, streamName, revision, id, type, json, metadata, recordedAt] = row;
  let text: string | undefined = json;
  let data: Record<string, unknown> | undefined;
  return Object.freeze({
    id,
    type,
    get data(): Record<string, unknown> {
      if (data === undefined) {
        data = deepFreeze(JSON.parse(text as string) as Record<string, unknown>);
        text = undefined; // held once, not twice, while the event stays in the window
      }
      return data;
    },
    metadata: deepFreeze(JSON.parse(metadata) as RecordedEvent['metadata']),
    streamName,
    revision,
    position,
    recordedAt,
  });
}

/**
 * `data` is parsed on first read: every consumer reads every event, and most skip most types without
 * looking at the data (measured: a sixth of usage ingestion went into parsing data nobody read).
 */
function toRecordedEvent(row: EventRow): RecordedEvent {
  const [position, streamName, revision, id, type, json, metadataJson, recordedAt] = row;
  let data: Record<string, unknown> | undefined;
  let metadata: RecordedEvent['metadata'] | undefined;
  return {
    id,
    type,
    get data(): Record<string, unknown> {
      return (data ??= JSON.parse(json) as Record<string, unknown>);
    },
    // Parsed on first read too: a command's read of a stream for its state folds the data and never looks here.
    get metadata(): RecordedEvent['metadata'] {
      return (metadata ??= JSON.parse(metadataJson) as RecordedEvent['metadata']);
    },
    streamName,
    revision,
    position,
    recordedAt,
  };
}
