import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { createEventStore } from '../event-store';
import { EventStore, NewEvent, RecordedEvent } from '../event-store/event-store.port';
import { createReadStore } from '../read-store';
import { ReadStore } from '../read-store/read-store.port';
import { projectBatch } from './project-batch';
import { ConsumerRunner } from '../subscriptions/consumer-runner';
import { projectionConsumer } from './projection-consumer';
import { Projector } from './projector';

const logger = pino({ level: 'silent' });

/** Counts notes per owner; reads its own document, so it also exercises the in-batch view. */
function notesProjector(name = 'notes', seen: RecordedEvent[] = []): Projector {
  return {
    name,
    collections: [{ name: `${name}Totals`, indexes: ['count'] }],
    eventTypes: ['NoteAdded'],
    async project(event, view) {
      seen.push(event);
      const owner = String(event.data.owner);
      const current = await view.get(`${name}Totals`, event.metadata.tenantId, owner);
      const count = ((current?.count as number | undefined) ?? 0) + 1;
      return [{ op: 'upsert', collection: `${name}Totals`, tenantId: event.metadata.tenantId, id: owner, doc: { count }, position: event.position }];
    },
  };
}

function note(owner: string, n: number, tenantId = 't1'): NewEvent {
  return {
    id: `${owner}-${n}-${tenantId}`,
    type: 'NoteAdded',
    data: { owner },
    metadata: { tenantId, commandId: `c-${owner}-${n}`, correlationId: 'x', causationId: 'x', actor: 'test', businessDate: '2026-11-22' },
  };
}

