import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { createEventStore } from '../event-store';
import { EventStore, NewEvent, RecordedEvent } from '../event-store/event-store.port';
import { createReadStore } from '../read-store';
import { ReadStore } from '../read-store/read-store.port';
import { projectionConsumer } from '../projection-runner/projection-consumer';
import { Projector } from '../projection-runner/projector';
import { Consumer, ConsumerRunner, ParkingOptions } from './consumer-runner';
import { ParkedEvents, retryDelayMs } from './parked-events';

/** Lists each tenant's notes in the order projected; throws on a note of a tenant in `broken`. */
function notesProjector(broken: Set<string>): Projector {
  return {
    name: 'notes',
    collections: [{ name: 'noteLists', indexes: [] }],
    eventTypes: ['NoteAdded'],
    async project(event, view) {
      const { tenantId } = event.metadata;
      if (broken.has(tenantId)) throw new RangeError(`cannot handle note ${String(event.data.n)} of ${tenantId}`);
      const current = await view.get('noteLists', tenantId, 'list');
      const notes = [...((current?.notes as number[] | undefined) ?? []), event.data.n as number];
      return [{ op: 'upsert', collection: 'noteLists', tenantId, id: 'list', doc: { notes }, position: event.position }];
    },
  };
}

function note(tenantId: string, n: number): NewEvent {
  return {
    id: `${tenantId}-${n}`,
    type: 'NoteAdded',
    data: { n },
    metadata: { tenantId, commandId: `c-${tenantId}-${n}`, correlationId: 'x', causationId: 'x', actor: 'test', businessDate: '2026-12-06' },
  };
}

