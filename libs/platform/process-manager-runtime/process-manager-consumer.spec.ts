import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { CommandContext } from '../command-pipeline/command-context';
import { DeciderRunner } from '../command-pipeline/decider-runner';
import { streamName } from '../../shared-kernel/streams';
import { Decider } from '../../shared-kernel/decider';
import { RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { createEventStore } from '../event-store';
import { EventStore, RecordedEvent } from '../event-store/event-store.port';
import { createReadStore } from '../read-store';
import { ReadStore } from '../read-store/read-store.port';
import { Consumer } from '../subscriptions/consumer-runner';
import { CommandDispatcher } from './command-dispatcher';
import { FaultInjector } from './faults';
import { commandContext, processManagerConsumer, ProcessManagerDeps } from './process-manager-consumer';
import { PmCommand, ProcessManager } from './process-manager';

/**
 * A counter aggregate for the dispatcher's one route. `Add` adds; `Refuse` is turned down by the domain
 * (a 4xx); `Break` fails like an outage (a non-domain error) while `outage.on` is set.
 */
type CounterCommand =
  | { type: 'Add'; data: { counterId: string; by: number } }
  | { type: 'Refuse'; data: { counterId: string } }
  | { type: 'Break'; data: { counterId: string } };
type CounterEvent = { type: 'Added'; data: { by: number } };

const outage = { on: false };
const counter: Decider<CounterCommand, CounterEvent, number> = {
  initialState: 0,
  decide(command) {
    switch (command.type) {
      case 'Add':
        return [{ type: 'Added', data: { by: command.data.by } }];
      case 'Refuse':
        throw new RuleViolationError('counters refuse this');
      case 'Break':
        if (outage.on) throw new Error('the disk is on fire');
        return [];
    }
  },
  evolve: (state, event) => state + event.data.by,
};

const TENANT = 't1';
const PM = 'test-pm';
const counterStream = (id: string) => streamName('counter', TENANT, id);
/** The dispatcher the consumer is given (the product's sends through the CommandBus): every type to the counter. */
function counterDispatcher(runner: DeciderRunner): CommandDispatcher {
  return {
    async dispatch(command, context) {
      const stream = streamName('counter', context.tenantId, String(command.data.counterId));
      return (await runner.run(counter, stream, command as CounterCommand, context)).position;
    },
  };
}

/** Reacts to `Trigger` events only, issuing the commands the event carries in its data. */
const react = jest.fn((event: RecordedEvent): PmCommand[] => event.data.commands as PmCommand[]);
const testPm: ProcessManager = { name: PM, eventTypes: ['Trigger'], react };

const add = (by: number, extra: Partial<PmCommand> = {}): PmCommand => ({ type: 'Add', data: { counterId: 'c', by }, ...extra });

/**
 * The same process manager, streaming: an async generator over the commands the event carries. `pulled`
 * counts the commands handed out (`onPull` sees each); `finished` and `closed` tell running to the end
 * from being closed early.
 */
function streamingPm(onPull = () => {}) {
  const generator = { pulled: 0, finished: false, closed: false };
  const pm: ProcessManager = {
    name: PM,
    eventTypes: ['Trigger'],
    async *react(event) {
      try {
        for (const command of event.data.commands as PmCommand[]) {
          generator.pulled++;
          onPull();
          yield command;
        }
        generator.finished = true;
      } finally {
        generator.closed = true;
      }
    },
  };
  return { pm, generator };
}

/** Ten commands in two lanes: odd amounts to counter/lane `a`, even ones to `b`. */
const tenInTwoLanes = () =>
  Array.from({ length: 10 }, (_, i): PmCommand => {
    const lane = i % 2 === 0 ? 'a' : 'b';
    return { type: 'Add', data: { counterId: lane, by: i + 1 }, lane };
  });

describe('processManagerConsumer', () => {
  let dir: string;
  let events: EventStore;
  let store: ReadStore;
  let dispatcher: CommandDispatcher;
  let faults: FaultInjector;
  let logger: pino.Logger;
  let deps: ProcessManagerDeps;
  let consumer: Consumer;
  let triggers = 0;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pm-consumer-'));
    events = createEventStore({ kind: 'sqlite', dataDir: dir });
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    dispatcher = counterDispatcher(new DeciderRunner(events));
    faults = new FaultInjector(undefined);
    logger = pino({ level: 'silent' });
    outage.on = false;
    react.mockClear();
    const context = { store, readModelsAt: async () => undefined };
    deps = { dispatcher, checkpoints: store, context, logger, faults };
    consumer = processManagerConsumer(testPm, deps);
  });
  afterEach(async () => {
    await events.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Appends one event to the log (as whatever upstream would have) and returns it as recorded. */
  async function logged(type: string, commands: PmCommand[] = [], businessDate = '2025-01-01'): Promise<RecordedEvent> {
    const id = deterministicUuid('trigger', String(++triggers));
    const metadata = { tenantId: TENANT, commandId: `up-${triggers}`, correlationId: `corr-${triggers}`, causationId: 'upstream', actor: 'test', businessDate };
    const { position } = await events.appendToStream(`trigger-${TENANT}.${triggers}`, [{ id, type, data: { commands }, metadata }], 'no_stream');
    const [recorded] = await events.readAll({ after: position - 1, maxCount: 1 });
    return recorded;
  }

  const counterEvents = () => events.readStream(counterStream('c'));
  const counterValue = async () => (await counterEvents()).reduce((sum, e) => sum + Number(e.data.by), 0);

  it('runs lanes side by side while keeping each lane in order', async () => {
    const lane = (name: string, by: number) => ({ type: 'Add', data: { counterId: name, by }, lane: name });
    const trigger = await logged('Trigger', [lane('a', 1), lane('b', 10), lane('a', 2), lane('b', 20)]);
    const trace: string[] = [];
    const original = dispatcher.dispatch.bind(dispatcher);
    jest.spyOn(dispatcher, 'dispatch').mockImplementation(async (command, context) => {
      trace.push(`start ${String(command.data.counterId)}${String(command.data.by)}`);
      const position = await original(command, context);
      trace.push(`end ${String(command.data.counterId)}${String(command.data.by)}`);
      return position;
    });

    await consumer.handleBatch([trigger]);

    // Both lanes start before either finishes its first command; within a lane, 1 ends before 2 starts.
    expect(trace.slice(0, 2).sort()).toEqual(['start a1', 'start b10']);
    expect(trace.indexOf('end a1')).toBeLessThan(trace.indexOf('start a2'));
    expect(trace.indexOf('end b10')).toBeLessThan(trace.indexOf('start b20'));
    expect((await events.readStream(counterStream('a'))).map((e) => e.data.by)).toEqual([1, 2]);
    expect((await events.readStream(counterStream('b'))).map((e) => e.data.by)).toEqual([10, 20]);
    expect(await store.getCheckpoint(PM)).toBe(trigger.position);
  });

  it('with lanesAcrossEvents runs the lanes of a whole batch side by side, each lane in log order, each command once', async () => {
    const lane = (name: string, by: number) => ({ type: 'Add', data: { counterId: name, by }, lane: name });
    const first = await logged('Trigger', [lane('a', 1), lane('b', 10)]);
    const second = await logged('Trigger', [lane('a', 2), lane('b', 20)]);
    const trace: string[] = [];
    const original = dispatcher.dispatch.bind(dispatcher);
    jest.spyOn(dispatcher, 'dispatch').mockImplementation(async (command, context) => {
      const name = `${String(command.data.counterId)}${String(command.data.by)}`;
      trace.push(`start ${name}`);
      if (name === 'b10') await new Promise((resolve) => setTimeout(resolve, 50)); // a slow command of the first event
      const position = await original(command, context);
      trace.push(`end ${name}`);
      return position;
    });
    const across = processManagerConsumer({ ...testPm, lanesAcrossEvents: true }, deps);

    await across.handleBatch([first, second]);
    await across.handleBatch([first, second]); // again, as after a crash before the checkpoint: nothing twice

    // Lane a's command of the second event does not wait for lane b's slow one of the first; within a lane, log order.
    expect(trace.indexOf('end a2')).toBeLessThan(trace.indexOf('end b10'));
    expect(trace.indexOf('end a1')).toBeLessThan(trace.indexOf('start a2'));
    expect(trace.indexOf('end b10')).toBeLessThan(trace.indexOf('start b20'));
    expect((await events.readStream(counterStream('a'))).map((e) => e.data.by)).toEqual([1, 2]);
    expect((await events.readStream(counterStream('b'))).map((e) => e.data.by)).toEqual([10, 20]);
    expect(await store.getCheckpoint(PM)).toBe(second.position);
  });

  it('dispatches an event\'s commands one after the other, each awaited, with the context commandContext builds', async () => {
    const trigger = await logged('Trigger', [add(1), add(2, { key: 'second', businessDate: '2025-02-01' })], '2025-01-01');
    const trace: string[] = [];
    const contexts: CommandContext[] = [];
    const original = dispatcher.dispatch.bind(dispatcher);
    jest.spyOn(dispatcher, 'dispatch').mockImplementation(async (command, context) => {
      trace.push(`start ${String(command.data.by)}`);
      contexts.push(context);
      const position = await original(command, context);
      trace.push(`end ${String(command.data.by)}`);
      return position;
    });
    const passes = jest.spyOn(faults, 'pass');

    await consumer.handleBatch([trigger]);

    expect(trace).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    expect(passes.mock.calls).toEqual([['after-process-manager-command'], [`after-command-of-${PM}`], ['after-process-manager-command'], [`after-command-of-${PM}`]]);
    // Unkeyed: the id derives from the event and the command's index. Keyed: from the key alone.
    const base = { tenantId: TENANT, actor: `process-manager:${PM}`, correlationId: trigger.metadata.correlationId, causationId: trigger.id };
    expect(contexts).toEqual([
      { ...base, commandId: deterministicUuid(TENANT, `${PM}:${trigger.id}#0`), idempotencyKey: `${PM}:${trigger.id}#0`, businessDate: '2025-01-01' },
      { ...base, commandId: deterministicUuid(TENANT, `${PM}:second`), idempotencyKey: `${PM}:second`, businessDate: '2025-02-01' },
    ]);
    expect(contexts).toEqual([commandContext(PM, trigger, add(1), 0), commandContext(PM, trigger, add(2, { key: 'second', businessDate: '2025-02-01' }), 1)]);

    const written = await counterEvents();
    expect(written.map((e) => e.data.by)).toEqual([1, 2]);
    expect(written.map((e) => e.metadata.commandId)).toEqual(contexts.map((c) => c.commandId));
    expect(await store.getCheckpoint(PM)).toBe(trigger.position);
  });

  it('builds command ids that tell commands apart and recognise a re-issued one', async () => {
    const first = await logged('Trigger');
    const second = await logged('Trigger');
    const id = (event: RecordedEvent, command: PmCommand, index: number) => commandContext(PM, event, command, index).commandId;
    expect(id(first, add(1), 0)).toBe(id(first, add(1), 0));
    expect(id(first, add(1), 0)).not.toBe(id(first, add(1), 1));
    expect(id(first, add(1), 0)).not.toBe(id(second, add(1), 0));
    // A keyed command is the same command whichever event issues it, and at whatever index.
    expect(id(first, add(1, { key: 'k' }), 0)).toBe(id(second, add(1, { key: 'k' }), 3));
    expect(id(first, add(1, { key: 'k' }), 0)).not.toBe(commandContext('other-pm', first, add(1, { key: 'k' }), 0).commandId);
  });

  it('passes only the event types it lists to react, and still moves the checkpoint over the others', async () => {
    const before = await logged('Unrelated', [add(100)]);
    const trigger = await logged('Trigger', [add(1)]);
    const after = await logged('AlsoUnrelated', [add(100)]);

    await consumer.handleBatch([before, trigger, after]);

    expect(react.mock.calls.map(([event]) => event.id)).toEqual([trigger.id]);
    expect(await counterValue()).toBe(1);
    expect(await store.getCheckpoint(PM)).toBe(after.position);
  });

  it('leaves the checkpoint where it was when a command fails with a non-domain error', async () => {
    const done = await logged('Trigger', [add(1)]);
    await consumer.handleBatch([done]);
    const first = await logged('Trigger', [add(2)]);
    const failing = await logged('Trigger', [{ type: 'Break', data: { counterId: 'c' } }]);
    outage.on = true;

    await expect(consumer.handleBatch([first, failing])).rejects.toThrow('the disk is on fire');

    expect(await store.getCheckpoint(PM)).toBe(done.position);
    // The command before the failure did run; the retry below must not run it again.
    expect(await counterValue()).toBe(3);
    outage.on = false;
    await consumer.handleBatch([first, failing]);
    expect(await counterValue()).toBe(3);
    expect(await store.getCheckpoint(PM)).toBe(failing.position);
  });

  it('starts no further command after a failure, and rejects only once the commands in flight settled', async () => {
    const trigger = await logged('Trigger', [{ type: 'Break', data: { counterId: 'c' }, lane: 'x' }, add(1, { lane: 'y' }), add(2, { lane: 'y' })]);
    outage.on = true;
    let broken!: () => void;
    const failed = new Promise<void>((resolve) => (broken = resolve));
    let settled = false;
    const original = dispatcher.dispatch.bind(dispatcher);
    jest.spyOn(dispatcher, 'dispatch').mockImplementation(async (command, context) => {
      if (command.type === 'Break') return original(command, context).finally(broken);
      await failed; // this Add is in flight when the other lane fails
      const position = await original(command, context);
      settled = true;
      return position;
    });

    await expect(consumer.handleBatch([trigger])).rejects.toThrow('the disk is on fire');

    expect(settled).toBe(true);
    expect((await counterEvents()).map((e) => e.data.by)).toEqual([1]);
  });

  it('logs a command the domain refuses, skips it, and goes on with the rest and the checkpoint', async () => {
    const warn = jest.spyOn(logger, 'warn');
    const refused: PmCommand = { type: 'Refuse', data: { counterId: 'c' } };
    const trigger = await logged('Trigger', [add(1), refused, add(2)]);

    await consumer.handleBatch([trigger]);

    expect(await counterValue()).toBe(3);
    expect(await store.getCheckpoint(PM)).toBe(trigger.position);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      { processManager: PM, command: 'Refuse', commandId: commandContext(PM, trigger, refused, 1).commandId, err: expect.any(RuleViolationError) },
      'command refused',
    );
  });

  it('applies each command exactly once when a batch runs again after a crash', async () => {
    const batch = [await logged('Trigger', [add(1), add(2, { key: 'two' })]), await logged('Trigger', [add(4)])];
    // The crash: every command was applied, but the process died before the checkpoint was written.
    jest.spyOn(store, 'setCheckpoint').mockRejectedValueOnce(new Error('power cut'));
    await expect(consumer.handleBatch(batch)).rejects.toThrow('power cut');
    expect(await store.getCheckpoint(PM)).toBeNull();

    await consumer.handleBatch(batch);
    await consumer.handleBatch(batch); // and once more, as a consumer restarted from an older checkpoint would

    expect((await counterEvents()).map((e) => e.data.by)).toEqual([1, 2, 4]);
    expect(await store.getCheckpoint(PM)).toBe(batch[1].position);
  });

  it('runs a streamed reaction chunk by chunk: every command once, lanes in order, the ids of the array form', async () => {
    const trigger = await logged('Trigger', tenInTwoLanes());
    const { pm, generator } = streamingPm();
    const contexts: CommandContext[] = [];
    const original = dispatcher.dispatch.bind(dispatcher);
    jest.spyOn(dispatcher, 'dispatch').mockImplementation(async (command, context) => {
      contexts.push(context);
      return original(command, context);
    });

    await processManagerConsumer(pm, { ...deps, chunkSize: 3 }).handleBatch([trigger]);

    expect(generator.finished).toBe(true);
    expect(new Set(contexts.map((c) => c.commandId)).size).toBe(10);
    expect((await events.readStream(counterStream('a'))).map((e) => e.data.by)).toEqual([1, 3, 5, 7, 9]);
    expect((await events.readStream(counterStream('b'))).map((e) => e.data.by)).toEqual([2, 4, 6, 8, 10]);
    expect(await store.getCheckpoint(PM)).toBe(trigger.position);

    // The array form issues the very same commands: run it over the same event, and nothing new is applied.
    const streamed = contexts.splice(0);
    await consumer.handleBatch([trigger]);
    expect(contexts.map((c) => c.commandId).sort()).toEqual(streamed.map((c) => c.commandId).sort());
    expect((await events.readStream(counterStream('a'))).length + (await events.readStream(counterStream('b'))).length).toBe(10);
  });

  it('pulls a streamed reaction no further than the chunk whose commands are running', async () => {
    const trigger = await logged('Trigger', tenInTwoLanes());
    let completed = 0;
    const completedWhenPulled: number[] = [];
    const pulledWhenStarted: number[] = [];
    const { pm, generator } = streamingPm(() => completedWhenPulled.push(completed));
    const original = dispatcher.dispatch.bind(dispatcher);
    jest.spyOn(dispatcher, 'dispatch').mockImplementation(async (command, context) => {
      pulledWhenStarted.push(generator.pulled);
      const position = await original(command, context);
      completed++;
      return position;
    });

    await processManagerConsumer(pm, { ...deps, chunkSize: 3 }).handleBatch([trigger]);

    // A chunk's first command is pulled only once every command before it completed...
    expect(completedWhenPulled).toEqual([0, 0, 0, 3, 3, 3, 6, 6, 6, 9]);
    // ...and while a chunk runs, nothing past it has been pulled.
    expect(pulledWhenStarted).toEqual([3, 3, 3, 6, 6, 6, 9, 9, 9, 10]);
  });

  it('rejects the batch, keeps the checkpoint and closes the generator when a command fails mid-stream', async () => {
    const commands = [add(1), add(2), add(3), add(4), { type: 'Break', data: { counterId: 'c' } }, add(5), add(6), add(7)];
    const trigger = await logged('Trigger', commands);
    const { pm, generator } = streamingPm();
    const streaming = processManagerConsumer(pm, { ...deps, chunkSize: 3 });
    outage.on = true;

    await expect(streaming.handleBatch([trigger])).rejects.toThrow('the disk is on fire');

    expect(await store.getCheckpoint(PM)).toBeNull();
    expect(generator).toEqual({ pulled: 6, finished: false, closed: true });
    // The first chunk and the lane up to the failure ran; nothing after it did.
    expect(await counterValue()).toBe(1 + 2 + 3 + 4);
    outage.on = false;
    await streaming.handleBatch([trigger]);
    expect((await counterEvents()).map((e) => e.data.by)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await store.getCheckpoint(PM)).toBe(trigger.position);
  });

  it('rejects the batch and keeps the checkpoint when the stream itself fails', async () => {
    const trigger = await logged('Trigger');
    const pm: ProcessManager = {
      name: PM,
      eventTypes: ['Trigger'],
      async *react() {
        yield* [add(1), add(2), add(3), add(4)];
        throw new Error('the read model is gone');
      },
    };

    await expect(processManagerConsumer(pm, { ...deps, chunkSize: 3 }).handleBatch([trigger])).rejects.toThrow('the read model is gone');

    expect(await store.getCheckpoint(PM)).toBeNull();
  });

  it.each([
    ['a streamed', (event: RecordedEvent) => streamingPm().pm.react(event, deps.context)],
    ['an array', (event: RecordedEvent) => event.data.commands as PmCommand[]],
  ])('runs no more lanes at once than the process manager\'s own concurrency, for %s reaction', async (_, react) => {
    const lanes = Array.from({ length: 8 }, (_, i) => `l${i}`);
    const trigger = await logged('Trigger', [...lanes, ...lanes].map((lane, i) => ({ type: 'Add', data: { counterId: lane, by: i }, lane })));
    let inFlight = 0;
    let most = 0;
    const original = dispatcher.dispatch.bind(dispatcher);
    jest.spyOn(dispatcher, 'dispatch').mockImplementation(async (command, context) => {
      most = Math.max(most, ++inFlight);
      try {
        return await original(command, context);
      } finally {
        inFlight--;
      }
    });
    // The deps allow one lane at a time; the process manager's own 3 wins.
    const pm: ProcessManager = { name: PM, eventTypes: ['Trigger'], react, concurrency: 3 };

    await processManagerConsumer(pm, { ...deps, concurrency: 1 }).handleBatch([trigger]);

    expect(most).toBe(3);
    expect(await store.getCheckpoint(PM)).toBe(trigger.position);
  });
});
