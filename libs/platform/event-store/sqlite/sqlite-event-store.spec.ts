import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../event-store.contract';
import { EventStore, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '../event-store.port';
import { createEventStore } from '../index';
import { SqliteEventStore } from './sqlite-event-store';
import { computeChain } from '../hash-chain';

const contractDir = mkdtempSync(join(tmpdir(), 'event-store-contract-'));

eventStoreContract('SqliteEventStore (file)', async () => new SqliteEventStore({ file: join(contractDir, 'events.sqlite') }), {
  gapFreePositions: true,
  atomicMultiStreamAppends: true,
  cleanup: async () => rmSync(contractDir, { recursive: true, force: true }),
});

describe('SqliteEventStore', () => {
  let dir: string;
  const opened: EventStore[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'event-store-sqlite-'));
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Makes SQLite refuse every event of `type` (a trigger, added through a connection of its own): an append fails half-way. */
  function failInsertsOf(type: string): void {
    const raw = new Database(join(dir, 'events.sqlite'));
    raw.exec(`CREATE TRIGGER refuse_${type} BEFORE INSERT ON events WHEN NEW.type = '${type}' BEGIN SELECT RAISE(ABORT, 'boom'); END;`);
    raw.close();
  }

  function open(options: Partial<ConstructorParameters<typeof SqliteEventStore>[0]> = {}): SqliteEventStore {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), ...options });
    opened.push(store);
    return store;
  }

  describe('durability', () => {
    it('runs in WAL mode with synchronous=FULL', () => {
      expect(open().durabilitySettings()).toEqual({ journalMode: 'wal', synchronous: 2 });
    });

    it('creates the parent folder of the file', async () => {
      const file = join(dir, 'nested', 'deeper', 'events.sqlite');
      const store = open({ file });

      await store.appendToStream('account-1', [newEvent()], 'no_stream');

      expect(existsSync(file)).toBe(true);
    });

    it('creates the file and its WAL files 0600 and the folders it makes 0700; tightens files of an older version', async () => {
      const mode = (path: string) => statSync(path).mode & 0o777;
      const file = join(dir, 'private', 'events.sqlite');
      await open({ file }).appendToStream('account-1', [newEvent()], 'no_stream');

      expect([file, `${file}-wal`, `${file}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      expect(mode(join(dir, 'private'))).toBe(0o700);

      const old = join(dir, 'events.sqlite');
      await open({ file: old }).close();
      for (const path of [old, `${old}-wal`, `${old}-shm`]) if (existsSync(path)) chmodSync(path, 0o644);
      const reopened = open({ file: old });
      await reopened.appendToStream('account-1', [newEvent()], 'no_stream');
      expect([old, `${old}-wal`, `${old}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
    });

    it('keeps the data when the file is reopened, and continues the positions', async () => {
      const first = open();
      await first.appendToStream('account-1', [newEvent(), newEvent()], 'no_stream');
      const before = await first.readAll();
      await first.close();

      const reopened = open();

      expect(await reopened.readAll()).toEqual(before);
      expect(await reopened.headPosition()).toBe(2);
      const next = await reopened.appendToStream('account-1', [newEvent()], 1);
      expect(next).toEqual({ nextExpectedRevision: 2, position: 3 });
    });

    it('commits queued appends on close, and rejects appends after it', async () => {
      const store = open();
      const pending = store.appendToStream('account-1', [newEvent()], 'no_stream');

      await store.close();

      await expect(pending).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
      await expect(store.appendToStream('account-1', [newEvent()], 0)).rejects.toThrow('closed');
      const reopened = open();
      expect(await reopened.readStream('account-1')).toHaveLength(1);
    });
  });

  describe('several processes on one file', () => {
    it('sees events appended by another instance through readAll', async () => {
      const writer = open();
      const reader = open();

      await writer.appendToStream('account-1', [newEvent(), newEvent()], 'no_stream');

      expect((await reader.readAll()).map((e) => e.revision)).toEqual([0, 1]);
      expect(await reader.headPosition()).toBe(2);
    });

    it("delivers another instance's appends to a live subscription by polling", async () => {
      const writer = open();
      const reader = open({ pollIntervalMs: 20 });
      await writer.appendToStream('account-1', [newEvent()], 'no_stream');
      const subscription = reader.subscribeToAll();
      const received: RecordedEvent[] = [];
      const loop = (async () => {
        for await (const batch of subscription) received.push(...batch);
      })();

      await waitUntil(() => received.length === 1);
      await writer.appendToStream('account-1', [newEvent(), newEvent()], 0);
      await waitUntil(() => received.length === 3);
      await subscription.close();
      await loop;

      expect(received.map((e) => e.position)).toEqual([1, 2, 3]);
    });

    it("wakes another connection's idle subscription at once when told of a commit (onCommitted → wakeSubscriptions)", async () => {
      const writer = open();
      const reader = open({ pollIntervalMs: 60_000 }); // polling alone would wait a minute
      writer.onCommitted(() => reader.wakeSubscriptions());
      const commits: number[] = [];
      const unregister = writer.onCommitted(() => commits.push(1));
      const subscription = reader.subscribeToAll();
      const received: RecordedEvent[] = [];
      const loop = (async () => {
        for await (const batch of subscription) received.push(...batch);
      })();

      await new Promise((resolve) => setTimeout(resolve, 20)); // the subscription read nothing and sleeps
      await writer.appendToStream('account-1', [newEvent(), newEvent()], 'no_stream');
      await waitUntil(() => received.length === 2, 2_000);
      expect(commits).toHaveLength(1);
      unregister();
      await writer.appendToStream('account-1', [newEvent()], 1);
      await waitUntil(() => received.length === 3, 2_000);
      expect(commits).toHaveLength(1); // unregistered
      // A refused append commits nothing new: no call.
      await expect(writer.appendToStream('account-1', [newEvent()], 0)).rejects.toThrow(WrongExpectedRevisionError);
      await subscription.close();
      await loop;
      expect(received.map((e) => e.position)).toEqual([1, 2, 3]);
    });

    it('keeps positions gap-free when two instances append concurrently', async () => {
      const a = open();
      const b = open();

      await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).appendToStream(`account-${i}`, [newEvent()], 'no_stream')),
      );

      expect((await a.readAll()).map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });
  });

  describe('group commit', () => {
    it('commits concurrent appends in one transaction', async () => {
      const store = open();

      await Promise.all(Array.from({ length: 100 }, (_, i) => store.appendToStream(`account-${i}`, [newEvent()], 'no_stream')));

      expect(store.stats).toEqual({ commits: 1, appends: 100, events: 100, isolatedRetries: 0 });
    });

    it('commits at once when the queue reaches maxBatchAppends', async () => {
      const store = open({ maxBatchAppends: 10 });

      await Promise.all(Array.from({ length: 35 }, (_, i) => store.appendToStream(`account-${i}`, [newEvent()], 'no_stream')));

      expect(store.stats.commits).toBe(4);
      expect(store.stats.appends).toBe(35);
    });

    it('rolls back only the failing append of a group, leaving no partial events and no position gaps', async () => {
      const store = open();
      await store.appendToStream('existing', [newEvent()], 'no_stream');
      await store.appendToStream('taken', [newEvent()], 'no_stream');
      failInsertsOf('Boom');
      const commitsBefore = store.stats.commits;

      const outcomes = await Promise.allSettled([
        store.appendToStream('a', [newEvent()], 'no_stream'),
        // Fails on its third insert (SQLite refuses it): its first two inserts must be rolled back.
        store.appendToStream('b', [newEvent(), newEvent(), { ...newEvent(), type: 'Boom' }], 'no_stream'),
        store.appendToStream('existing', [newEvent()], 'no_stream'),
        store.appendToStream('c', [newEvent()], 'no_stream'),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('boom');
      expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(store.stats.commits).toBe(commitsBefore + 1);
      // 'b' fails once it has written: the group is rolled back and committed again, isolated.
      expect(store.stats.isolatedRetries).toBe(1);
      expect(await store.readStream('b')).toEqual([]);
      expect((await store.readAll()).map((e) => [e.position, e.streamName])).toEqual([
        [1, 'existing'],
        [2, 'taken'],
        [3, 'a'],
        [4, 'c'],
      ]);
    });

    it('fails a multi-stream append whose later stream conflicts before it writes anything: no retry of the group', async () => {
      const store = open();
      await store.appendToStream('moved-on', [newEvent()], 'no_stream');

      const [conflicting, other] = await Promise.allSettled([
        store.appendToStreams([
          { stream: 'fresh', events: [newEvent()], expectedRevision: 'no_stream' },
          { stream: 'moved-on', events: [newEvent()], expectedRevision: 'no_stream' },
        ]),
        store.appendToStream('other', [newEvent()], 'no_stream'),
      ]);

      expect((conflicting as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(other).toEqual({ status: 'fulfilled', value: { nextExpectedRevision: 0, position: 2 } });
      expect(await store.readStream('fresh')).toEqual([]);
      expect(store.stats).toMatchObject({ commits: 2, isolatedRetries: 0 });
    });

    it('sees earlier appends of the same group when checking revisions', async () => {
      const store = open();

      const results = await Promise.all([
        store.appendToStream('account-1', [newEvent()], 'no_stream'),
        store.appendToStream('account-1', [newEvent()], 0),
        store.appendToStream('account-1', [newEvent()], 1),
      ]);

      expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 1, 2]);
      expect(store.stats.commits).toBe(1);
    });

    it('rejects events that cannot be serialized in the caller alone', async () => {
      const store = open();
      const circular: Record<string, unknown> = {};
      circular.self = circular;

      const [bad, good] = await Promise.allSettled([
        store.appendToStream('bad', [{ ...newEvent(), data: circular }], 'no_stream'),
        store.appendToStream('good', [newEvent()], 'no_stream'),
      ]);

      expect(bad.status).toBe('rejected');
      expect(good).toEqual({ status: 'fulfilled', value: { nextExpectedRevision: 0, position: 1 } });
    });
  });

  describe('subscriptions with eventTypes', () => {
    it('filters in the query: other types never reach the consumer; empty batches carry through', async () => {
      const store = open();
      const typed = (type: string): NewEvent => ({ ...newEvent(), type });
      await store.appendToStream('s-1', [typed('A'), typed('B'), typed('B'), typed('A'), typed('B')], 'no_stream');
      const subscription = store.subscribeToAll({ eventTypes: ['A'], batchSize: 10 });
      const batches: Array<{ types: string[]; through: number | undefined }> = [];
      const done = (async () => {
        for await (const batch of subscription) batches.push({ types: batch.map((e) => e.type), through: batch.through });
      })();
      await waitUntil(() => batches.length === 1);
      await store.appendToStream('s-1', [typed('B')], 4);
      await waitUntil(() => batches.length === 2);
      await subscription.close();
      await done;
      expect(batches).toEqual([
        { types: ['A', 'A'], through: 5 },
        { types: [], through: 6 },
      ]);
    });
  });

  describe('live subscriptions share one read of the tail (RecentEvents)', () => {
    it('gives each subscription its types from the same frozen events; a consumer cannot change what the next reads', async () => {
      const store = open();
      const typed = (type: string): NewEvent => ({ ...newEvent(), type, data: { nested: { amount: 1 } } });
      await store.appendToStream('s-1', [typed('A'), typed('B'), typed('A')], 'no_stream');
      const firstBatch = async (eventTypes?: string[]) => {
        const subscription = store.subscribeToAll({ eventTypes, batchSize: 10 });
        for await (const batch of subscription) {
          await subscription.close();
          return batch;
        }
        throw new Error('no batch');
      };
      const [onlyA, onlyB, all] = [await firstBatch(['A']), await firstBatch(['B']), await firstBatch()];
      expect([onlyA.map((e) => e.position), onlyB.map((e) => e.position), all.map((e) => e.position)]).toEqual([[1, 3], [2], [1, 2, 3]]);
      expect(all[0]).toBe(onlyA[0]); // one object, read and parsed once
      expect(() => {
        (all[0].data.nested as { amount: number }).amount = 2;
      }).toThrow(TypeError);
      expect(() => {
        (all[0].metadata as { tenantId: string }).tenantId = 'other';
      }).toThrow(TypeError);
      expect(onlyA[0].data).toEqual({ nested: { amount: 1 } });
    });
  });

  describe('arguments', () => {
    it.each([
      ['a stream name starting with $', '$all', [newEvent()], 'any'],
      ['a type starting with $', 'account-1', [{ ...newEvent(), type: '$metadata' }], 'any'],
      ['a negative expected revision below -1', 'account-1', [newEvent()], -2],
      ['a fractional expected revision', 'account-1', [newEvent()], 0.5],
      ['an event without id', 'account-1', [{ ...newEvent(), id: '' }], 'any'],
    ] as const)('rejects %s with a RangeError', async (_, stream, events, expected) => {
      const store = open();

      await expect(store.appendToStream(stream, [...events] as NewEvent[], expected as never)).rejects.toBeInstanceOf(RangeError);
      expect(await store.headPosition()).toBe(0);
    });
  });

  describe('clock and empty log', () => {
    it('stamps recordedAt from the injected clock', async () => {
      const store = open({ now: () => new Date('2025-01-31T23:59:59.123Z') });

      await store.appendToStream('account-1', [newEvent()], 'no_stream');

      expect((await store.readStream('account-1'))[0].recordedAt).toBe('2025-01-31T23:59:59.123Z');
    });

    it('reads an empty log as head 0 and no events', async () => {
      const store = open();

      expect(await store.headPosition()).toBe(0);
      expect(await store.readAll()).toEqual([]);
    });

    it('subscribes from the start of the log by default and ends all subscriptions on close', async () => {
      const store = open();
      await store.appendToStream('account-1', [newEvent(), newEvent()], 'no_stream');
      const received: RecordedEvent[] = [];
      const loop = (async () => {
        for await (const batch of store.subscribeToAll()) received.push(...batch);
      })();

      await waitUntil(() => received.length === 2);
      await store.close();
      await loop;

      expect(received.map((e) => e.position)).toEqual([1, 2]);
    });

    it("wakes a subscription on this process's appends without waiting for the poll", async () => {
      const store = open({ pollIntervalMs: 60_000 });
      const subscription = store.subscribeToAll();
      const received: RecordedEvent[] = [];
      const loop = (async () => {
        for await (const batch of subscription) received.push(...batch);
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));

      await store.appendToStream('account-1', [newEvent()], 'no_stream');
      await waitUntil(() => received.length === 1, 1_000);
      await subscription.close();
      await loop;
    });

    it('works in memory', async () => {
      const store = new SqliteEventStore({ file: ':memory:' });
      opened.push(store);

      await store.appendToStream('account-1', [newEvent()], 'no_stream');

      expect(await store.headPosition()).toBe(1);
    });
  });

  describe('readTenant', () => {
    const of = (tenantId: string, type: string): NewEvent => ({ ...newEvent(), type, metadata: { ...newEvent().metadata, tenantId } });

    it('with types, examines at most tenantScanLimit of the tenant\'s events per call, and `through` pages on past them', async () => {
      const store = open({ tenantScanLimit: 3 });
      // t1: 7 usage events, then one published; t2's events in between.
      const appended = [...Array.from({ length: 7 }, () => of('t1', 'UsageRecorded')), of('t2', 'Wanted'), of('t1', 'Wanted')];
      for (const [i, event] of appended.entries()) await store.appendToStream(`s-${i}`, [event], 'no_stream');

      const first = await store.readTenant('t1', { types: ['Wanted'], maxCount: 1 });
      expect(first).toMatchObject({ events: [], through: 3, head: 9 });
      const second = await store.readTenant('t1', { after: first.through, types: ['Wanted'], maxCount: 1 });
      expect(second).toMatchObject({ events: [], through: 6, head: 9 });
      const third = await store.readTenant('t1', { after: second.through, types: ['Wanted'], maxCount: 1 });
      expect(third.events.map((e) => [e.position, e.type, e.metadata.tenantId])).toEqual([[9, 'Wanted', 't1']]);
      expect(third.through).toBe(9);
    });

    it('uses the tenant index, which a file from before it is given when first opened', async () => {
      const file = join(dir, 'events.sqlite');
      const before = open({ file });
      await before.appendToStream('s-1', [of('t1', 'A'), of('t2', 'A'), of('t1', 'B')], 'no_stream');
      await before.close();
      // A file as the previous version left it: no tenant index.
      const raw = new Database(file);
      raw.exec('DROP INDEX events_tenant_position');
      raw.pragma('user_version = 0'); // as a file from before versioned migrations
      raw.close();

      const store = open({ file });
      expect((await store.readTenant('t1')).events.map((e) => e.type)).toEqual(['A', 'B']);
      const check = new Database(file, { readonly: true });
      const plan = check
        .prepare("EXPLAIN QUERY PLAN SELECT position FROM events WHERE json_extract(metadata, '$.tenantId') = ? AND position > ? ORDER BY position")
        .all('t1', 0) as Array<{ detail: string }>;
      check.close();
      expect(plan.map((row) => row.detail).join(' ')).toContain('events_tenant_position');
    });
  });

  describe('schema version 4: no unique index on the event id (decision 0030)', () => {
    it('copies the events of a file from before, positions and chain intact, and then takes an id a second time', async () => {
      const store = open();
      for (let i = 0; i < 5; i++) await store.appendToStream(`s-${i}`, [newEvent(), newEvent()], 'no_stream');
      const before = await store.readAll();
      const chain = await store.readChain('t1');
      await store.close();
      // Back to version 3's table: the id UNIQUE, as every file written before this version has it.
      const raw = new Database(join(dir, 'events.sqlite'));
      raw.exec(`
        CREATE TABLE events_v3 (position INTEGER PRIMARY KEY, stream_name TEXT NOT NULL, revision INTEGER NOT NULL,
          id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL);
        INSERT INTO events_v3 SELECT * FROM events;
        DROP TABLE events;
        ALTER TABLE events_v3 RENAME TO events;
        CREATE UNIQUE INDEX events_stream_revision ON events (stream_name, revision);
        CREATE INDEX events_tenant_position ON events (json_extract(metadata, '$.tenantId'), position, type);
        PRAGMA user_version = 3;`);
      const uniqueIndexes = () => (raw.prepare("SELECT name FROM pragma_index_list('events') WHERE \"unique\" = 1 ORDER BY name").pluck().all() as string[]);
      expect(uniqueIndexes()).toEqual(['events_stream_revision', 'sqlite_autoindex_events_1']);

      const reopened = open();

      expect(uniqueIndexes()).toEqual(['events_stream_revision']);
      expect(raw.pragma('user_version', { simple: true })).toBe(4);
      raw.close();
      expect(await reopened.readAll()).toEqual(before);
      expect(await reopened.readChain('t1')).toEqual(chain);
      expect(await reopened.verifyChain('t1', { through: await reopened.headPosition(), maxBreaks: 10 })).toMatchObject({ links: 10, breaks: [] });
      expect((await reopened.readTenant('t1')).events).toHaveLength(10);
      // An id already in the log is no longer refused (nothing relies on it: the (stream, revision) index refuses a repeat).
      await expect(reopened.appendToStream('s-again', [{ ...newEvent(), id: before[0].id }], 'no_stream')).resolves.toEqual({ nextExpectedRevision: 0, position: 11 });
    });
  });

  describe('hash chain (decision 0020)', () => {
    it('links the events of a data folder from before the chain on first open, as if they had been linked on append', async () => {
      const store = open();
      for (let i = 0; i < 5; i++) await store.appendToStream(`s-${i}`, [newEvent(), newEvent()], 'no_stream');
      const linked = await store.readChain('t1');
      await store.close();
      const raw = new Database(join(dir, 'events.sqlite'));
      raw.exec('DROP TABLE event_chain');
      raw.pragma('user_version = 0'); // as a file from before versioned migrations
      raw.close();
      const reopened = open();
      expect(await reopened.readChain('t1')).toEqual(linked);
      expect(linked.map((link) => link.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // And appends go on from there.
      await reopened.appendToStream('s-next', [newEvent()], 'no_stream');
      expect((await reopened.readChain('t1', { afterSeq: 10 })).map((link) => link.seq)).toEqual([11]);
    });

    it('links the events of one group commit in order per tenant, whether the group went through at once or again isolated', async () => {
      const store = open();
      await store.appendToStream('first', [newEvent()], 'no_stream');
      failInsertsOf('Boom');
      const of = (tenantId: string): NewEvent => ({ ...newEvent(), metadata: { ...newEvent().metadata, tenantId } });
      const group = () => Array.from({ length: 10 }, (_, i) => store.appendToStream(`s-${randomUUID()}`, [of(i % 2 ? 't1' : 't2'), of('t2')], 'no_stream'));

      await Promise.all(group());
      // The next group has an append that fails half-way: it is rolled back and committed again isolated.
      const outcomes = await Promise.allSettled([...group(), store.appendToStream('half', [of('t1'), { ...of('t1'), type: 'Boom' }], 'no_stream')]);

      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
      expect(store.stats.isolatedRetries).toBe(1);
      const head = await store.headPosition();
      for (const tenantId of ['t1', 't2']) {
        const chain = await store.readChain(tenantId);
        expect(chain.map((link) => link.seq)).toEqual(chain.map((_, i) => i + 1));
        expect(await computeChain(store, tenantId)).toEqual(chain);
        expect(await store.verifyChain(tenantId, { through: head, maxBreaks: 10 })).toMatchObject({ links: chain.length, breaks: [] });
      }
      expect(await store.readChain('t1')).toHaveLength(1 + 10);
      expect(await store.readChain('t2')).toHaveLength(30);
    });

    it('keeps the hash written on append: an event changed in the file later no longer matches it', async () => {
      const store = open();
      await store.appendToStream('s', [newEvent(), newEvent(), newEvent()], 'no_stream');
      const kept = await store.readChain('t1');
      expect(await computeChain(store, 't1')).toEqual(kept);
      const raw = new Database(join(dir, 'events.sqlite'));
      raw.prepare("UPDATE events SET data = '{\"value\":2}' WHERE position = ?").run(kept[1].position);
      raw.close();
      const recomputed = await computeChain(store, 't1');
      expect(recomputed[0]).toEqual(kept[0]);
      expect(recomputed[1].hash).not.toBe(kept[1].hash);
      expect(recomputed[2].hash).not.toBe(kept[2].hash);
      expect(await store.readChain('t1')).toEqual(kept);
    });
  });

  describe('verifyChain (decision 0028): on the chain thread, a connection of its own', () => {
    it('reports an event changed in the file at its seq (and every later link), and a removed event', async () => {
      const store = open();
      await store.appendToStream('s', [newEvent(), newEvent(), newEvent(), newEvent()], 'no_stream');
      const kept = await store.readChain('t1');
      const head = await store.headPosition();
      expect(await store.verifyChain('t1', { through: head, maxBreaks: 10 })).toMatchObject({ links: 4, head: kept[3].hash, breaks: [] });
      const raw = new Database(join(dir, 'events.sqlite'));
      raw.prepare("UPDATE events SET data = '{\"value\":2}' WHERE position = ?").run(kept[1].position);
      raw.close();
      const changed = await store.verifyChain('t1', { through: head, maxBreaks: 10 });
      expect(changed.breaks.map((b) => [b.seq, b.position, b.kept, b.event?.position])).toEqual([
        [2, kept[1].position, kept[1].hash, kept[1].position],
        [3, kept[2].position, kept[2].hash, kept[2].position],
        [4, kept[3].position, kept[3].hash, kept[3].position],
      ]);
      expect(changed.breaks[0].event).toMatchObject({ type: 'Happened', stream: 's' });
      // At most maxBreaks, and truncated says there were more.
      expect(await store.verifyChain('t1', { through: head, maxBreaks: 1 })).toMatchObject({ truncated: true, breaks: [{ seq: 2 }] });
      // The last event removed: its kept link is left over, a break without an event.
      const rawAgain = new Database(join(dir, 'events.sqlite'));
      rawAgain.prepare('DELETE FROM events WHERE position = ?').run(kept[3].position);
      rawAgain.close();
      const removed = await store.verifyChain('t1', { through: head, maxBreaks: 10 });
      expect(removed.links).toBe(3);
      expect(removed.breaks[removed.breaks.length - 1]).toEqual({ seq: 4, position: kept[3].position, kept: kept[3].hash, recomputed: null, event: null });
    });

    it('answers a store in memory on its own connection, the same way', async () => {
      const store = new SqliteEventStore({ file: ':memory:' });
      opened.push(store);
      await store.appendToStream('s', [newEvent(), newEvent()], 'no_stream');
      const kept = await store.readChain('t1');
      expect(await store.verifyChain('t1', { through: await store.headPosition(), maxBreaks: 10 })).toEqual({ links: 2, head: kept[1].hash, breaks: [], truncated: false });
    });
  });

  describe('createEventStore', () => {
    it('opens <dataDir>/events.sqlite for kind sqlite', async () => {
      const store = createEventStore({ kind: 'sqlite', dataDir: join(dir, 'data') });
      opened.push(store);

      await store.appendToStream('account-1', [newEvent()], 'no_stream');

      expect(existsSync(join(dir, 'data', 'events.sqlite'))).toBe(true);
    });

    it('needs a URL for kind kurrentdb', () => {
      expect(() => createEventStore({ kind: 'kurrentdb', dataDir: dir })).toThrow('KURRENTDB_URL');
    });
  });
});

function newEvent(): NewEvent {
  return {
    id: `cmd-${randomUUID()}:0`,
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

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
