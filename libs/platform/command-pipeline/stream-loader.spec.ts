import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Decider } from '../../shared-kernel/decider';
import { NewEvent } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { CommandContext } from './command-context';
import { DeciderRunner } from './decider-runner';
import { BatchingStreamLoader } from './stream-loader';

const event = (stream: string, n: number): NewEvent => ({
  id: `${stream}:${n}`,
  type: 'Happened',
  data: { n },
  metadata: { tenantId: 't1', commandId: `${stream}-cmd-${n}`, correlationId: 'c', causationId: 'c', actor: 'test', businessDate: '2026-11-22' },
});

describe('BatchingStreamLoader', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'loader-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite') });
    await Promise.all(['s-a', 's-b', 's-c'].map((stream, i) => store.appendToStream(stream, Array.from({ length: i + 1 }, (_, n) => event(stream, n)), 'no_stream')));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the streams asked for together with one query, each caller getting its own stream', async () => {
    const loader = new BatchingStreamLoader(store);
    const many = jest.spyOn(store, 'readStreams');
    const one = jest.spyOn(store, 'readStream');

    const [a, b, c, unknown] = await Promise.all(['s-a', 's-b', 's-c', 's-none'].map((stream) => loader.load(stream)));

    expect(many).toHaveBeenCalledTimes(1);
    expect(one).not.toHaveBeenCalled();
    expect(a).toEqual(await store.readStream('s-a'));
    expect(b.map((e) => [e.streamName, e.revision, e.data])).toEqual([['s-b', 0, { n: 0 }], ['s-b', 1, { n: 1 }]]);
    expect(c).toHaveLength(3);
    expect(unknown).toEqual([]);
  });

  it('hands a stream asked for twice at once to each caller as its own objects', async () => {
    const loader = new BatchingStreamLoader(store);

    const [first, second] = await Promise.all([loader.load('s-b'), loader.load('s-b'), loader.load('s-a')]);

    expect(first).toEqual(second);
    expect(first).not.toBe(second);
    expect(first[0]).not.toBe(second[0]);
  });

  it('splits a large batch into reads of at most maxStreams names', async () => {
    const loader = new BatchingStreamLoader(store, 2);
    const many = jest.spyOn(store, 'readStreams');
    const one = jest.spyOn(store, 'readStream');

    const read = await Promise.all(['s-a', 's-b', 's-c'].map((stream) => loader.load(stream)));

    expect(read.map((events) => events.length)).toEqual([1, 2, 3]);
    expect(many.mock.calls.map(([names]) => names)).toEqual([['s-a', 's-b']]);
    expect(one.mock.calls.map(([name]) => name)).toEqual(['s-c']); // a slice of one is a plain readStream
  });

  it('keeps errors with their caller: a failed batch is read stream by stream', async () => {
    const loader = new BatchingStreamLoader(store);
    jest.spyOn(store, 'readStreams').mockRejectedValueOnce(new Error('batch failed'));
    const readStream = store.readStream.bind(store);
    jest.spyOn(store, 'readStream').mockImplementation((stream, options) =>
      stream === 's-b' ? Promise.reject(new Error('s-b unreadable')) : readStream(stream, options),
    );

    const [a, b, c] = await Promise.allSettled(['s-a', 's-b', 's-c'].map((stream) => loader.load(stream)));

    expect(a).toMatchObject({ status: 'fulfilled', value: [{ streamName: 's-a' }] });
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('s-b unreadable') });
    expect(c).toMatchObject({ status: 'fulfilled' });
    expect((c as PromiseFulfilledResult<unknown[]>).value).toHaveLength(3);
  });

  it('reads a stream appended after a read again: never staler than a read at the time of the call', async () => {
    const loader = new BatchingStreamLoader(store);
    expect(await loader.load('s-a')).toHaveLength(1);

    await store.appendToStream('s-a', [event('s-a', 1)], 0);

    expect((await loader.load('s-a')).map((e) => e.revision)).toEqual([0, 1]);
    // Asked for while an append waits for its commit: read as the store is then, and the next load sees the append.
    const appended = store.appendToStream('s-a', [event('s-a', 2)], 1);
    expect(await loader.load('s-a')).toHaveLength(2);
    await appended;
    expect(await loader.load('s-a')).toHaveLength(3);
  });
});

describe('DeciderRunner with batched loads', () => {
  type Added = { type: 'Added'; data: { by: number } };
  type Add = { type: 'Add'; data: { by: number } };
  const adder: Decider<Add, Added, number> = {
    initialState: 0,
    decide: (command) => [{ type: 'Added', data: { by: command.data.by } }],
    evolve: (state, e) => state + e.data.by,
  };
  const context = (commandId: string): CommandContext => ({
    tenantId: 't1',
    actor: 'test',
    correlationId: 'corr',
    causationId: 'cause',
    commandId,
    businessDate: '2026-11-22',
  });

  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'runner-batch-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the streams of commands issued together with one read, and commits them as before', async () => {
    const runner = new DeciderRunner(store);
    const many = jest.spyOn(store, 'readStreams');
    const one = jest.spyOn(store, 'readStream');

    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => runner.run(adder, `adder-${i}`, { type: 'Add', data: { by: i } }, context(`c-${i}`))));

    expect(many).toHaveBeenCalledTimes(1);
    expect(one).not.toHaveBeenCalled();
    expect(outcomes.map((o) => [o.state, o.revision, o.alreadyApplied])).toEqual(Array.from({ length: 20 }, (_, i) => [i, 0, false]));
    // Issued again together: each command is recognised by its id, nothing is written.
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => runner.run(adder, `adder-${i}`, { type: 'Add', data: { by: i } }, context(`c-${i}`))));
    expect(again.every((o) => o.alreadyApplied && o.events.length === 0)).toBe(true);
    expect(await store.headPosition()).toBe(20);
  });

  it('several commands on one stream together: one wins each round, the others reload and decide again', async () => {
    const runner = new DeciderRunner(store);
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => runner.run(adder, 'adder-x', { type: 'Add', data: { by: 1 } }, context(`x-${i}`))));
    expect(outcomes.map((o) => o.revision).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await runner.preview(adder, 'adder-x', { type: 'Add', data: { by: 1 } })).state).toBe(6);
    expect(await store.headPosition()).toBe(5);
  });
});
