/**
 * Over 400 lines on purpose: every line that knows the client library is in this one file (below).
 *
 * KurrentDB (EventStoreDB) adapter. Every line that knows the client library is in this file, so moving from
 * `@eventstore/db-client` to `@kurrent/kurrentdb-client` (same API, renamed) is a change of imports here.
 *
 * Mapping to the port:
 * - global position = the event's commit position in $all (each event of a gRPC append has its own);
 * - revisions are BigInt in the client, numbers here;
 * - system events ($-prefixed streams or types) are hidden from readAll, headPosition and subscriptions;
 * - event ids must be UUIDs in KurrentDB: see ./event-id.ts for the deterministic mapping and round trip.
 */
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type CurrentRevision,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  AllSubscription,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  ReadTenantOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  TenantEventsRead,
  WrongExpectedRevisionError,
} from '../event-store.port';
import type { ChainLink, ReadChainOptions } from '../event-store.port';
import { computeChain } from '../hash-chain';
import { assertValidAppend, assertValidAppends, assertValidCount, DEFAULT_BATCH_SIZE } from '../validation';
import { BatchQueue } from './batch-queue';
import { EVENT_ID_METADATA_KEY, toKurrentEventId } from './event-id';

/** The part of the client this adapter uses (a seam for tests with a stand-in client). */
export type KurrentDbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

export interface KurrentDbEventStoreOptions {
  /** Use this client instead of connecting with the connection string. */
  client?: KurrentDbClient;
}

type ClientRecordedEvent = NonNullable<ResolvedEvent['event']>;

/** `readTenant` examines at most this many events of $all per call (every tenant's: $all has no tenant index). */
const TENANT_SCAN_LIMIT = 20_000;

/** Stream reads on servers before 22.6 report this (2^64 - 1) instead of the $all position. */
const UNKNOWN_POSITION = 18446744073709551615n;

