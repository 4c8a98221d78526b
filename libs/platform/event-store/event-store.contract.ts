/// <reference types="jest" />
/**
 * Over 400 lines on purpose: the one contract suite of the port (one file per port, run against every adapter).
 *
 * The one contract every EventStore adapter passes. Each adapter's spec calls `eventStoreContract`.
 * Stores may be shared with other tests and writers (a real KurrentDB), so every test uses its own streams
 * and filters log-wide reads down to them. Positions passed as `after` are always 0 or positions the store
 * handed out: KurrentDB positions are byte offsets, and an arbitrary number need not be a valid one.
 */
import { randomUUID } from 'node:crypto';
import {
  AllSubscription,
  batchEnd,
  EventBatch,
  EventMetadata,
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from './event-store.port';
import { chainHash, computeChain, GENESIS_HASH } from './hash-chain';

export interface EventStoreContractOptions {
  /** Called after the store is closed (e.g. remove a temp folder). */
  cleanup?: () => Promise<void>;
  /** The store promises positions 1, 2, 3, ... with no gaps (SQLite). */
  gapFreePositions?: boolean;
  /** `appendToStreams` writes all streams in one transaction: a failure on any stream writes none (SQLite). */
  atomicMultiStreamAppends?: boolean;
}

export function eventStoreContract(
  name: string,
  makeStore: () => Promise<EventStore>,
  options: EventStoreContractOptions = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      await store?.close();
      await options.cleanup?.();
    });

    describe('appendToStream', () => {
      it('creates a stream with no_stream and reads it back in revision order', async () => {
        const stream = newStream();
        const events = [newEvent('Opened', { n: 1 }), newEvent('Renamed', { n: 2 }), newEvent('Closed', { n: 3 })];

        const result = await store.appendToStream(stream, events, 'no_stream');

        expect(result.nextExpectedRevision).toBe(2);
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.streamName, e.revision, e.id, e.type, e.data])).toEqual(
          events.map((e, i) => [stream, i, e.id, e.type, e.data]),
        );
        expect(result.position).toBe(read[2].position);
      });

      it('rejects no_stream on an existing stream with a typed error and writes nothing', async () => {
        const stream = await streamWith(1);

        const error = await rejectionOf(store.appendToStream(stream, [newEvent()], 'no_stream'));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected: 'no_stream' });
        expect([0, undefined]).toContain((error as WrongExpectedRevisionError).actual);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it.each([0, 2, 5])('rejects exact revision %i when the stream is at revision 1 and writes nothing', async (expected) => {
        const stream = await streamWith(2);

        const error = await rejectionOf(store.appendToStream(stream, [newEvent(), newEvent()], expected));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected, actual: 1 });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('rejects an exact revision on a stream that does not exist (actual -1)', async () => {
        const stream = newStream();

        const error = await rejectionOf(store.appendToStream(stream, [newEvent()], 0));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected: 0, actual: -1 });
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('appends at the exact expected revision and continues the revisions', async () => {
        const stream = await streamWith(2);

        const result = await store.appendToStream(stream, [newEvent(), newEvent()], 1);

        expect(result.nextExpectedRevision).toBe(3);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      });

      it('treats exact revision -1 as "the stream does not exist"', async () => {
        const stream = newStream();
        await store.appendToStream(stream, [newEvent()], -1);

        await expect(store.appendToStream(stream, [newEvent()], -1)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it("appends with 'any' to a new and to an existing stream", async () => {
        const stream = newStream();

        const first = await store.appendToStream(stream, [newEvent()], 'any');
        const second = await store.appendToStream(stream, [newEvent(), newEvent()], 'any');

        expect(first.nextExpectedRevision).toBe(0);
        expect(second.nextExpectedRevision).toBe(2);
        expect(second.position).toBeGreaterThan(first.position);
      });

      it('rejects an empty events array with a RangeError and writes nothing', async () => {
        const stream = newStream();

        await expect(store.appendToStream(stream, [], 'no_stream')).rejects.toBeInstanceOf(RangeError);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('writes a batch all or nothing: a batch that cannot be written leaves none of its events', async () => {
        const stream = await streamWith(1);
        const unwritable = newEvent('Broken', { amount: BigInt(1) as unknown as number });

        await expect(store.appendToStream(stream, [newEvent(), newEvent(), unwritable], 0)).rejects.toThrow();
        await expect(store.appendToStream(stream, [newEvent(), newEvent()], 'no_stream')).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );

        expect(await store.readStream(stream)).toHaveLength(1);
        const next = await store.appendToStream(stream, [newEvent()], 0);
        expect(next.nextExpectedRevision).toBe(1);
      });
    });

    describe('appendToStreams', () => {
      it('appends to several streams, each at its expected revision, and answers per stream in order', async () => {
        const [a, b, c] = [await streamWith(2), newStream(), await streamWith(1)];

        const results = await store.appendToStreams([
          { stream: a, events: [newEvent()], expectedRevision: 1 },
          { stream: b, events: [newEvent(), newEvent()], expectedRevision: 'no_stream' },
          { stream: c, events: [newEvent()], expectedRevision: 'any' },
        ]);

        expect(results.map((r) => r.nextExpectedRevision)).toEqual([2, 1, 1]);
        const read = await store.readStreams([a, b, c]);
        expect([a, b, c].map((s) => read.get(s)!.length)).toEqual([3, 2, 2]);
        expect(results.map((r) => r.position)).toEqual([a, b, c].map((s) => read.get(s)!.at(-1)!.position));
      });

      it('answers [] for no streams', async () => {
        expect(await store.appendToStreams([])).toEqual([]);
      });

      it.each([
        ['an empty events array', (s: string) => ({ stream: s, events: [], expectedRevision: 'any' as const })],
        ['a $ stream name', () => ({ stream: '$system', events: [newEvent()], expectedRevision: 'any' as const })],
        ['a stream named twice', (s: string) => ({ stream: s, events: [newEvent()], expectedRevision: 'any' as const })],
      ])('refuses %s in any part with a RangeError and writes no part', async (_case, bad) => {
        const [a, b] = [newStream(), newStream()];

        const error = await rejectionOf(
          store.appendToStreams([
            { stream: a, events: [newEvent()], expectedRevision: 'no_stream' },
            { stream: b, events: [newEvent()], expectedRevision: 'no_stream' },
            bad(a),
          ]),
        );

        expect(error).toBeInstanceOf(RangeError);
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.readStream(b)).toEqual([]);
      });

      it('writes no part when the data of a later part cannot be serialized', async () => {
        const [a, b] = [newStream(), newStream()];
        const unwritable = newEvent('Broken', { amount: BigInt(1) as unknown as number });

        await expect(
          store.appendToStreams([
            { stream: a, events: [newEvent()], expectedRevision: 'no_stream' },
            { stream: b, events: [unwritable], expectedRevision: 'no_stream' },
          ]),
        ).rejects.toThrow();

        expect(await store.readStream(a)).toEqual([]);
        expect(await store.readStream(b)).toEqual([]);
      });

      it('rejects a revision mismatch on the first stream with a typed error naming it, and writes nothing', async () => {
        const [a, b] = [await streamWith(1), newStream()];

        const error = await rejectionOf(
          store.appendToStreams([
            { stream: a, events: [newEvent()], expectedRevision: 'no_stream' },
            { stream: b, events: [newEvent()], expectedRevision: 'no_stream' },
          ]),
        );

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream: a, expected: 'no_stream' });
        expect(await store.readStream(a)).toHaveLength(1);
        expect(await store.readStream(b)).toEqual([]);
      });

      it('lets exactly one of concurrent multi-stream appends with the same expected revisions win', async () => {
        const [a, b] = [newStream(), newStream()];
        const attempt = () =>
          store.appendToStreams([
            { stream: a, events: [newEvent()], expectedRevision: 'no_stream' },
            { stream: b, events: [newEvent()], expectedRevision: 'no_stream' },
          ]);

        const settled = await Promise.allSettled([attempt(), attempt(), attempt()]);

        expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(a)).toHaveLength(1);
        expect(await store.readStream(b)).toHaveLength(1);
      });

      if (options.atomicMultiStreamAppends) {
        it('is all or nothing: a revision mismatch on the last stream leaves the earlier streams unwritten', async () => {
          const [a, b, c] = [newStream(), await streamWith(1), await streamWith(2)];

          const error = await rejectionOf(
            store.appendToStreams([
              { stream: a, events: [newEvent()], expectedRevision: 'no_stream' },
              { stream: b, events: [newEvent()], expectedRevision: 0 },
              { stream: c, events: [newEvent()], expectedRevision: 0 },
            ]),
          );

          expect(error).toMatchObject({ stream: c, expected: 0, actual: 1 });
          expect(await store.readStream(a)).toEqual([]);
          expect(await store.readStream(b)).toHaveLength(1);
          expect(await store.readStream(c)).toHaveLength(2);
        });
      }
    });

    describe('round trip', () => {
      it('keeps data, every metadata field and the id, and stamps recordedAt', async () => {
        const stream = newStream();
        const data = {
          amount: '1234.5678',
          quantity: 3,
          ratio: 0.125,
          active: true,
          note: null,
          tags: ['a', 'b'],
          nested: { currency: 'EUR', lines: [{ sku: 'X-1', price: '9.99' }] },
          text: 'Grüße, 請求書 ✓ "quoted" \\ back\nslash',
        };
        const metadata: EventMetadata = {
          ...metadataFor(),
          idempotencyKey: `idem-${randomUUID()}`,
          extra: { reason: 'custom metadata survives too' },
        };
        const event: NewEvent = { id: `cmd-${randomUUID()}:0`, type: 'InvoiceIssued', data, metadata };
        const before = Date.now();
        const head = await store.headPosition();

        await store.appendToStream(stream, [event], 'no_stream');

        const [read] = await store.readStream(stream);
        expect(read).toMatchObject({ id: event.id, type: 'InvoiceIssued', streamName: stream, revision: 0 });
        expect(read.data).toEqual(data);
        expect(read.metadata).toEqual(metadata);
        expect(read.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        // Generous bounds: a server's clock may differ a little from the test machine's.
        expect(Date.parse(read.recordedAt)).toBeGreaterThan(before - 60_000);
        expect(Date.parse(read.recordedAt)).toBeLessThan(Date.now() + 60_000);

        const [fromAll] = (await store.readAll({ after: head })).filter((e) => e.id === event.id);
        expect(fromAll).toEqual(read);
      });

      it('keeps UUID ids as they are', async () => {
        const stream = newStream();
        const id = randomUUID();

        await store.appendToStream(stream, [newEvent('Opened', {}, id)], 'no_stream');

        expect((await store.readStream(stream))[0].id).toBe(id);
      });
    });

    describe('readStream', () => {
      it('reads from a revision, at most maxCount events', async () => {
        const stream = await streamWith(5);

        expect((await store.readStream(stream, { fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 3, 4]);
        expect((await store.readStream(stream, { fromRevision: 1, maxCount: 2 })).map((e) => e.revision)).toEqual([1, 2]);
        expect((await store.readStream(stream, { maxCount: 1 })).map((e) => e.revision)).toEqual([0]);
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual([]);
        expect(await store.readStream(stream, { maxCount: 0 })).toEqual([]);
      });

      it('reads an unknown stream as []', async () => {
        expect(await store.readStream(newStream())).toEqual([]);
      });
    });

    describe('readStreams', () => {
      it('reads several streams in one call, each as readStream reads it, an unknown one as []', async () => {
        const [a, b] = [await streamWith(3), await streamWith(1)];
        await store.appendToStream(newStream(), [newEvent()], 'no_stream'); // another stream, not asked for
        const unknown = newStream();

        const read = await store.readStreams([b, unknown, a]);

        expect([...read.keys()].sort()).toEqual([a, b, unknown].sort());
        expect(read.get(a)).toEqual(await store.readStream(a));
        expect(read.get(b)).toEqual(await store.readStream(b));
        expect(read.get(a)?.map((e) => [e.streamName, e.revision])).toEqual([[a, 0], [a, 1], [a, 2]]);
        expect(read.get(unknown)).toEqual([]);
      });

      it('reads a name asked for twice once, and nothing for no names', async () => {
        const stream = await streamWith(2);

        const read = await store.readStreams([stream, stream]);

        expect(read.size).toBe(1);
        expect(read.get(stream)?.map((e) => e.revision)).toEqual([0, 1]);
        expect((await store.readStreams([])).size).toBe(0);
      });

      it('reads names with quotes, backslashes and non-ASCII characters exactly', async () => {
        const stream = `${newStream()}-"q'\\é✓`;
        await store.appendToStream(stream, [newEvent()], 'no_stream');

        const read = await store.readStreams([stream, `${stream}x`]);

        expect(read.get(stream)?.map((e) => e.streamName)).toEqual([stream]);
        expect(read.get(`${stream}x`)).toEqual([]);
      });

      it('sees what was appended before the call', async () => {
        const stream = await streamWith(1);
        expect((await store.readStreams([stream])).get(stream)).toHaveLength(1);

        await store.appendToStream(stream, [newEvent()], 0);

        expect((await store.readStreams([stream])).get(stream)?.map((e) => e.revision)).toEqual([0, 1]);
      });
    });

    describe('readAll and headPosition', () => {
      it('reads strictly after a position, in append order, with strictly increasing positions', async () => {
        const head = await store.headPosition();
        const a = newStream();
        const b = newStream();
        const appended = [
          ...(await appendAndRead(a, 2, 'no_stream')),
          ...(await appendAndRead(b, 1, 'no_stream')),
          ...(await appendAndRead(a, 1, 1)),
        ];

        const all = await store.readAll({ after: head });

        expectStrictlyIncreasing(all.map((e) => e.position));
        expect(all.every((e) => e.position > head)).toBe(true);
        const ours = all.filter((e) => e.streamName === a || e.streamName === b);
        expect(ours.map((e) => e.id)).toEqual(appended.map((e) => e.id));
        expect(ours.map((e) => e.position)).toEqual(appended.map((e) => e.position));

        const afterSecond = await store.readAll({ after: ours[1].position });
        expect(afterSecond.filter((e) => e.streamName === a || e.streamName === b).map((e) => e.id)).toEqual(
          appended.slice(2).map((e) => e.id),
        );

        if (options.gapFreePositions) {
          expect(all.map((e) => e.position)).toEqual(all.map((_, i) => head + 1 + i));
        }
      });

      it('reads at most maxCount events', async () => {
        const head = await store.headPosition();
        await streamWith(4);

        const limited = await store.readAll({ after: head, maxCount: 3 });
        const unlimited = await store.readAll({ after: head });

        expect(limited).toHaveLength(3);
        expect(limited).toEqual(unlimited.slice(0, 3));
        expect(await store.readAll({ after: head, maxCount: 0 })).toEqual([]);
      });

      it('reports the position of the last event as headPosition', async () => {
        const result = await store.appendToStream(newStream(), [newEvent(), newEvent()], 'no_stream');

        const head = await store.headPosition();

        // Another writer may share the log (a real KurrentDB), so only "at least" holds in general.
        expect(head).toBeGreaterThanOrEqual(result.position);
        if (options.gapFreePositions) {
          expect(head).toBe(result.position);
          expect(await store.readAll({ after: head })).toEqual([]);
        }
      });

      if (options.gapFreePositions) {
        it('numbers positions 1, 2, 3, ... from the start of the log', async () => {
          await streamWith(2);
          const head = await store.headPosition();

          const all = await store.readAll();

          expect(all.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
        });
      }
    });

    describe('readPositions', () => {
      it('reads the events at the positions asked for, in position order, each once, as readAll reads them', async () => {
        const head = await store.headPosition();
        const [a, b] = [newStream(), newStream()];
        await appendAndRead(a, 3, 'no_stream');
        await appendAndRead(b, 2, 'no_stream');
        const ours = (await store.readAll({ after: head })).filter((e) => e.streamName === a || e.streamName === b);
        const wanted = [ours[3], ours[0], ours[4], ours[0]].map((e) => e.position);

        const read = await store.readPositions(wanted);

        expect(read).toEqual([ours[0], ours[3], ours[4]]);
        expect(read[1].metadata).toEqual(ours[3].metadata);
        expect(await store.readPositions([])).toEqual([]);
      });

      it('refuses a number that is not a position', async () => {
        await expect(store.readPositions([-1])).rejects.toThrow(RangeError);
        await expect(store.readPositions([1.5])).rejects.toThrow(RangeError);
      });

      if (options.gapFreePositions) {
        // Only where every number is a position (SQLite): KurrentDB positions are byte offsets.
        it('leaves out a position beyond the head', async () => {
          const last = await store.appendToStream(newStream(), [newEvent()], 'no_stream');
          const beyond = (await store.headPosition()) + 1_000_000;

          const read = await store.readPositions([beyond, last.position]);

          expect(read.map((e) => e.position)).toEqual([last.position]);
        });
      }
    });

    describe('readTenant', () => {
      /** Appends `types` one event each, alternating between the tenant and another one, on streams of their own. */
      async function appendTenants(tenant: string, other: string, types: string[]): Promise<RecordedEvent[]> {
        const mine = newStream();
        const theirs = newStream();
        let revisions = [-1, -1];
        for (const [i, type] of types.entries()) {
          const own = i % 2 === 0;
          const event = { ...newEvent(type), metadata: { ...metadataFor(), tenantId: own ? tenant : other } };
          const side = own ? 0 : 1;
          await store.appendToStream(own ? mine : theirs, [event], revisions[side] === -1 ? 'no_stream' : revisions[side]);
          revisions = revisions.map((r, k) => (k === side ? r + 1 : r));
        }
        return store.readStream(mine);
      }

      it("reads only the tenant's events, in position order, strictly after a position, at most maxCount", async () => {
        const tenant = `tenant-${randomUUID()}`;
        const other = `tenant-${randomUUID()}`;
        const start = await store.headPosition();
        const mine = await appendTenants(tenant, other, ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B']);

        const all = await store.readTenant(tenant, { after: start });
        expect(all.events.map((e) => e.id)).toEqual(mine.map((e) => e.id));
        expect(all.events.map((e) => e.position)).toEqual(mine.map((e) => e.position));
        expect(all.events.every((e) => e.metadata.tenantId === tenant)).toBe(true);
        // An adapter that gives the stored data text gives exactly the data's JSON, event for event.
        if (all.storedData !== undefined) expect(all.storedData).toEqual(all.events.map((e) => JSON.stringify(e.data)));
        if (all.storedMetadata !== undefined) expect(all.storedMetadata).toEqual(all.events.map((e) => JSON.stringify(e.metadata)));
        // Read to the head: nothing of the tenant is left beyond `through`.
        expect(all.through).toBe(all.head);
        expect(all.head).toBeGreaterThanOrEqual(mine[mine.length - 1].position);

        const firstTwo = await store.readTenant(tenant, { after: start, maxCount: 2 });
        expect(firstTwo.events.map((e) => e.id)).toEqual(mine.slice(0, 2).map((e) => e.id));
        expect(firstTwo.through).toBe(mine[1].position);
        expect(firstTwo.through).toBeLessThan(firstTwo.head);

        const rest = await store.readTenant(tenant, { after: firstTwo.through });
        expect(rest.events.map((e) => e.id)).toEqual(mine.slice(2).map((e) => e.id));
        expect(await store.readTenant(tenant, { after: start, maxCount: 0 })).toMatchObject({ events: [], through: start });
        expect((await store.readTenant(`tenant-${randomUUID()}`, { after: start })).events).toEqual([]);
      });

      it('with types: only those types, paged by `through` to the same events as one read', async () => {
        const tenant = `tenant-${randomUUID()}`;
        const start = await store.headPosition();
        const mine = await appendTenants(tenant, `tenant-${randomUUID()}`, ['Wanted', 'Wanted', 'Other', 'Wanted', 'Also', 'Other', 'Wanted', 'Wanted', 'Other', 'Wanted']);
        const wanted = mine.filter((e) => e.type === 'Wanted' || e.type === 'Also');

        const one = await store.readTenant(tenant, { after: start, types: ['Wanted', 'Also'] });
        expect(one.events.map((e) => e.id)).toEqual(wanted.map((e) => e.id));
        expect(one.through).toBe(one.head);

        const paged: RecordedEvent[] = [];
        let after = start;
        for (let reads = 0; reads < 50; reads++) {
          const page = await store.readTenant(tenant, { after, maxCount: 1, types: ['Wanted', 'Also'] });
          expect(page.events.length).toBeLessThanOrEqual(1);
          expect(page.through).toBeGreaterThanOrEqual(after);
          expect(page.events.every((e) => e.position > after && e.position <= page.through)).toBe(true);
          paged.push(...page.events);
          if (page.through >= page.head) break;
          after = page.through;
        }
        expect(paged.map((e) => e.id)).toEqual(wanted.map((e) => e.id));

        // No types at all: nothing, and the whole log looked at.
        expect(await store.readTenant(tenant, { after: start, types: [] })).toMatchObject({ events: [] });
        expect((await store.readTenant(tenant, { after: start, types: ['Unheard'] })).events).toEqual([]);
      });

      it('reads nothing after the head, and refuses bad arguments with a RangeError', async () => {
        await streamWith(1);
        const head = await store.headPosition();

        expect(await store.readTenant('tenant-contract', { after: head })).toMatchObject({ events: [], through: head });
        await expect(store.readTenant('', {})).rejects.toThrow(RangeError);
        await expect(store.readTenant('tenant-contract', { after: -1 })).rejects.toThrow(RangeError);
        await expect(store.readTenant('tenant-contract', { maxCount: 1.5 })).rejects.toThrow(RangeError);
      });
    });

    describe('lastTenantPosition', () => {
      it("gives the tenant's newest position after a position, null when it has none there", async () => {
        const tenant = `tenant-${randomUUID()}`;
        const other = `tenant-${randomUUID()}`;
        const start = await store.headPosition();
        expect(await store.lastTenantPosition(tenant, 0)).toBeNull();

        const stream = newStream();
        const own = (type: string) => ({ ...newEvent(type), metadata: { ...metadataFor(), tenantId: tenant } });
        const { position: second } = await store.appendToStream(stream, [own('A'), own('B')], 'no_stream');
        const { position: theirs } = await store.appendToStream(newStream(), [{ ...newEvent('C'), metadata: { ...metadataFor(), tenantId: other } }], 'no_stream');

        // Another tenant's later event is not the tenant's.
        expect(await store.lastTenantPosition(tenant, start)).toBe(second);
        expect(await store.lastTenantPosition(tenant, second - 1)).toBe(second);
        expect(await store.lastTenantPosition(tenant, second)).toBeNull();
        expect(await store.lastTenantPosition(other, start)).toBe(theirs);
        expect(await store.lastTenantPosition(other, theirs)).toBeNull();
        expect(await store.lastTenantPosition(`tenant-${randomUUID()}`, 0)).toBeNull();
      });

      it('refuses bad arguments with a RangeError', async () => {
        await expect(store.lastTenantPosition('', 0)).rejects.toThrow(RangeError);
        await expect(store.lastTenantPosition('tenant-contract', -1)).rejects.toThrow(RangeError);
        await expect(store.lastTenantPosition('tenant-contract', 1.5)).rejects.toThrow(RangeError);
      });
    });

    describe('readChain (decision 0020)', () => {
      /** Events of the tenant (and one of another tenant between each), on a stream of their own: the tenant's as read back. */
      async function tenantEvents(tenant: string, count: number): Promise<RecordedEvent[]> {
        const mine = newStream();
        for (let i = 0; i < count; i++) {
          await store.appendToStream(mine, [{ ...newEvent(`T${i}`, { i, text: 'é "quoted" \\ ✓' }), metadata: { ...metadataFor(), tenantId: tenant } }], i === 0 ? 'no_stream' : i - 1);
          await store.appendToStream(newStream(), [{ ...newEvent(), metadata: { ...metadataFor(), tenantId: `${tenant}-other` } }], 'no_stream');
        }
        return store.readStream(mine);
      }

      it("links the tenant's events 1, 2, 3, ... in log order, each hash over the previous hash and the event", async () => {
        const tenant = `tenant-${randomUUID()}`;
        const mine = await tenantEvents(tenant, 4);
        const links = await store.readChain(tenant);
        expect(links.map((link) => [link.seq, link.position])).toEqual(mine.map((event, i) => [i + 1, event.position]));
        let previous = GENESIS_HASH;
        mine.forEach((event, i) => {
          previous = chainHash(previous, i + 1, event);
          expect(links[i].hash).toBe(previous);
        });
        // The same as computed from the tenant's events as read; paged by seq; nothing for an unknown tenant.
        expect(await computeChain(store, tenant)).toEqual(links);
        expect(await store.readChain(tenant, { afterSeq: 1, maxCount: 2 })).toEqual(links.slice(1, 3));
        expect(await store.readChain(`tenant-${randomUUID()}`)).toEqual([]);
      });

      it('links nothing for an append that failed: the next event continues the chain', async () => {
        const tenant = `tenant-${randomUUID()}`;
        const [first] = await tenantEvents(tenant, 1);
        const rejected = await rejectionOf(store.appendToStream(first.streamName, [{ ...newEvent(), metadata: { ...metadataFor(), tenantId: tenant } }], 'no_stream'));
        expect(rejected).toBeInstanceOf(WrongExpectedRevisionError);
        await store.appendToStream(first.streamName, [{ ...newEvent('After'), metadata: { ...metadataFor(), tenantId: tenant } }], 0);
        const [, second] = await store.readStream(first.streamName);
        const links = await store.readChain(tenant);
        expect(links.map((link) => link.seq)).toEqual([1, 2]);
        expect(links[1]).toEqual({ position: second.position, seq: 2, hash: chainHash(links[0].hash, 2, second) });
      });

      it('verifies the kept chain against the events where the adapter has verifyChain: no break on an untouched log', async () => {
        const tenant = `tenant-${randomUUID()}`;
        const mine = await tenantEvents(tenant, 5);
        if (!store.verifyChain) return; // optional: a caller without it verifies with readTenant and readChain
        const links = await store.readChain(tenant);
        expect(await store.verifyChain(tenant, { through: mine[4].position, maxBreaks: 10 })).toEqual({ links: 5, head: links[4].hash, breaks: [], truncated: false });
        // Through an earlier position: only the events up to it; an unknown tenant has no events and no break.
        expect(await store.verifyChain(tenant, { through: mine[2].position, maxBreaks: 10 })).toEqual({ links: 3, head: links[2].hash, breaks: [], truncated: false });
        expect(await store.verifyChain(`tenant-${randomUUID()}`, { through: mine[4].position, maxBreaks: 10 })).toEqual({ links: 0, head: GENESIS_HASH, breaks: [], truncated: false });
        await expect(store.verifyChain('', { through: 1, maxBreaks: 1 })).rejects.toThrow(RangeError);
        await expect(store.verifyChain(tenant, { through: -1, maxBreaks: 1 })).rejects.toThrow(RangeError);
      });

      it('refuses bad arguments with a RangeError', async () => {
        await expect(store.readChain('')).rejects.toThrow(RangeError);
        await expect(store.readChain('tenant-contract', { afterSeq: -1 })).rejects.toThrow(RangeError);
        await expect(store.readChain('tenant-contract', { maxCount: 1.5 })).rejects.toThrow(RangeError);
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of many concurrent appends with the same expected revision win', async () => {
        const stream = newStream();
        const attempts = Array.from({ length: 10 }, (_, i) => [newEvent('Attempt', { i }), newEvent('Attempt', { i })]);

        const outcomes = await Promise.allSettled(attempts.map((events) => store.appendToStream(stream, events, 'no_stream')));

        const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect((await store.readStream(stream)).map((e) => e.id)).toEqual(attempts[winners[0]].map((e) => e.id));

        const next = await Promise.allSettled(attempts.map((_, i) => store.appendToStream(stream, [newEvent('Next', { i })], 1)));
        expect(next.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('commits concurrent appends to different streams, each with its own position', async () => {
        const streams = Array.from({ length: 50 }, () => newStream());
        const events = streams.map(() => newEvent());

        const results = await Promise.all(streams.map((stream, i) => store.appendToStream(stream, [events[i]], 'no_stream')));

        expect(new Set(results.map((r) => r.position)).size).toBe(streams.length);
        expect(results.every((r) => r.nextExpectedRevision === 0)).toBe(true);
        for (const [i, stream] of streams.entries()) {
          const read = await store.readStream(stream);
          expect(read.map((e) => [e.id, e.position])).toEqual([[events[i].id, results[i].position]]);
        }
      });

      it('fails only the conflicting append among concurrent ones', async () => {
        const existing = await streamWith(1);
        const fresh = newStream();

        const [ok, conflict, alsoOk] = await Promise.allSettled([
          store.appendToStream(fresh, [newEvent()], 'no_stream'),
          store.appendToStream(existing, [newEvent(), newEvent()], 'no_stream'),
          store.appendToStream(existing, [newEvent()], 0),
        ]);

        expect(ok.status).toBe('fulfilled');
        expect(conflict.status).toBe('rejected');
        expect(alsoOk.status).toBe('fulfilled');
        expect(await store.readStream(existing)).toHaveLength(2);
        expect(await store.readStream(fresh)).toHaveLength(1);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from a checkpoint, then receives live events, in order, once, in bounded batches', async () => {
        const stream = newStream();
        const before = await appendAndRead(stream, 3, 'no_stream');
        const checkpoint = before[0].position;
        const subscription = store.subscribeToAll({ after: checkpoint, batchSize: 2 });
        const consumer = consume(subscription, (e) => e.streamName === stream);

        await consumer.waitFor(2);
        expect(consumer.events.map((e) => e.id)).toEqual(before.slice(1).map((e) => e.id));

        const live = await appendAndRead(stream, 3, 2);
        await consumer.waitFor(5);
        await subscription.close();
        await consumer.ended;

        expect(consumer.events.map((e) => e.id)).toEqual([...before.slice(1), ...live].map((e) => e.id));
        expect(consumer.all.every((e) => e.position > checkpoint)).toBe(true);
        expectStrictlyIncreasing(consumer.all.map((e) => e.position));
        expect(Math.max(...consumer.batchSizes)).toBeLessThanOrEqual(2);
        if (options.gapFreePositions) {
          expect(consumer.all.map((e) => e.position)).toEqual(consumer.all.map((_, i) => checkpoint + 1 + i));
        }
      });

      it('delivers appends made while the subscription is idle', async () => {
        const head = await store.headPosition();
        const stream = newStream();
        const subscription = store.subscribeToAll({ after: head });
        const consumer = consume(subscription, (e) => e.streamName === stream);
        await sleep(50);

        for (let i = 0; i < 3; i++) await store.appendToStream(stream, [newEvent()], i === 0 ? 'no_stream' : i - 1);
        await consumer.waitFor(3);
        await subscription.close();
        await consumer.ended;

        expect(consumer.events.map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('with eventTypes: every event of those types, in order, once; batches read through to the head', async () => {
        const stream = newStream();
        const head = await store.headPosition();
        const appended: RecordedEvent[] = [];
        for (let i = 0; i < 7; i++) {
          const type = i % 3 === 0 ? 'Wanted' : 'Other';
          await store.appendToStream(stream, [newEvent(type)], i === 0 ? 'no_stream' : i - 1);
        }
        appended.push(...(await store.readStream(stream)));
        const subscription = store.subscribeToAll({ after: head, batchSize: 2, eventTypes: ['Wanted'] });
        const ends: number[] = [];
        const consumer = consume(subscription, (e) => e.streamName === stream && e.type === 'Wanted', (batch) => ends.push(batchEnd(batch)));
        await consumer.waitFor(3);
        // The log's last event is an Other: the subscription still reads through it.
        const last = appended[appended.length - 1].position;
        const deadline = Date.now() + 5_000;
        while (Math.max(0, ...ends) < last && Date.now() < deadline) await sleep(5);
        await subscription.close();
        await consumer.ended;

        expect(consumer.events.map((e) => e.id)).toEqual(appended.filter((e) => e.type === 'Wanted').map((e) => e.id));
        expect(Math.max(...ends)).toBeGreaterThanOrEqual(last);
        expectStrictlyIncreasing(ends);
        expectStrictlyIncreasing(consumer.all.map((e) => e.position));
        expect(Math.max(...consumer.batchSizes)).toBeLessThanOrEqual(2);
        // Every event a batch holds lies within what it read through.
        expect(consumer.all.every((e) => e.position > head)).toBe(true);
      });

      it('with eventTypes: an idle subscription moves past appends of other types', async () => {
        const head = await store.headPosition();
        const subscription = store.subscribeToAll({ after: head, eventTypes: ['NeverAppended'] });
        const ends: number[] = [];
        const consumer = consume(subscription, () => true, (batch) => ends.push(batchEnd(batch)));
        await sleep(50);
        const stream = newStream();
        const result = await store.appendToStream(stream, [newEvent('Other'), newEvent('Other')], 'no_stream');
        const deadline = Date.now() + 5_000;
        while (Math.max(0, ...ends) < result.position && Date.now() < deadline) await sleep(5);
        await subscription.close();
        await consumer.ended;

        expect(consumer.events.filter((e) => e.type === 'NeverAppended')).toEqual([]);
        expect(Math.max(...ends)).toBeGreaterThanOrEqual(result.position);
      });

      it('ends a pending for-await promptly on close()', async () => {
        const subscription = store.subscribeToAll({ after: await store.headPosition() });
        const consumer = consume(subscription, () => true);
        await sleep(50);

        const started = Date.now();
        await subscription.close();
        await consumer.ended;

        expect(Date.now() - started).toBeLessThan(1_000);
      });
    });

    // Helpers (closures over `store`).

    async function streamWith(count: number): Promise<string> {
      const stream = newStream();
      await store.appendToStream(stream, Array.from({ length: count }, () => newEvent()), 'no_stream');
      return stream;
    }

    async function appendAndRead(
      stream: string,
      count: number,
      expected: 'no_stream' | number,
    ): Promise<RecordedEvent[]> {
      const result = await store.appendToStream(stream, Array.from({ length: count }, () => newEvent()), expected);
      return store.readStream(stream, { fromRevision: result.nextExpectedRevision - count + 1 });
    }
  });
}

function newStream(): string {
  return `contract-${randomUUID().replace(/-/g, '')}`;
}

function metadataFor(): EventMetadata {
  return {
    tenantId: 'tenant-contract',
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'user:contract-test',
    businessDate: '2025-03-31',
  };
}

/** Ids like the application's: deterministic-looking strings, not UUIDs (exercises adapters that need UUIDs). */
function newEvent(type = 'Happened', data: Record<string, unknown> = {}, id = `cmd-${randomUUID()}:0`): NewEvent {
  return { id, type, data: { ...data, marker: randomUUID() }, metadata: metadataFor() };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

function expectStrictlyIncreasing(values: number[]): void {
  values.slice(1).forEach((value, i) => expect(value).toBeGreaterThan(values[i]));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Consumer {
  /** Events that passed the filter. */
  events: RecordedEvent[];
  /** Every event received. */
  all: RecordedEvent[];
  batchSizes: number[];
  ended: Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

/** Runs a `for await` over the subscription in the background and records what it gets. */
function consume(subscription: AllSubscription, keep: (event: RecordedEvent) => boolean, onBatch?: (batch: EventBatch) => void): Consumer {
  const consumer: Consumer = {
    events: [],
    all: [],
    batchSizes: [],
    ended: Promise.resolve(),
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (consumer.events.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`subscription delivered ${consumer.events.length} of ${count} expected events`);
        }
        await sleep(5);
      }
    },
  };
  consumer.ended = (async () => {
    for await (const batch of subscription) {
      onBatch?.(batch);
      consumer.batchSizes.push(batch.length);
      consumer.all.push(...batch);
      consumer.events.push(...batch.filter(keep));
    }
  })();
  return consumer;
}
