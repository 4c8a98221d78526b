import type { Logger } from 'pino';
import { CommandContext } from '../command-pipeline/command-context';
import { DomainError } from '../domain/shared/errors';
import { deterministicUuid } from '../domain/shared/ids';
import { RecordedEvent } from '../event-store/event-store.port';
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
  /** Lanes of one event run at most this many at a time (their appends share group commits). Default 32. */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 32;

/**
 * A process manager as a log consumer: events are handled in log order; an event's commands run lane by
 * lane (in order within a lane, lanes side by side), each awaited; only when the whole batch is done does
 * the checkpoint move. A command the domain refuses (a 4xx) is logged and passed over: retrying it would
 * be refused again and block the log.
 */
export function processManagerConsumer(pm: ProcessManager, deps: ProcessManagerDeps): Consumer {
  const wanted = new Set(pm.eventTypes);
  return {
    name: pm.name,
    async handleBatch(events) {
      for (const event of events) {
        if (!wanted.has(event.type)) continue;
        const commands = (await pm.react(event, deps.context)).map((command, index) => ({ command, index }));
        await runLanes(lanesOf(commands), deps.concurrency ?? DEFAULT_CONCURRENCY, async ({ command, index }) => {
          await dispatch(pm.name, command, commandContext(pm.name, event, command, index), deps);
          deps.faults.pass('after-process-manager-command');
        });
      }
      await deps.checkpoints.setCheckpoint(pm.name, events[events.length - 1].position);
    },
  };
}

type Numbered = { command: PmCommand; index: number };

function lanesOf(commands: Numbered[]): Numbered[][] {
  const lanes = new Map<string, Numbered[]>();
  for (const entry of commands) {
    const lane = entry.command.lane ?? '';
    lanes.set(lane, [...(lanes.get(lane) ?? []), entry]);
  }
  return [...lanes.values()];
}

/** Runs each lane's items in order, at most `concurrency` lanes at a time; rejects on the first failure. */
async function runLanes<T>(lanes: T[][], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < lanes.length) {
      for (const item of lanes[next++]) await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
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