describe('Projectors on the ConsumerRunner', () => {
  let dir: string;
  let events: EventStore;
  let store: ReadStore;
  const runnerFor = (projectors: Projector[], batchSize?: number) =>
    new ConsumerRunner(events, store, projectors.map((p) => projectionConsumer(p, store)), logger, batchSize);
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'projections-'));
    events = createEventStore({ kind: 'sqlite', dataDir: dir });
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up from the start, then follows live events; each batch commits with its checkpoint', async () => {
    await events.appendToStream('note-t1.a', [note('a', 1), note('a', 2)], 'no_stream');
    await events.appendToStream('note-t2.a', [note('a', 1, 't2')], 'no_stream');
    const runner = runnerFor([notesProjector()], 2);
    await runner.start();
    expect(await runner.waitFor(3, 5000)).toBe(true);
    expect(await store.get('notesTotals', 't1', 'a')).toMatchObject({ count: 2, _position: 2 });
    expect(await store.get('notesTotals', 't2', 'a')).toMatchObject({ count: 1 });

    await events.appendToStream('note-t1.a', [note('a', 3)], 1);
    expect(await runner.waitFor(4, 5000)).toBe(true);
    expect(await store.get('notesTotals', 't1', 'a')).toMatchObject({ count: 3, _position: 4 });
    expect(await store.getCheckpoint('notes')).toBe(4);
    await runner.stop();
  });

  it("reads batches of the projector's own size when it has one, else of the runner's", async () => {
    for (let n = 1; n <= 5; n++) await events.appendToStream(`note-t1.o${n}`, [note(`o${n}`, 1)], 'no_stream');
    const sizes = (consumerSize?: number) => {
      const batches: number[] = [];
      const consumer = projectionConsumer(notesProjector(consumerSize ? 'sized' : 'unsized'), store, consumerSize);
      const counting = { ...consumer, handleBatch: async (batch: RecordedEvent[]) => { batches.push(batch.length); await consumer.handleBatch(batch); } };
      return { batches, runner: new ConsumerRunner(events, store, [counting], logger, 2) };
    };
    for (const [consumerSize, expected] of [[undefined, [2, 2, 1]], [4, [4, 1]]] as const) {
      const { batches, runner } = sizes(consumerSize);
      await runner.start();
      expect(await runner.waitFor(5, 5000)).toBe(true);
      await runner.stop();
      expect(batches).toEqual(expected);
    }
  });

  it('a projector that prefetches its documents ends with the same documents, also across an event it queries on', async () => {
    const plain = notesProjector('plain');
    const base = notesProjector('ahead');
    const getMany = jest.spyOn(store, 'getMany');
    const ahead: Projector = {
      ...base,
      eventTypes: ['NoteAdded', 'Marker'],
      queriesStoreOn: ['Marker'], // the pending writes are committed before it, and the documents read again after it
      prefetch: (event) => (event.type === 'NoteAdded' ? [{ collection: 'aheadTotals', tenantId: event.metadata.tenantId, id: String(event.data.owner) }] : []),
      project: (event, view) => (event.type === 'Marker' ? [] : base.project(event, view)),
    };
    await store.ensureCollections([...plain.collections, ...ahead.collections]);
    await store.apply([{ op: 'upsert', collection: 'plainTotals', tenantId: 't1', id: 'b', doc: { count: 10 }, position: 0 }]);
    await store.apply([{ op: 'upsert', collection: 'aheadTotals', tenantId: 't1', id: 'b', doc: { count: 10 }, position: 0 }]);
    const marker: NewEvent = { ...note('m', 1), id: 'marker', type: 'Marker' };
    await events.appendToStream('note-t1.x', [note('a', 1), note('b', 1), note('a', 2), marker, note('a', 3), note('b', 2), note('c', 1)], 'no_stream');
    const batch = await events.readAll();
    await projectBatch(plain, batch, store);
    await projectBatch(ahead, batch, store);
    expect(getMany).toHaveBeenCalledTimes(2); // once before the batch, once after the marker
    for (const owner of ['a', 'b', 'c']) {
      const expected = await store.get('plainTotals', 't1', owner);
      expect(await store.get('aheadTotals', 't1', owner)).toEqual({ ...expected, id: owner });
    }
    expect(await store.get('aheadTotals', 't1', 'b')).toMatchObject({ count: 12 });
  });

  it('reads only its event types, and its position and checkpoint still move past the other types', async () => {
    const seen: RecordedEvent[] = [];
    const other = (n: number): NewEvent => ({ ...note('z', n), id: `other-${n}`, type: 'SomethingElse' });
    await events.appendToStream('note-t1.a', [note('a', 1)], 'no_stream');
    await events.appendToStream('other-t1', [other(1), other(2)], 'no_stream');
    const runner = runnerFor([notesProjector('notes', seen)], 2);
    await runner.start();
    expect(await runner.waitFor(3, 5000)).toBe(true);
    expect(await store.getCheckpoint('notes')).toBe(3);
    // Live: only other types appended; the position follows them.
    await events.appendToStream('other-t1', [other(3)], 1);
    expect(await runner.waitFor(4, 5000)).toBe(true);
    expect(await store.getCheckpoint('notes')).toBe(4);
    await runner.stop();
    expect(seen.map((event) => event.type)).toEqual(['NoteAdded']);
  });

  it('changes nothing when a batch is delivered again', async () => {
    await events.appendToStream('note-t1.a', [note('a', 1), note('a', 2)], 'no_stream');
    const projector = notesProjector();
    await store.ensureCollections(projector.collections);
    const batch = await events.readAll();
    await projectBatch(projector, batch, store);
    const once = await store.get('notesTotals', 't1', 'a');
    await projectBatch(projector, batch, store);
    expect(await store.get('notesTotals', 't1', 'a')).toEqual(once);
    expect(once).toMatchObject({ count: 2 });
  });

  it('resumes after a restart from its checkpoint, reading each event once', async () => {
    const seen: RecordedEvent[] = [];
    await events.appendToStream('note-t1.a', [note('a', 1), note('a', 2)], 'no_stream');
    const first = runnerFor([notesProjector('notes', seen)]);
    await first.start();
    await first.waitFor(2, 5000);
    await first.stop();

    await events.appendToStream('note-t1.a', [note('a', 3)], 1);
    const second = runnerFor([notesProjector('notes', seen)]);
    await second.start();
    expect(await second.waitFor(3, 5000)).toBe(true);
    await second.stop();
    expect(seen.map((e) => e.position)).toEqual([1, 2, 3]);
    expect(await store.get('notesTotals', 't1', 'a')).toMatchObject({ count: 3 });
  });

  it('keeps one checkpoint per projector: a new projector catches up on its own', async () => {
    await events.appendToStream('note-t1.a', [note('a', 1), note('a', 2)], 'no_stream');
    const first = runnerFor([notesProjector('notes')]);
    await first.start();
    await first.waitFor(2, 5000);
    await first.stop();
    const both = runnerFor([notesProjector('notes'), notesProjector('late')]);
    await both.start();
    expect(await both.waitFor(2, 5000)).toBe(true);
    await both.stop();
    expect(await store.get('lateTotals', 't1', 'a')).toMatchObject({ count: 2 });
    expect(await store.get('notesTotals', 't1', 'a')).toMatchObject({ count: 2 });
    expect(both.positions()).toEqual({ notes: 2, late: 2 });
  });

  it('retries a failing batch instead of skipping it', async () => {
    await events.appendToStream('note-t1.a', [note('a', 1)], 'no_stream');
    const projector = notesProjector();
    let failures = 1;
    const flaky: Projector = {
      ...projector,
      project(event, view) {
        if (failures-- > 0) throw new Error('transient');
        return projector.project(event, view);
      },
    };
    const runner = runnerFor([flaky]);
    await runner.start();
    expect(await runner.waitFor(1, 5000)).toBe(true);
    await runner.stop();
    expect(await store.get('notesTotals', 't1', 'a')).toMatchObject({ count: 1 });
  });

  it('answers waitFor with false when the position is not reached in time', async () => {
    const runner = runnerFor([notesProjector()]);
    await runner.start();
    expect(await runner.waitFor(99, 50)).toBe(false);
    await runner.stop();
  });
});
