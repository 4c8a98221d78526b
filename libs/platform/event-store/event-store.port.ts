/**
 * The event store port: the only way the application writes and reads the log.
 * Adapters: ./sqlite (embedded default) and ./kurrentdb (production). Both pass
 * ./event-store.contract.ts.
 */

/** Who and why: carried by every event, written by the command pipeline. */
export interface EventMetadata {
  tenantId: string;
  commandId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  /** The tenant's business date (YYYY-MM-DD) the event applies to. */
  businessDate: string;
  /** Set when the command came with an Idempotency-Key (or a process manager's deterministic key). */
  idempotencyKey?: string;
  /** Why: the reason the request gave (its body's `reason`), when it gave one (decision 0018). */
  reason?: string;
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = Record<string, unknown>> {
  /** Deterministic (derived from the command id and the event's index), never random: a retried append is recognisable. */
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = Record<string, unknown>>
  extends NewEvent<Type, Data> {
  streamName: string;
  /** 0-based position of the event inside its stream. */
  revision: number;
  /** Position in the whole log. Strictly increasing; on SQLite also gap-free (1, 2, 3, ...). */
  position: number;
  /** ISO-8601 instant at which the store recorded the event (wall time of the store, not business time). */
  recordedAt: string;
}

/** `no_stream`: the stream must not exist. `any`: no check. A number: the stream's last revision must be exactly this. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event appended (the expected revision for the next append). */
  nextExpectedRevision: number;
  /** Global position of the last event appended. */
  position: number;
}

/** One stream's part of a multi-stream append (`appendToStreams`). */
export interface StreamAppend {
  stream: string;
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Default 0. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this global position. Default 0 (from the beginning). */
  after?: number;
  maxCount?: number;
}

export interface ReadTenantOptions {
  /** Read the tenant's events strictly after this global position. Default 0 (from the beginning). */
  after?: number;
  /** At most this many events. Default 1,000. */
  maxCount?: number;
  /** Only events of these types (an empty list reads none). Default: every type. */
  types?: readonly string[];
}

/**
 * One read of a tenant's events (`readTenant`). `through` is how far the read looked: every event of the tenant
 * (of the types asked for) with `after < position <= through` is in `events`, and none later. It is at least the
 * last event's position, and further when the events after it were another tenant's, of other types, or when the
 * adapter stopped looking (a bound on the events it examines per call, so a read never scans a huge stretch of
 * events it would leave out). Read again `after: through` for what follows: `through` is a stable cursor.
 */
export interface TenantEventsRead {
  events: RecordedEvent[];
  through: number;
  /** The log's head when the read began: `through < head` means more of the log remains to be read. */
  head: number;
  /**
   * Where the adapter has it (SQLite): each event's data as stored, JSON text (`JSON.stringify(data)` of the append),
   * index for index with `events`, so a reader that only writes the data out again (the event feed) need not parse it.
   */
  storedData?: string[];
  /** Where the adapter has it (SQLite): each event's metadata as stored, JSON text, as `storedData` (the audit hashes both). */
  storedMetadata?: string[];
}

/**
 * A link of a tenant's hash chain (./hash-chain.ts, decision 0020): the tenant's `seq`-th event (1, 2, 3, ... in log
 * order, by `metadata.tenantId`) is at `position` and has `hash` = chainHash(the previous link's hash, seq, event).
 */
export interface ChainLink {
  position: number;
  seq: number;
  hash: string;
}

/** An event as a report names it. */
export interface EventRef {
  position: number;
  id: string;
  type: string;
  stream: string;
  businessDate: string;
}

/** A link of the kept chain that is not what the events give (an event changed, removed, inserted or reordered). */
export interface ChainBreak {
  seq: number;
  position: number | null;
  kept: string | null;
  recomputed: string | null;
  event: EventRef | null;
}

/** A tenant's kept chain checked against its events (`verifyChain`). */
export interface ChainVerification {
  /** The tenant's events the chain was recomputed over, and the last recomputed hash. */
  links: number;
  head: string;
  /** The first `maxBreaks` breaks; `truncated` when there were more. */
  breaks: ChainBreak[];
  truncated: boolean;
}

export interface ReadChainOptions {
  /** Links strictly after this seq. Default 0 (from the tenant's first event). */
  afterSeq?: number;
  /** At most this many. Default 1,000. */
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this global position (a checkpoint). Default 0. */
  after?: number;
  /** Upper bound on events handed over in one batch. Default 500. */
  batchSize?: number;
  /**
   * A hint: the consumer reads only events of these types. An adapter may then leave the others out (SQLite
   * filters them in its query, so a consumer that ignores most of the log never reads it); it may also deliver
   * them, so the consumer still checks each event's type. Events of these types come as without the hint: all
   * of them, in order, once. A batch's `through` tells how far the subscription has read (see EventBatch).
   */
  eventTypes?: readonly string[];
}

/**
 * A batch of a subscription. `through`, when present, is the log position the subscription has read up to:
 * at least the last event's position, and further when the events after it were of types the consumer did
 * not ask for (`eventTypes`). Such a batch may hold no event at all: it only moves the consumer's position
 * (its checkpoint), so that waiting for a position ends also for a consumer the position's events do not
 * concern. Without `through` a batch reads up to its last event.
 */
export type EventBatch = RecordedEvent[] & { readonly through?: number };

/** How far a batch takes its consumer: `through`, else its last event's position (0 for an empty batch). */
export function batchEnd(batch: EventBatch): number {
  return batch.through ?? (batch.length > 0 ? batch[batch.length - 1].position : 0);
}

/**
 * A catch-up subscription to the whole log: first everything after the checkpoint, then live events,
 * in position order, in batches. `for await` over it; `close()` ends the iteration.
 */
export interface AllSubscription extends AsyncIterable<EventBatch> {
  close(): Promise<void>;
}

export interface EventStore {
  /** Appends all events atomically, or none. Throws WrongExpectedRevisionError on a revision mismatch. */
  appendToStream(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams, each with its own expected revision; results in the order of `appends`. Every
   * part is checked (RangeError) before anything is written, and a stream may appear only once; [] writes nothing.
   * SQLite: all parts in ONE transaction, all or none, even if the process dies mid-way; a revision mismatch
   * anywhere writes nothing. KurrentDB has no multi-stream transaction: the parts are appended one after the
   * other, so a mismatch or a crash leaves the parts before it written. Callers that need the whole write
   * (a usage batch) make a retry complete it: deterministic event ids and command ids, so the retry skips the
   * parts already written and writes the rest.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Events of one stream in revision order; an unknown stream reads as []. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several whole streams in one call, each exactly as `readStream(name)` reads it (revision order, an
   * unknown stream as []). Every name asked for is a key of the result; a name asked for twice is read once.
   * For callers that load many streams at a time (the command side's batched loads), one query instead of many.
   */
  readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /** Events of the whole log in position order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The events at these log positions (positions the store handed out), in position order, each once; a position
   * holding no event is left out. For an index kept elsewhere (an account's history) that names its events by
   * position: one read of a page's events instead of a scan.
   */
  readPositions(positions: readonly number[]): Promise<RecordedEvent[]>;
  /**
   * The events of one tenant (`metadata.tenantId`), optionally of some types only, in position order, strictly
   * after `after` (see TenantEventsRead for `through` and `head`). For readers of a tenant's log (the tenant event
   * feed): SQLite answers from an index on the tenant, without reading other tenants' events; KurrentDB filters $all.
   */
  readTenant(tenantId: string, options?: ReadTenantOptions): Promise<TenantEventsRead>;
  /**
   * The position of the tenant's newest event (`metadata.tenantId`) after `after`, or null when it has none there:
   * whether anything of the tenant happened since (a business day settles when nothing did). SQLite answers from its
   * index on the tenant, one probe; KurrentDB reads $all backwards from its end down to `after`.
   */
  lastTenantPosition(tenantId: string, after: number): Promise<number | null>;
  /**
   * The tenant's hash chain, in seq order. SQLite writes each link with its event, in the append's transaction (the
   * chain is as old as the event: an event changed in the file later no longer matches its stored hash); KurrentDB
   * computes it from the tenant's events when asked (decision 0020).
   */
  readChain(tenantId: string, options?: ReadChainOptions): Promise<ChainLink[]>;
  /**
   * Where the adapter can do it apart (SQLite: on a thread of its own, over a connection of its own): the tenant's
   * kept chain checked against the chain its events give, through log position `through`, so that a caller busy with
   * the same events meanwhile (the audit's replay) is not slowed by it. Without it, a caller computes the same with
   * `readTenant`, `readChain` and ChainVerifier (./hash-chain.ts).
   */
  verifyChain?(tenantId: string, options: { through: number; maxBreaks: number }): Promise<ChainVerification>;
  subscribeToAll(options?: SubscribeOptions): AllSubscription;
  /** Position of the last event in the log (0 when empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or -1 if it does not exist; undefined when the adapter cannot tell. */
    readonly actual: number | undefined,
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, actual ${actual === undefined ? 'unknown' : actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export const EVENT_STORE = Symbol('EVENT_STORE');
