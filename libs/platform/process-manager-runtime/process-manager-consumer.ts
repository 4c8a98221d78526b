import type { Logger } from 'pino';
import { CommandContext } from '../command-pipeline/command-context';
import { DomainError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { batchEnd, RecordedEvent } from '../event-store/event-store.port';
import { ReadStore } from '../read-store/read-store.port';
import { Consumer } from '../subscriptions/consumer-runner';
import { CommandDispatcher } from './command-dispatcher';
import { FaultInjector } from './faults';
import { PmCommand, ProcessManager, ProcessManagerContext } from './process-manager';

export interface ProcessManagerDeps {
  dispatcher: CommandDispatcher;
  checkpoints: ReadStore;
  context: ProcessManagerContext;
  logger: Logger;
  faults: FaultInjector;
  /**
   * Lanes of one event run at most this many at a time (their appends share group commits). Default 32;
   * a process manager's own `concurrency` wins.
   */
  concurrency?: number;
  /** Commands pulled from a streamed reaction per chunk. Default COMMAND_CHUNK_SIZE; tests make it small. */
  chunkSize?: number;
}

const DEFAULT_CONCURRENCY = 32;
/** A streamed reaction is pulled this many commands at a time, so memory holds one chunk, not all of them. */
export const COMMAND_CHUNK_SIZE = 1000;

/**
 * A process manager as a log consumer: events are handled in log order; an event's commands run lane by
 * lane (in order within a lane, lanes side by side), each awaited; only when the whole batch is done does
 * the checkpoint move. A command the domain refuses (a 4xx) is logged and passed over: retrying it would
 * be refused again and block the log. A streamed reaction (an async iterable) runs a chunk at a time.
 */
export function processManagerConsumer(pm: ProcessManager, deps: ProcessManagerDeps): Consumer {
  const wanted = new Set(pm.eventTypes);
  const concurrency = pm.concurrency ?? deps.concurrency ?? DEFAULT_CONCURRENCY;
  const chunkSize = deps.chunkSize ?? COMMAND_CHUNK_SIZE;
  const issue = async ({ command, index, event }: Numbered & { event: RecordedEvent }) => {
    await dispatch(pm.name, command, commandContext(pm.name, event, command, index), deps);
    deps.faults.pass('after-process-manager-command');
    deps.faults.pass(`after-command-of-${pm.name}`);
  };
  // Every event's commands first, then their lanes side by side (pm.lanesAcrossEvents).
  const handleAcrossEvents = async (events: RecordedEvent[]) => {
    const commands: (Numbered & { event: RecordedEvent })[] = [];
    for (const event of events) {
      if (!wanted.has(event.type)) continue;
      const reaction = await pm.react(event, deps.context);
      if (!Array.isArray(reaction)) throw new Error(`${pm.name}: a process manager with lanesAcrossEvents reacts with arrays`);
      reaction.forEach((command, index) => commands.push({ command, index, event }));
    }
    await runLanes(lanesOf(commands), concurrency, issue);
  };
  const handleEvents = async (events: RecordedEvent[]) => {
    if (pm.lanesAcrossEvents) return handleAcrossEvents(events);
    for (const event of events) {
      if (!wanted.has(event.type)) continue;
      // Counts across chunks, so the default command ids are those of the same commands in one array.
      let index = 0;
      // Chunks run one after the other, so each lane keeps its order across chunks. A failure leaves the
      // loop, which closes chunksOf and, through it, the process manager's iterator.
      for await (const chunk of chunksOf(await pm.react(event, deps.context), chunkSize)) {
        const commands = chunk.map((command) => ({ command, index: index++, event }));
        await runLanes(lanesOf(commands), concurrency, issue);
      }
    }
  };
  return {
    name: pm.name,
    eventTypes: pm.eventTypes,
    handleEvents,
    async handleBatch(events) {
      await handleEvents(events);
      await deps.checkpoints.setCheckpoint(pm.name, batchEnd(events));
    },
  };
}

/** An array is one chunk, as it always was; an async iterable is pulled `size` commands at a time and no further. */
async function* chunksOf(commands: PmCommand[] | AsyncIterable<PmCommand>, size: number): AsyncGenerator<PmCommand[]> {
  if (Array.isArray(commands)) {
    yield commands;
    return;
  }
  let chunk: PmCommand[] = [];
  for await (const command of commands) {
    chunk.push(command);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

type Numbered = { command: PmCommand; index: number };

function lanesOf<T extends Numbered>(commands: T[]): T[][] {
  const lanes = new Map<string, T[]>();
  for (const entry of commands) {
    const lane = entry.command.lane ?? '';
    const items = lanes.get(lane);
    // Push, not copy: a lane may hold a whole chunk.
    if (items) items.push(entry);
    else lanes.set(lane, [entry]);
  }
  return [...lanes.values()];
}

/**
 * Runs each lane's items in order, at most `concurrency` lanes at a time. After a failure no lane starts
 * another item, and the first failure is thrown once the items in flight settled: nothing of a failed
 * batch is still running when the batch is retried.
 */
async function runLanes<T>(lanes: T[][], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < lanes.length) {
      for (const item of lanes[next++]) {
        if (failure) return;
        try {
          await run(item);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
  if (failure) throw failure.error;
}

async function dispatch(pmName: string, command: PmCommand, context: CommandContext, deps: ProcessManagerDeps): Promise<void> {
  try {
    await deps.dispatcher.dispatch({ type: command.type, data: command.data }, context);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    deps.logger.warn({ processManager: pmName, command: command.type, commandId: context.commandId, err: error }, 'command refused');
  }
}

/** The command id derives from the process manager, the triggering event and the command's key: a re-run is recognised. */
export function commandContext(pmName: string, event: RecordedEvent, command: PmCommand, index: number): CommandContext {
  const key = `${pmName}:${command.key ?? `${event.id}#${index}`}`;
  return {
    tenantId: event.metadata.tenantId,
    actor: `process-manager:${pmName}`,
    correlationId: event.metadata.correlationId,
    causationId: event.id,
    commandId: deterministicUuid(event.metadata.tenantId, key),
    idempotencyKey: key,
    businessDate: command.businessDate ?? event.metadata.businessDate,
  };
}
