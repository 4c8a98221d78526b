import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '../event-store.contract';
import { NewEvent } from '../event-store.port';
import { BatchQueue } from './batch-queue';
import { EVENT_ID_NAMESPACE, toKurrentEventId, uuidV5 } from './event-id';
import { KurrentDbEventStore, toClientConnectionString } from './kurrentdb-event-store';
import { FakeKurrentDbClient } from './testing/fake-kurrentdb-client';

/*
 * No KurrentDB server runs here. These tests check the adapter's own logic (id mapping, BigInt revisions,
 * system-event filtering, strictly-after positions, batching, close) against an in-memory stand-in of the
 * client. The real contract run is kurrentdb-event-store.spec.ts with KURRENTDB_URL set.
 */
eventStoreContract(
  'KurrentDbEventStore over an in-memory stand-in client',
  async () => new KurrentDbEventStore('kurrentdb://unused:2113', { client: new FakeKurrentDbClient() }),
);

describe('KurrentDbEventStore mapping', () => {
  it('stores UUID ids in KurrentDB and keeps the original id in metadata', async () => {
    const client = new FakeKurrentDbClient();
    const store = new KurrentDbEventStore('esdb://unused:2113', { client });
    const event = newEvent('cmd-42:0');

    await store.appendToStream('account-1', [event], 'no_stream');
    const [raw] = await readRaw(client, 'account-1');
    const [read] = await store.readStream('account-1');

    expect(raw.id).toBe(toKurrentEventId('cmd-42:0'));
    expect(raw.metadata).toEqual({ ...event.metadata, $eventId: 'cmd-42:0' });
    expect(read.id).toBe('cmd-42:0');
    expect(read.metadata).toEqual(event.metadata);
    await store.close();
  });

  it('fails an unserializable append before the client sees it (the client would hang)', async () => {
    const client = new FakeKurrentDbClient();
    const store = new KurrentDbEventStore('esdb://unused:2113', { client });
    const event = { ...newEvent('cmd-1:0'), data: { amount: BigInt(1) as unknown as number } };

    await expect(store.appendToStream('account-1', [event], 'no_stream')).rejects.toBeInstanceOf(TypeError);
    expect(client.appendCalls).toBe(0);
    await store.close();
  });

  it('hides system events from readAll and headPosition', async () => {
    const client = new FakeKurrentDbClient();
    const store = new KurrentDbEventStore('esdb://unused:2113', { client });
    expect(await store.headPosition()).toBe(0);

    const result = await store.appendToStream('account-1', [newEvent('a'), newEvent('b')], 'no_stream');

    expect((await store.readAll()).map((e) => e.streamName)).toEqual(['account-1', 'account-1']);
    expect(await store.headPosition()).toBe(result.position);
    await store.close();
  });
});

describe('toClientConnectionString', () => {
  it.each([
    ['kurrentdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['kurrent://admin:changeit@localhost:2113', 'esdb://admin:changeit@localhost:2113'],
    ['kdb://localhost:2113', 'esdb://localhost:2113'],
    ['kurrentdb+discover://cluster.local:2113', 'esdb+discover://cluster.local:2113'],
    ['esdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
  ])('maps %s to %s', (input, expected) => {
    expect(toClientConnectionString(input)).toBe(expected);
  });
});

describe('event ids', () => {
  it('computes RFC 4122 version-5 UUIDs (known vector)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('maps a non-UUID id to the same UUID every time, and different ids to different UUIDs', () => {
    expect(toKurrentEventId('cmd-1:0')).toBe(uuidV5('cmd-1:0', EVENT_ID_NAMESPACE));
    expect(toKurrentEventId('cmd-1:0')).toBe(toKurrentEventId('cmd-1:0'));
    expect(toKurrentEventId('cmd-1:1')).not.toBe(toKurrentEventId('cmd-1:0'));
  });

  it('keeps a UUID id (lower-cased)', () => {
    const id = randomUUID();
    expect(toKurrentEventId(id.toUpperCase())).toBe(id);
  });
});

describe('BatchQueue', () => {
  function queue(batchSize = 3, highWaterMark = 5) {
    const flow = { paused: 0, resumed: 0, pause: () => void flow.paused++, resume: () => void flow.resumed++ };
    return { flow, q: new BatchQueue<number>(batchSize, highWaterMark, flow) };
  }

  it('hands over what is buffered in batches of at most batchSize, then waits for more', async () => {
    const { q } = queue();
    const iterator = q[Symbol.asyncIterator]();
    [1, 2, 3, 4].forEach((n) => q.push(n));

    expect(await iterator.next()).toEqual({ done: false, value: [1, 2, 3] });
    expect(await iterator.next()).toEqual({ done: false, value: [4] });
    const waiting = iterator.next();
    q.push(5);
    expect(await waiting).toEqual({ done: false, value: [5] });
  });

  it('pauses the source at the high-water mark and resumes it once drained below', async () => {
    const { q, flow } = queue(3, 5);
    const iterator = q[Symbol.asyncIterator]();
    [1, 2, 3, 4, 5, 6].forEach((n) => q.push(n));
    expect(flow).toMatchObject({ paused: 1, resumed: 0 });

    await iterator.next();

    expect(flow).toMatchObject({ paused: 1, resumed: 1 });
  });

  it('ends a waiting consumer on close()', async () => {
    const { q } = queue();
    const iterator = q[Symbol.asyncIterator]();
    const waiting = iterator.next();

    q.close();

    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('delivers buffered items, then the source error', async () => {
    const { q } = queue();
    const iterator = q[Symbol.asyncIterator]();
    q.push(1);
    q.fail(new Error('dropped'));

    expect(await iterator.next()).toEqual({ done: false, value: [1] });
    await expect(iterator.next()).rejects.toThrow('dropped');
  });
});

function newEvent(id: string): NewEvent {
  return {
    id,
    type: 'Happened',
    data: { value: 1 },
    metadata: {
      tenantId: 't1',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'user:test',
      businessDate: '2025-01-31',
    },
  };
}

async function readRaw(client: FakeKurrentDbClient, stream: string) {
  const events: { id: string; metadata: unknown }[] = [];
  for await (const resolved of client.readStream(stream) as AsyncIterable<{ event: { id: string; metadata: unknown } }>) {
    events.push(resolved.event);
  }
  return events;
}