/** A pino logger whose lines are kept, to count what was logged. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines, count: (msg: RegExp, level = 50) => lines.filter((l) => l.level === level && msg.test(l.msg)).length };
}

describe('ConsumerRunner: one tenant’s event that cannot be handled is parked; the others go on', () => {
  let dir: string;
  let events: EventStore;
  let store: ReadStore;
  let clock: number;
  const broken = new Set<string>();
  const parking: Partial<ParkingOptions> = { retryBaseMs: 1_000, retryMaxMs: 8_000, pollMs: 10, now: () => clock };
  const notes = async (tenantId: string) => ((await store.get('noteLists', tenantId, 'list'))?.notes as number[] | undefined) ?? [];
  const runnerWith = (consumers: Consumer[], logger = pino({ level: 'silent' })) => new ConsumerRunner(events, store, consumers, logger, 500, parking);
  const append = async (tenantId: string, ...ns: number[]) => {
    for (const n of ns) await events.appendToStream(`note-${tenantId}.${n}`, [note(tenantId, n)], 'no_stream');
  };
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (const deadline = Date.now() + 10_000; !(await check()); ) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parking-'));
    events = createEventStore({ kind: 'sqlite', dataDir: dir });
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    clock = Date.parse('2026-12-06T12:00:00Z');
    broken.clear();
  });
  afterEach(async () => {
    await events.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parks the first failing event with consumer, tenant, position and error; the tenant’s later events wait; other tenants are handled', async () => {
    broken.add('bad');
    await append('good', 1, 2);
    await append('bad', 1, 2); // positions 3, 4
    await append('other', 1);
    const { logger, count } = recordingLogger();
    const runner = runnerWith([projectionConsumer(notesProjector(broken), store)], logger);
    await runner.start();
    expect(await runner.waitFor(5, 10_000)).toBe(true);

    expect(await notes('good')).toEqual([1, 2]);
    expect(await notes('other')).toEqual([1]);
    expect(await notes('bad')).toEqual([]);
    expect(await store.getCheckpoint('notes')).toBe(5);
    const parked = await new ParkedEvents(store).list();
    expect(parked).toEqual([
      {
        consumer: 'notes',
        tenantId: 'bad',
        position: 3,
        eventId: 'bad-1',
        eventType: 'NoteAdded',
        streamName: 'note-bad.1',
        error: 'cannot handle note 1 of bad',
        attempts: 1,
        parkedAt: '2026-12-06T12:00:00.000Z',
        lastAttemptAt: '2026-12-06T12:00:00.000Z',
        nextRetryAt: '2026-12-06T12:00:01.000Z',
      },
    ]);

    // Live events: the good tenant's flow; the bad tenant's wait behind its parked one.
    broken.delete('bad'); // fixed, but no retry is due yet: its notes stay waiting
    await append('good', 3);
    await append('bad', 3);
    expect(await runner.waitFor(7, 10_000)).toBe(true);
    expect(await notes('good')).toEqual([1, 2, 3]);
    expect(await notes('bad')).toEqual([]);
    await runner.stop();
    expect(count(/event parked/)).toBe(1);
  });

  it('retries with back-off (logged once), and a retry replays the tenant’s waiting events in order', async () => {
    broken.add('bad');
    await append('bad', 1, 2);
    await append('good', 1);
    const { logger, count } = recordingLogger();
    const runner = runnerWith([projectionConsumer(notesProjector(broken), store)], logger);
    const parkedEvents = new ParkedEvents(store);
    await runner.start();
    await until(async () => (await parkedEvents.list()).length === 1, 'the event to be parked');
    expect(await runner.waitFor(3, 10_000)).toBe(true);

    // Not due yet: nothing tried. Then due three times over: attempts 2, 3, 4, each next retry twice as far.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await parkedEvents.list())[0].attempts).toBe(1);
    for (const attempts of [2, 3, 4]) {
      clock += retryDelayMs(attempts - 1, 1_000, 8_000);
      await until(async () => (await parkedEvents.list())[0].attempts === attempts, `attempt ${attempts}`);
      expect(Date.parse((await parkedEvents.list())[0].nextRetryAt) - clock).toBe(retryDelayMs(attempts, 1_000, 8_000));
    }
    expect(count(/event parked/)).toBe(1);

    broken.delete('bad');
    await append('bad', 3);
    expect(await runner.waitFor(4, 10_000)).toBe(true);
    await parkedEvents.requestRetry('notes', 'bad'); // an operator's retry: now, whatever the back-off says
    await until(async () => (await parkedEvents.list()).length === 0, 'the retry to handle the events');
    expect(await notes('bad')).toEqual([1, 2, 3]);

    // The tenant flows again with the others.
    await append('bad', 4);
    expect(await runner.waitFor(5, 10_000)).toBe(true);
    expect(await notes('bad')).toEqual([1, 2, 3, 4]);
    await runner.stop();
    expect(count(/parked event handled/, 30)).toBe(1);
  });

  it('a retry that gets past the parked event but fails on a later one parks that one instead', async () => {
    const failOn = new Set(['bad-1']);
    const projector = notesProjector(broken);
    const picky: Projector = { ...projector, project: (event, view) => (failOn.has(event.id) ? Promise.reject(new Error(`no ${event.id}`)) : projector.project(event, view)) };
    await append('bad', 1, 2, 3);
    const runner = runnerWith([projectionConsumer(picky, store)]);
    const parkedEvents = new ParkedEvents(store);
    await runner.start();
    await until(async () => (await parkedEvents.list()).length === 1, 'bad-1 parked');
    failOn.clear();
    failOn.add('bad-3');
    await parkedEvents.requestRetry('notes', 'bad');
    await until(async () => (await parkedEvents.list())[0]?.eventId === 'bad-3', 'bad-3 parked');
    expect(await notes('bad')).toEqual([1, 2]);
    expect((await parkedEvents.list())[0]).toMatchObject({ position: 3, attempts: 2, error: 'no bad-3' });
    await runner.stop();
  });

  it('after a restart the tenant still waits behind its parked event', async () => {
    broken.add('bad');
    await append('bad', 1);
    const first = runnerWith([projectionConsumer(notesProjector(broken), store)]);
    await first.start();
    await until(async () => (await new ParkedEvents(store).list()).length === 1, 'the event to be parked');
    await first.stop();

    broken.delete('bad'); // the new code would handle it, but nothing is due: the later event must wait still
    await append('bad', 2);
    const second = runnerWith([projectionConsumer(notesProjector(broken), store)]);
    await second.start();
    expect(await second.waitFor(2, 10_000)).toBe(true);
    expect(await notes('bad')).toEqual([]);
    clock += 1_000;
    await until(async () => (await new ParkedEvents(store).list()).length === 0, 'the due retry');
    expect(await notes('bad')).toEqual([1, 2]);
    await second.stop();
  });

  it('a batch failing as a whole once (a transient error) is retried and parks nothing', async () => {
    let failures = 1;
    const consumer = projectionConsumer(notesProjector(broken), store);
    const flaky: Consumer = {
      ...consumer,
      handleBatch: async (batch) => {
        if (batch.length > 0 && failures-- > 0) throw new Error('SQLITE_BUSY');
        await consumer.handleBatch(batch);
      },
    };
    await append('good', 1, 2);
    const runner = runnerWith([flaky]);
    await runner.start();
    expect(await runner.waitFor(2, 10_000)).toBe(true);
    await runner.stop();
    expect(await notes('good')).toEqual([1, 2]);
    expect(await new ParkedEvents(store).list()).toEqual([]);
    expect(runner.failedBatches).toBe(1);
  });

  it('a process manager parks too: its other tenants’ commands are issued', async () => {
    const issued: string[] = [];
    const pmConsumer: Consumer = {
      name: 'pm',
      eventTypes: ['NoteAdded'],
      handleEvents: async (batch: RecordedEvent[]) => {
        for (const event of batch) {
          if (event.metadata.tenantId === 'bad') throw new RangeError('date out of range 0000-9999');
          issued.push(event.id);
        }
      },
      handleBatch: async (batch) => {
        await pmConsumer.handleEvents(batch);
        await store.setCheckpoint('pm', batch.through ?? batch[batch.length - 1].position);
      },
    };
    await append('a', 1);
    await append('bad', 1);
    await append('b', 1);
    const runner = runnerWith([pmConsumer]);
    await runner.start();
    expect(await runner.waitFor(3, 10_000)).toBe(true);
    await runner.stop();
    expect([...new Set(issued)]).toEqual(['a-1', 'b-1']); // a-1 twice: the failed batch, then event by event (commands are idempotent)
    expect(await new ParkedEvents(store).list()).toMatchObject([{ consumer: 'pm', tenantId: 'bad', error: 'date out of range 0000-9999' }]);
  });
});

describe('ConsumerRunner: changes (what keeps caches of read models current)', () => {
  it('names a consumer once it handled events of its types, before the waiters hear of that position; batches of other types change nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'changes-'));
    const events = createEventStore({ kind: 'sqlite', dataDir: dir });
    const store = createReadStore({ kind: 'sqlite', dataDir: dir });
    const runner = new ConsumerRunner(events, store, [projectionConsumer(notesProjector(new Set()), store)], pino({ level: 'silent' }));
    const heard: string[] = [];
    runner.onChange((name) => heard.push(name));
    try {
      await runner.start();
      await events.appendToStream('other-1', [{ ...note('t', 1), type: 'SomethingElse', id: 'other-1' }], 'no_stream');
      expect(await runner.waitFor(1, 10_000)).toBe(true);
      expect(heard).toEqual([]);
      const { position } = await events.appendToStream('note-t.2', [note('t', 2)], 'no_stream');
      await runner.waitFor(position, 10_000).then((reached) => heard.push(`reached ${reached}`));
      expect(heard).toEqual(['notes', 'reached true']);
    } finally {
      await runner.stop();
      await events.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
