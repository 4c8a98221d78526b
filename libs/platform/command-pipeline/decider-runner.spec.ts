import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Decider } from '../../shared-kernel/decider';
import { NotFoundError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { EventStore, ExpectedRevision, NewEvent, StreamAppend } from '../event-store/event-store.port';
import { CommandContext } from './command-context';
import { ConcurrencyConflictError } from './concurrency-conflict.error';
import { DeciderRunner } from './decider-runner';

/** A counter aggregate: enough to exercise loading, deciding, appending and retrying. */
type CounterEvent = { type: 'Incremented'; data: { by: number } };
type CounterCommand = { type: 'Increment'; data: { by: number } } | { type: 'Touch'; data: Record<string, never> };
const counter: Decider<CounterCommand, CounterEvent, number> = {
  initialState: 0,
  decide: (command, state) => {
    if (command.type === 'Touch') {
      if (state === 0) throw new NotFoundError('Counter', 'c');
      return [];
    }
    return [{ type: 'Incremented', data: { by: command.data.by } }];
  },
  evolve: (state, event) => state + event.data.by,
};

const context = (commandId: string): CommandContext => ({
  tenantId: 't1',
  actor: 'test',
  correlationId: 'corr',
  causationId: 'cause',
  commandId,
  businessDate: '2026-11-22',
});

/** Lets a test change the stream between the runner's read and its append, `times` times. */
class InterferingStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private times: number,
  ) {}
  appendToStream(stream: string, events: NewEvent[], expected: ExpectedRevision) {
    if (this.times-- > 0) {
      return this.inner
        .appendToStream(
          stream,
          [{ ...events[0], id: `${events[0].id}-rival-${this.times}`, metadata: { ...events[0].metadata, commandId: `rival-${this.times}` } }],
          'any',
        )
        .then(() => this.inner.appendToStream(stream, events, expected));
    }
    return this.inner.appendToStream(stream, events, expected);
  }
  /** Interferes on the first stream, then appends all: the multi-stream append fails as a whole and is retried. */
  appendToStreams(appends: StreamAppend[]) {
    if (this.times-- > 0) {
      const [{ stream, events }] = appends;
      const rival = { ...events[0], id: `${events[0].id}-rival-${this.times}`, metadata: { ...events[0].metadata, commandId: `rival-${this.times}` } };
      return this.inner.appendToStream(stream, [rival], 'any').then(() => this.inner.appendToStreams(appends));
    }
    return this.inner.appendToStreams(appends);
  }
  readStream = (...args: Parameters<EventStore['readStream']>) => this.inner.readStream(...args);
  readStreams = (...args: Parameters<EventStore['readStreams']>) => this.inner.readStreams(...args);
  readAll = (...args: Parameters<EventStore['readAll']>) => this.inner.readAll(...args);
  readTenant = (...args: Parameters<EventStore['readTenant']>) => this.inner.readTenant(...args);
  lastTenantPosition = (...args: Parameters<EventStore['lastTenantPosition']>) => this.inner.lastTenantPosition(...args);
  readPositions = (...args: Parameters<EventStore['readPositions']>) => this.inner.readPositions(...args);
  readChain = (...args: Parameters<EventStore['readChain']>) => this.inner.readChain(...args);
  subscribeToAll = (...args: Parameters<EventStore['subscribeToAll']>) => this.inner.subscribeToAll(...args);
  headPosition = () => this.inner.headPosition();
  close = () => this.inner.close();
}

