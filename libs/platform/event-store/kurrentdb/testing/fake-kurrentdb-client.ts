import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type Position,
  type ReadAllOptions,
  type ReadPosition,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { KurrentDbClient } from '../kurrentdb-event-store';
import { isUuid } from '../event-id';

/**
 * An in-memory stand-in for the part of `@eventstore/db-client` the adapter uses, written after the
 * client's .d.ts files and documented server behaviour: byte-offset positions (with gaps), system events
 * interleaved in $all, UUID-only event ids, inclusive $all reads, exclusive subscription starts, BigInt
 * revisions, WrongExpectedVersionError and StreamNotFoundError. It checks the adapter's mapping logic here,
 * where no server runs; it does not replace the contract run against a real KurrentDB.
 */
interface StoredEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  created: Date;
  position: Position;
}

export class FakeKurrentDbClient {
  private readonly log: StoredEvent[] = [];
  private readonly subscribers = new Set<{ readable: Readable; after: bigint; regex?: RegExp }>();
  private nextPosition = 1000n;
  appendCalls = 0;

  constructor() {
    this.writeSystemEvent();
  }

  async appendToStream(streamName: string, events: EventData | EventData[], options: AppendToStreamOptions = {}) {
    this.appendCalls += 1;
    const list = Array.isArray(events) ? events : [events];
    // Serialize first, as the server only ever sees bytes.
    const serialized = list.map((event) => ({
      ...event,
      data: JSON.parse(JSON.stringify(event.data)),
      metadata: JSON.parse(JSON.stringify(event.metadata)),
    }));
    await Promise.resolve(); // a network hop: concurrent appends interleave here
    for (const event of serialized) {
      if (!isUuid(event.id)) throw new Error(`fake server: event id ${event.id} is not a UUID`);
    }
    const current = this.currentRevision(streamName);
    this.checkExpected(streamName, options.expectedRevision ?? ANY, current);
    let revision = current ?? -1n;
    for (const event of serialized) {
      revision += 1n;
      this.store({ ...event, streamId: streamName, revision });
      this.writeSystemEvent(); // the log is shared with the server's own events
    }
    const last = this.log.filter((e) => e.streamId === streamName).at(-1)!;
    const result: AppendResult = { success: true, nextExpectedRevision: revision, position: last.position };
    return result;
  }

  readStream(streamName: string, options: ReadStreamOptions = {}) {
    const events = this.log.filter((e) => e.streamId === streamName);
    if (events.length === 0) {
      return streaming([], new StreamNotFoundError(undefined, streamName));
    }
    const from = options.fromRevision === undefined || options.fromRevision === START ? 0n : options.fromRevision;
    const selected = events.filter((e) => e.revision >= (from as bigint)).slice(0, Number(options.maxCount ?? Infinity));
    return streaming(selected.map(resolvedFromStream));
  }

  readAll(options: ReadAllOptions = {}) {
    const from = options.fromPosition ?? START;
    this.checkPosition(from);
    let events: StoredEvent[];
    if (options.direction === BACKWARDS) {
      events = [...this.log].reverse().filter((e) => from === END || from === START || e.position.commit < from.commit);
    } else {
      events = this.log.filter((e) => from === START || (from !== END && e.position.commit >= from.commit));
    }
    return streaming(events.slice(0, Number(options.maxCount ?? Infinity)).map(resolvedFromAll));
  }

  subscribeToAll(options: SubscribeToAllOptions = {}) {
    const from = options.fromPosition ?? START;
    this.checkPosition(from);
    const after = from === START ? -1n : from === END ? this.nextPosition : from.commit;
    const filter = options.filter;
    const regex = filter && 'regex' in filter ? new RegExp(filter.regex) : undefined;
    const subscriber = { readable: new Readable({ objectMode: true, read() {} }), after, regex };
    for (const event of this.log) this.deliver(subscriber, event);
    this.subscribers.add(subscriber);
    return Object.assign(subscriber.readable, {
      unsubscribe: async () => {
        this.subscribers.delete(subscriber);
      },
    }) as unknown as ReturnType<KurrentDbClient['subscribeToAll']>;
  }

  async dispose(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.readable.destroy();
    this.subscribers.clear();
  }

  private store(event: Omit<StoredEvent, 'position' | 'created'>): void {
    const position = { commit: this.nextPosition, prepare: this.nextPosition };
    // Positions are byte offsets: increasing, with gaps.
    this.nextPosition += 137n + BigInt(JSON.stringify(event.data).length);
    const stored: StoredEvent = { ...event, position, created: new Date() };
    this.log.push(stored);
    for (const subscriber of this.subscribers) this.deliver(subscriber, stored);
  }

  private writeSystemEvent(): void {
    const stats = { streamId: '$stats-127.0.0.1:2113', id: randomUUID(), revision: 0n, type: '$statsCollected' };
    this.store({ ...stats, data: {}, metadata: {} });
  }

  private deliver(subscriber: { readable: Readable; after: bigint; regex?: RegExp }, event: StoredEvent): void {
    if (event.position.commit <= subscriber.after) return;
    if (subscriber.regex && !subscriber.regex.test(event.type)) return;
    subscriber.readable.push(resolvedFromAll(event));
  }

  /** A real server reads records at byte offsets: a position that is no record's position is an error. */
  private checkPosition(position: ReadPosition): void {
    if (position === START || position === END) return;
    const exists = this.log.some((e) => e.position.commit === position.commit && e.position.prepare === position.prepare);
    if (!exists) throw new Error(`fake server: no record at position ${position.commit}/${position.prepare}`);
  }

  private currentRevision(streamName: string): bigint | undefined {
    return this.log.filter((e) => e.streamId === streamName).at(-1)?.revision;
  }

  private checkExpected(streamName: string, expected: AppendExpectedRevision, current: bigint | undefined): void {
    const ok =
      expected === ANY ||
      (expected === NO_STREAM && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      (typeof expected === 'bigint' && expected === current);
    if (!ok) {
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current: current ?? NO_STREAM });
    }
  }
}

function recorded(event: StoredEvent) {
  return {
    streamId: event.streamId,
    id: event.id,
    isJson: true as const,
    revision: event.revision,
    type: event.type,
    created: event.created,
    data: event.data as Record<string, unknown>,
    metadata: event.metadata as Record<string, unknown>,
    position: event.position,
  };
}

function resolvedFromAll(event: StoredEvent): AllStreamResolvedEvent {
  return { event: recorded(event), commitPosition: event.position.commit };
}

function resolvedFromStream(event: StoredEvent) {
  return { event: recorded(event) };
}

/** A finished read: a Readable with the client's `cancel()`, failing with `error` if given. */
function streaming<Item>(items: Item[], error?: Error) {
  const readable = error
    ? new Readable({ objectMode: true, read() { this.destroy(error); } })
    : Readable.from(items);
  return Object.assign(readable, { cancel: async () => void readable.destroy() }) as never;
}