export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDbClient;
  private readonly subscriptions = new Set<KurrentAllSubscription>();

  /** @param connectionString `kurrentdb://host:2113?tls=false`, `esdb://...` (and their `+discover` forms). */
  constructor(connectionString: string, options: KurrentDbEventStoreOptions = {}) {
    this.client = options.client ?? EventStoreDBClient.connectionString(toClientConnectionString(connectionString));
  }

  async appendToStream(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    assertValidAppend(stream, events, expectedRevision);
    try {
      const result = await this.client.appendToStream(stream, events.map(toEventData), {
        expectedRevision: toClientExpectedRevision(expectedRevision),
      });
      const nextExpectedRevision = Number(result.nextExpectedRevision);
      // The append's position is its last event's commit position; read it back if the server did not say.
      const position = result.position
        ? Number(result.position.commit)
        : await this.positionOfRevision(stream, nextExpectedRevision);
      return { nextExpectedRevision, position };
    } catch (error) {
      throw toPortError(error, stream, expectedRevision);
    }
  }

  /**
   * KurrentDB has no multi-stream transaction: the streams are appended one after the other, stopping at the
   * first failure, so a mismatch or a crash leaves the streams before it written (see the port). Every part is
   * checked and serialized before the first append, so bad input writes nothing.
   */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertValidAppends(appends);
    if (appends.length > 1) appends.forEach(({ events }) => events.forEach(toEventData));
    const results: AppendResult[] = [];
    for (const { stream, events, expectedRevision } of appends) results.push(await this.appendToStream(stream, events, expectedRevision));
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0;
    assertValidCount('fromRevision', fromRevision);
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    assertValidCount('maxCount', maxCount);
    if (maxCount === 0) return [];
    const read = this.client.readStream(stream, {
      fromRevision: fromRevision === 0 ? START : BigInt(fromRevision),
      maxCount,
      direction: FORWARDS,
    });
    try {
      return await take(read, maxCount, fromStreamRead);
    } catch (error) {
      if (isClientError(error, StreamNotFoundError, ErrorType.STREAM_NOT_FOUND)) return [];
      throw error;
    }
  }

  /** One read per stream, side by side: KurrentDB has no multi-stream read (a client-side batch is enough). */
  async readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const names = [...new Set(streams)];
    const read = await Promise.all(names.map((stream) => this.readStream(stream)));
    return new Map(names.map((stream, index) => [stream, read[index]]));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    assertValidCount('after', after);
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    assertValidCount('maxCount', maxCount);
    if (maxCount === 0) return [];
    // The client counts system events too, so read unbounded and stop once enough user events are in.
    const read = this.client.readAll({ fromPosition: readPositionAfter(after), direction: FORWARDS });
    return take(read, maxCount, (resolved) => fromAllReadAfter(resolved, after));
  }

  /**
   * One $all read per position, side by side (KurrentDB has no read by a set of positions): a read from a
   * position includes the event there, so the first user event read is it when it is at exactly that position.
   */
  async readPositions(positions: readonly number[]): Promise<RecordedEvent[]> {
    const wanted = [...new Set(positions)].sort((a, b) => a - b);
    for (const position of wanted) assertValidCount('position', position);
    const read = await Promise.all(
      wanted.map(async (position) => {
        if (position === 0) return undefined;
        const from: Position = { commit: BigInt(position), prepare: BigInt(position) };
        const [event] = await take(this.client.readAll({ fromPosition: from, direction: FORWARDS }), 1, (resolved) =>
          fromAllReadAfter(resolved, position - 1),
        );
        return event?.position === position ? event : undefined;
      }),
    );
    return read.filter((event): event is RecordedEvent => event !== undefined);
  }

  /**
   * Best effort, and not run against a real server here (no KurrentDB in this environment; the in-memory stand-in
   * client runs the contract): $all read forwards from `after`, the tenant and the types filtered on this side (the
   * client's readAll has no server-side filter), at most TENANT_SCAN_LIMIT events examined per call, so a tenant
   * whose events are rare in a busy log pages through it with `through`. For a heavy feed on KurrentDB, a server-side
   * projection to a stream per tenant (`$by_tenant`-style, or a category per tenant) would be the efficient read.
   */
  async readTenant(tenantId: string, options: ReadTenantOptions = {}): Promise<TenantEventsRead> {
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new RangeError('readTenant: tenantId must be a non-empty string');
    const after = options.after ?? 0;
    assertValidCount('after', after);
    const maxCount = options.maxCount ?? 1_000;
    assertValidCount('maxCount', maxCount);
    const types = options.types;
    if (types !== undefined && (!Array.isArray(types) || types.some((type) => typeof type !== 'string'))) {
      throw new RangeError('readTenant: types must be an array of strings');
    }
    const head = await this.headPosition();
    if (head <= after || maxCount === 0) return { events: [], through: after, head };
    if (types !== undefined && types.length === 0) return { events: [], through: head, head };
    const wanted = types === undefined ? undefined : new Set(types);
    const read = this.client.readAll({ fromPosition: readPositionAfter(after), direction: FORWARDS });
    const events: RecordedEvent[] = [];
    // Until the loop stops early, everything up to the head is examined.
    let through = head;
    let examined = 0;
    try {
      for await (const resolved of read) {
        const event = fromAllReadAfter(resolved, after);
        if (!event) continue;
        if (event.position > head) break;
        if (event.metadata?.tenantId === tenantId && (wanted === undefined || wanted.has(event.type))) {
          events.push(event);
          if (events.length >= maxCount) {
            through = event.position;
            break;
          }
        }
        examined += 1;
        if (examined >= TENANT_SCAN_LIMIT) {
          through = event.position;
          break;
        }
      }
    } finally {
      if (!read.readableEnded) await read.cancel().catch(() => undefined);
    }
    return { events, through, head };
  }

  /**
   * Computed from the tenant's events when asked (readTenant from the start), not kept: KurrentDB has no transaction
   * across streams to write a link with its event in (decision 0020). Proves the log unchanged since an export
   * whose head hash was kept elsewhere; not run against a real server here.
   */
  async readChain(tenantId: string, options: ReadChainOptions = {}): Promise<ChainLink[]> {
    return computeChain(this, tenantId, options);
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const after = options.after ?? 0;
    assertValidCount('after', after);
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    assertValidCount('batchSize', batchSize, 1);
    // `eventTypes` is a hint this adapter does not use: it delivers every event, in batches without `through`.
    const source = this.client.subscribeToAll({
      fromPosition: readPositionAfter(after),
      filter: excludeSystemEvents(),
    });
    const subscription = new KurrentAllSubscription(source, after, batchSize, (closed) =>
      this.subscriptions.delete(closed),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** $all backwards from its end: the first of the tenant's events met is the newest; none once `after` is reached. */
  async lastTenantPosition(tenantId: string, after: number): Promise<number | null> {
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new RangeError('lastTenantPosition: tenantId must be a non-empty string');
    assertValidCount('after', after);
    const read = this.client.readAll({ fromPosition: END, direction: BACKWARDS });
    try {
      for await (const resolved of read) {
        const event = fromAllReadAfter(resolved, 0);
        if (!event) continue;
        if (event.position <= after) return null;
        if (event.metadata?.tenantId === tenantId) return event.position;
      }
      return null;
    } finally {
      if (!read.readableEnded) await read.cancel().catch(() => undefined);
    }
  }

  async headPosition(): Promise<number> {
    const read = this.client.readAll({ fromPosition: END, direction: BACKWARDS });
    const [last] = await take(read, 1, (resolved) => fromAllReadAfter(resolved, 0));
    return last?.position ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async positionOfRevision(stream: string, revision: number): Promise<number> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`KurrentDB: appended event ${stream}@${revision} could not be read back`);
    return event.position;
  }
}

/**
 * A catch-up subscription to $all (system events filtered out by the server), batched for the port.
 * Events at or below the checkpoint are skipped, so delivery is strictly after it and never repeats.
 */