describe('DeciderRunner', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'runner-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds the stream, decides, and appends with the metadata of the context and deterministic ids', async () => {
    const runner = new DeciderRunner(store);
    await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
    const outcome = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 3 } }, context('cmd-2'));
    expect(outcome).toMatchObject({ state: 5, revision: 1, alreadyApplied: false, position: 2 });
    const events = await store.readStream('counter-t1.c');
    expect(events.map((e) => e.metadata)).toEqual([
      { tenantId: 't1', actor: 'test', correlationId: 'corr', causationId: 'cause', commandId: 'cmd-1', businessDate: '2026-11-22' },
      { tenantId: 't1', actor: 'test', correlationId: 'corr', causationId: 'cause', commandId: 'cmd-2', businessDate: '2026-11-22' },
    ]);
    // Same command id, stream and index give the same event id: a rerun is recognisable.
    const other = mkdtempSync(path.join(tmpdir(), 'runner-b-'));
    const secondStore = new SqliteEventStore({ file: path.join(other, 'events.sqlite') });
    await new DeciderRunner(secondStore).run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
    expect((await secondStore.readStream('counter-t1.c'))[0].id).toBe(events[0].id);
    await secondStore.close();
    rmSync(other, { recursive: true, force: true });
  });

  it('readStream: the streams asked for in one turn are read with one query, each whole and current', async () => {
    const runner = new DeciderRunner(store);
    await runner.run(counter, 'counter-t1.a', { type: 'Increment', data: { by: 2 } }, context('cmd-a'));
    await runner.run(counter, 'counter-t1.b', { type: 'Increment', data: { by: 3 } }, context('cmd-b'));
    const single = jest.spyOn(store, 'readStream');
    const batched = jest.spyOn(store, 'readStreams');
    const [a, b, none] = await Promise.all(['counter-t1.a', 'counter-t1.b', 'counter-t1.none'].map((stream) => runner.readStream(stream)));
    expect([a.map((event) => event.data), b.map((event) => event.data), none]).toEqual([[{ by: 2 }], [{ by: 3 }], []]);
    expect([single.mock.calls.length, batched.mock.calls.length]).toEqual([0, 1]);
    await runner.run(counter, 'counter-t1.a', { type: 'Increment', data: { by: 4 } }, context('cmd-a2'));
    expect((await runner.readStream('counter-t1.a')).map((event) => event.data)).toEqual([{ by: 2 }, { by: 4 }]);
  });

  it('treats a command id already in the stream as done: nothing is appended', async () => {
    const runner = new DeciderRunner(store);
    const first = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
    const repeat = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
    expect(repeat).toMatchObject({ state: 2, events: [], alreadyApplied: true, position: first.position });
    expect(await store.readStream('counter-t1.c')).toHaveLength(1);
    // What it wrote the first time, for its answer (a first answer lost in a crash is answered again the same).
    await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 5 } }, context('cmd-2'));
    const later = await new DeciderRunner(store).run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
    expect(first.written).toEqual(first.events);
    expect(later).toMatchObject({ state: 7, events: [], alreadyApplied: true, written: first.events });
  });

  it('recognises a repeat by the ids it derives for its events, and answers with the position of its last one', async () => {
    // Three events in one command (each unit of `by` its own event): the repeat is told the third one's position.
    const units: Decider<CounterCommand, CounterEvent, number> = {
      ...counter,
      decide: (command, state) => counter.decide(command, state).flatMap((event) => Array.from({ length: event.data.by }, () => ({ type: 'Incremented' as const, data: { by: 1 } }))),
    };
    const runner = new DeciderRunner(store);
    const first = await runner.run(units, 'counter-t1.u', { type: 'Increment', data: { by: 3 } }, context('cmd-3'));
    await runner.run(units, 'counter-t1.u', { type: 'Increment', data: { by: 1 } }, context('cmd-4'));
    const ids = (await store.readStream('counter-t1.u')).map((event) => event.id);
    expect(ids).toEqual([0, 1, 2].map((i) => deterministicUuid('cmd-3', 'counter-t1.u', String(i))).concat(deterministicUuid('cmd-4', 'counter-t1.u', '0')));
    for (const fresh of [runner, new DeciderRunner(store)]) {
      expect(await fresh.run(units, 'counter-t1.u', { type: 'Increment', data: { by: 3 } }, context('cmd-3'))).toMatchObject({ alreadyApplied: true, position: first.position, state: 4 });
    }
    // Cached, the command's own append is remembered the same way.
    const cached = await runner.run(units, 'counter-t1.v', { type: 'Increment', data: { by: 2 } }, context('cmd-5'), { cache: true });
    expect(await runner.run(units, 'counter-t1.v', { type: 'Increment', data: { by: 2 } }, context('cmd-5'), { cache: true })).toMatchObject({ alreadyApplied: true, position: cached.position, state: 2 });
    // An event whose id was not derived from a command id is no command's, whatever its metadata says.
    await store.appendToStream('counter-t1.w', [{ id: 'w0', type: 'Incremented', data: { by: 5 }, metadata: { ...context('cmd-6'), tenantId: 't1' } }], 'no_stream');
    expect(await runner.run(units, 'counter-t1.w', { type: 'Increment', data: { by: 1 } }, context('cmd-6'))).toMatchObject({ alreadyApplied: false, state: 6 });
  });

  it('previews exactly what a commit at the same moment decides, and writes nothing', async () => {
    const runner = new DeciderRunner(store);
    await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
    const head = await store.headPosition();
    const preview = await runner.preview(counter, 'counter-t1.c', { type: 'Increment', data: { by: 3 } });
    expect(await store.headPosition()).toBe(head);
    const commit = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 3 } }, context('cmd-2'));
    expect({ state: preview.state, events: preview.events }).toEqual({ state: commit.state, events: commit.events });
    expect(preview.position).toBe(0);
  });

  it('appends nothing when the decider decides nothing, and lets domain errors through', async () => {
    const runner = new DeciderRunner(store);
    await expect(runner.run(counter, 'counter-t1.c', { type: 'Touch', data: {} }, context('cmd-0'))).rejects.toBeInstanceOf(NotFoundError);
    await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context('cmd-1'));
    const noop = await runner.run(counter, 'counter-t1.c', { type: 'Touch', data: {} }, context('cmd-2'));
    expect(noop).toMatchObject({ events: [], state: 1, alreadyApplied: false, position: 1 });
    expect(await store.headPosition()).toBe(1);
  });

  it('reloads and decides again when the stream changed under it, losing no update', async () => {
    const runner = new DeciderRunner(new InterferingStore(store, 2));
    const outcome = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 10 } }, context('cmd-1'));
    // Two rival appends (10 each) happened first; ours was decided again on the fresh state.
    expect(outcome.state).toBe(30);
    expect((await store.readStream('counter-t1.c')).map((e) => e.data.by)).toEqual([10, 10, 10]);
  });

  it('gives up after a bounded number of attempts with a conflict error (a 409, never a 500)', async () => {
    const runner = new DeciderRunner(new InterferingStore(store, 100), 3);
    const attempt = runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context('cmd-1'));
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyConflictError);
    await expect(attempt).rejects.toMatchObject({ status: 409 });
  });

  it('lets many concurrent commands on one stream all succeed', async () => {
    const runner = new DeciderRunner(store, 50);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context(`cmd-${i}`))),
    );
    const events = await store.readStream('counter-t1.c');
    expect(events).toHaveLength(30);
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('rethrows store errors other than a revision conflict', async () => {
    const failing = new InterferingStore(store, 0);
    failing.appendToStream = () => Promise.reject(new Error('disk full'));
    await expect(
      new DeciderRunner(failing).run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context('c')),
    ).rejects.toThrow('disk full');
  });

  describe('runFrom', () => {
    it('decides on the state the caller holds and appends at its revision, reading nothing', async () => {
      const runner = new DeciderRunner(store);
      const first = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
      const reads = [jest.spyOn(store, 'readStream'), jest.spyOn(store, 'readStreams')];
      const outcome = await runner.runFrom(counter, 'counter-t1.c', { type: 'Increment', data: { by: 3 } }, context('cmd-2'), first);
      expect(reads.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);
      expect(outcome).toMatchObject({ state: 5, revision: 1, position: 2, alreadyApplied: false, events: [{ type: 'Incremented', data: { by: 3 } }] });
      expect(outcome.written).toEqual(outcome.events);
      const events = await store.readStream('counter-t1.c');
      expect(events.map((event) => [event.data.by, event.metadata.commandId])).toEqual([[2, 'cmd-1'], [3, 'cmd-2']]);
      // The same ids as `run` gives: a repeat through `run` is recognised.
      expect(await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 3 } }, context('cmd-2'))).toMatchObject({ alreadyApplied: true, state: 5 });
    });

    it('creates a stream from the state of none (revision -1)', async () => {
      const runner = new DeciderRunner(store);
      const none = { state: 0, revision: -1 };
      expect(await runner.runFrom(counter, 'counter-t1.n', { type: 'Increment', data: { by: 4 } }, context('cmd-1'), none)).toMatchObject({ state: 4, revision: 0, position: 1 });
      expect((await store.readStream('counter-t1.n')).map((event) => event.data.by)).toEqual([4]);
    });

    it('does not trust a decision of nothing or a domain error on the state it was given: it reads and decides again', async () => {
      const runner = new DeciderRunner(store);
      // Touch decides nothing on a counter above 0 and fails on 0: given 0 while the stream holds 4, it reads and is a no-op.
      await runner.run(counter, 'counter-t1.n', { type: 'Increment', data: { by: 4 } }, context('cmd-1'));
      const stale = { state: 0, revision: -1 };
      expect(await runner.runFrom(counter, 'counter-t1.n', { type: 'Touch', data: {} }, context('cmd-2'), stale)).toEqual({
        state: 4,
        revision: 0,
        position: 1,
        events: [],
        written: [],
        alreadyApplied: false,
      });
      expect(await store.headPosition()).toBe(1);
      // On a stream that does hold 0, the error is the command's.
      await expect(runner.runFrom(counter, 'counter-t1.none', { type: 'Touch', data: {} }, context('cmd-3'), stale)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('when the stream moved on since (another writer), reads it and decides again, losing no update', async () => {
      const runner = new DeciderRunner(store);
      const stale = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context('cmd-1'));
      await new DeciderRunner(store).run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 10 } }, context('cmd-other'));
      const outcome = await runner.runFrom(counter, 'counter-t1.c', { type: 'Increment', data: { by: 100 } }, context('cmd-2'), stale);
      expect(outcome).toMatchObject({ state: 111, revision: 2 });
      expect((await store.readStream('counter-t1.c')).map((event) => event.data.by)).toEqual([1, 10, 100]);
    });
  });

  describe('stateOf', () => {
    it("gives the stream's state and revision as run would load them; with the cache, reads only what came after", async () => {
      const runner = new DeciderRunner(store);
      expect(await runner.stateOf(counter, 'counter-t1.s')).toEqual({ state: 0, revision: -1 });
      await runner.run(counter, 'counter-t1.s', { type: 'Increment', data: { by: 2 } }, context('cmd-1'));
      expect(await runner.stateOf(counter, 'counter-t1.s', { cache: true })).toEqual({ state: 2, revision: 0 });
      await new DeciderRunner(store).run(counter, 'counter-t1.s', { type: 'Increment', data: { by: 3 } }, context('cmd-2'));
      const reads = jest.spyOn(store, 'readStream');
      expect(await runner.stateOf(counter, 'counter-t1.s', { cache: true })).toEqual({ state: 5, revision: 1 });
      expect(reads.mock.calls).toEqual([['counter-t1.s', { fromRevision: 1 }]]);
    });
  });

  describe('runMany', () => {
    const inc = (stream: string, by: number) => ({ stream, command: { type: 'Increment' as const, data: { by } } });

    it('decides each stream and appends them all in one appendToStreams; a repeat is a no-op on each', async () => {
      await store.appendToStream('counter-t1.b', [{ id: 'b0', type: 'Incremented', data: { by: 5 }, metadata: { ...context('x'), tenantId: 't1' } }], 'no_stream');
      const runner = new DeciderRunner(store);
      const multi = jest.spyOn(store, 'appendToStreams');
      const touch = { stream: 'counter-t1.b', command: { type: 'Touch' as const, data: {} } };

      const outcomes = await runner.runMany(counter, [inc('counter-t1.a', 1), touch, inc('counter-t1.c', 3)], context('m-1'));

      expect(multi).toHaveBeenCalledTimes(1);
      expect(outcomes.map((o) => [o.state, o.events.length, o.revision, o.alreadyApplied])).toEqual([[1, 1, 0, false], [5, 0, 0, false], [3, 1, 0, false]]);
      expect(outcomes[2].position).toBe(await store.headPosition());
      const repeat = await runner.runMany(counter, [inc('counter-t1.a', 1), inc('counter-t1.c', 3)], context('m-1'), { cache: true });
      expect(repeat.map((o) => [o.state, o.alreadyApplied])).toEqual([[1, true], [3, true]]);
    });

    it('writes nothing on any stream when the command fails on one of them', async () => {
      const touch = { stream: 'counter-t1.none', command: { type: 'Touch' as const, data: {} } };
      await expect(new DeciderRunner(store).runMany(counter, [inc('counter-t1.a', 1), touch], context('m-2'))).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.headPosition()).toBe(0);
    });

    it('decides every stream again on a conflict, losing no update', async () => {
      const runner = new DeciderRunner(new InterferingStore(store, 2));
      const outcomes = await runner.runMany(counter, [inc('counter-t1.a', 10), inc('counter-t1.b', 1)], context('m-3'));
      expect(outcomes.map((o) => o.state)).toEqual([30, 1]);
      expect((await store.readStream('counter-t1.b')).map((e) => e.data.by)).toEqual([1]);
    });

    it('with the cache, queues behind and ahead of single-stream commands on any of its streams', async () => {
      const runner = new DeciderRunner(store, 1); // one attempt: any conflict would fail
      const all = await Promise.all([
        runner.run(counter, 'counter-t1.a', { type: 'Increment', data: { by: 1 } }, context('q-1'), { cache: true }),
        runner.runMany(counter, [inc('counter-t1.a', 1), inc('counter-t1.b', 1)], context('q-2'), { cache: true }),
        runner.run(counter, 'counter-t1.b', { type: 'Increment', data: { by: 1 } }, context('q-3'), { cache: true }),
        runner.runMany(counter, [inc('counter-t1.b', 1), inc('counter-t1.a', 1)], context('q-4'), { cache: true }),
      ]);
      expect(all.flat().map((o) => o.state)).toEqual([1, 2, 1, 2, 3, 3]);
    });
  });

  describe('with the stream-state cache', () => {
    it('reads only the events after the cached revision', async () => {
      const runner = new DeciderRunner(store);
      const read = jest.spyOn(store, 'readStream');
      for (let i = 0; i < 5; i++) await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context(`cmd-${i}`), { cache: true });
      expect(read.mock.calls.map(([, options]) => options?.fromRevision ?? 0)).toEqual([0, 1, 2, 3, 4]);
      const repeat = await runner.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context('cmd-2'), { cache: true });
      expect(repeat).toMatchObject({ alreadyApplied: true, state: 5, events: [] });
    });

    it("queues this process's commands on the stream instead of letting them conflict", async () => {
      const runner = new DeciderRunner(store, 1); // one attempt: any conflict would fail
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => runner.run(counter, 'counter-t1.q', { type: 'Increment', data: { by: 1 } }, context(`q-${i}`), { cache: true })),
      );
      expect(outcomes.map((o) => o.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      // A command that fails does not block the ones queued after it.
      const failing = runner.run(counter, 'counter-t1.r', { type: 'Touch', data: {} }, context('r-0'), { cache: true });
      const after = runner.run(counter, 'counter-t1.r', { type: 'Increment', data: { by: 1 } }, context('r-1'), { cache: true });
      await expect(failing).rejects.toBeInstanceOf(NotFoundError);
      await expect(after).resolves.toMatchObject({ state: 1 });
    });

    it('is never stale: a write by another runner (another process) is read before deciding', async () => {
      const mine = new DeciderRunner(store);
      const theirs = new DeciderRunner(store);
      await mine.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 1 } }, context('a'), { cache: true });
      await theirs.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 10 } }, context('b'));
      const outcome = await mine.run(counter, 'counter-t1.c', { type: 'Increment', data: { by: 100 } }, context('c'), { cache: true });
      expect(outcome).toMatchObject({ state: 111, revision: 2 });
    });
  });
});