class KurrentAllSubscription implements AllSubscription {
  private readonly queue: BatchQueue<RecordedEvent>;
  private checkpoint: number;
  private closed = false;

  constructor(
    private readonly source: AllStreamSubscription,
    after: number,
    batchSize: number,
    private readonly onClose: (subscription: KurrentAllSubscription) => void,
  ) {
    this.checkpoint = after;
    this.queue = new BatchQueue<RecordedEvent>(batchSize, batchSize * 4, {
      pause: () => source.pause(),
      resume: () => source.resume(),
    });
    source.on('data', (resolved: AllStreamResolvedEvent) => this.receive(resolved));
    source.on('error', (error: Error) => this.queue.fail(error));
    source.on('end', () => this.queue.fail(new Error('KurrentDB ended the $all subscription')));
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent[]> {
    return this.queue[Symbol.asyncIterator]();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.onClose(this);
    try {
      await this.source.unsubscribe();
    } finally {
      this.source.destroy();
    }
  }

  private receive(resolved: AllStreamResolvedEvent): void {
    try {
      const event = fromAllReadAfter(resolved, this.checkpoint);
      if (!event) return;
      this.checkpoint = event.position;
      this.queue.push(event);
    } catch (error) {
      this.queue.fail(error);
    }
  }
}

/** The v6 client only parses esdb:// and esdb+discover://; KurrentDB's own schemes mean the same. */
export function toClientConnectionString(connectionString: string): string {
  return connectionString.trim().replace(/^(?:kurrentdb|kurrent|kdb)(\+discover)?:\/\//i, 'esdb$1://');
}

function toEventData(event: NewEvent) {
  const metadata = { ...event.metadata, [EVENT_ID_METADATA_KEY]: event.id };
  // The v6 client calls JSON.stringify inside a promise executor: a throw there (BigInt, cycles) leaves the
  // append pending forever and surfaces as an unhandled rejection. Serializing here first fails it cleanly.
  JSON.stringify(event.data);
  JSON.stringify(metadata);
  return jsonEvent({ id: toKurrentEventId(event.id), type: event.type, data: event.data, metadata });
}

function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1) return NO_STREAM;
  return BigInt(expected);
}

function toPortError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (!isClientError(error, WrongExpectedVersionError, ErrorType.WRONG_EXPECTED_VERSION)) return error;
  return new WrongExpectedRevisionError(stream, expected, toActualRevision(error.actualVersion));
}

/** By class, or by the client's `type` tag when another copy of the client library made the error. */
function isClientError<E extends Error>(
  error: unknown,
  errorClass: abstract new (...args: never[]) => E,
  type: ErrorType,
): error is E {
  return error instanceof errorClass || (error as { type?: unknown } | null)?.type === type;
}

function toActualRevision(actual: CurrentRevision | undefined): number | undefined {
  if (actual === NO_STREAM) return -1;
  return typeof actual === 'bigint' ? Number(actual) : undefined;
}

/** $all reads from a position include the event there; callers skip it (strictly-after semantics). */
function readPositionAfter(after: number): ReadPosition {
  if (after === 0) return START;
  const position: Position = { commit: BigInt(after), prepare: BigInt(after) };
  return position;
}

/** Collects up to `max` mapped items, then cancels the server-side read if it has not ended. */
async function take<Item>(
  read: StreamingRead<Item>,
  max: number,
  map: (item: Item) => RecordedEvent | undefined,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const item of read) {
      const event = map(item);
      if (!event) continue;
      events.push(event);
      if (events.length >= max) break;
    }
  } finally {
    if (!read.readableEnded) await read.cancel().catch(() => undefined);
  }
  return events;
}

function fromAllReadAfter(resolved: AllStreamResolvedEvent, after: number): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || isSystemEvent(event)) return undefined;
  const position = Number(event.position.commit);
  return position > after ? toRecordedEvent(event, position) : undefined;
}

function fromStreamRead(resolved: ResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const commit = event.position?.commit ?? resolved.commitPosition;
  if (commit === undefined || commit === UNKNOWN_POSITION) {
    throw new Error('KurrentDB: stream reads carry no $all position on this server; EventStoreDB 22.10+ is required');
  }
  return toRecordedEvent(event, Number(commit));
}

function isSystemEvent(event: ClientRecordedEvent): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

function toRecordedEvent(event: ClientRecordedEvent, position: number): RecordedEvent {
  if (!event.isJson) throw new Error(`KurrentDB: event ${event.streamId}@${event.revision} is not JSON`);
  const { [EVENT_ID_METADATA_KEY]: originalId, ...metadata } = (event.metadata ?? {}) as Record<string, unknown>;
  return {
    id: typeof originalId === 'string' ? originalId : event.id,
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: metadata as EventMetadata,
    streamName: event.streamId,
    revision: Number(event.revision),
    position,
    recordedAt: event.created.toISOString(),
  };
}
