import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { ReadStore } from '../../platform/read-store/read-store.port';
import type { BusinessClockEvent } from '../domain/business-clock.decider';
import type { TimedCommand } from '../domain/timer.decider';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { TIMERS } from '../read-model/timers.projection';

/**
 * Fires durable timers: on each business day, every timer of the tenant that is due (on that day or
 * earlier and not yet fired) issues its command, then is marked fired. Both commands take their ids from
 * the timer, so a crash between them leads, on restart, to the command being recognised as done and the
 * timer being marked fired once. A timer scheduled while a day is processed fires on the next day.
 */
export const timersProcessManager: ProcessManager = {
  name: 'timer-firing',
  eventTypes: ['BusinessDayStarted'],
  // A day on which 100,000 dunning steps fall due: all of a chunk in flight shares group commits (as the bill run's
  // commands do); 32 at a time made 7,382 commits of such a day instead of about 800.
  concurrency: COMMAND_CHUNK_SIZE,
  react(recorded, context) {
    return dueCommands(recorded as unknown as RecordedEvent & BusinessClockEvent, context);
  },
};

/** Streamed page by page (the runtime pulls a chunk at a time): memory stays bounded however many timers are due. */
async function* dueCommands(recorded: RecordedEvent & BusinessClockEvent, context: ProcessManagerContext): AsyncGenerator<PmCommand> {
  const { tenantId, date } = recorded.data;
  await context.readModelsAt(recorded.position); // every timer scheduled before this day is in the read model
  for await (const timer of dueTimers(context.store, tenantId, date)) {
    const lane = timer.id; // a timer's command completes before it is marked fired; timers fire side by side
    yield { ...timer.command, key: `timer:${timer.id}:command`, businessDate: date, lane };
    yield { type: 'FireTimer', data: { timerId: timer.id, today: date }, key: `timer:${timer.id}:fired`, businessDate: date, lane };
  }
}

async function* dueTimers(store: ReadStore, tenantId: string, date: string) {
  let cursor: string | undefined;
  do {
    const page = await store.find<{ command: TimedCommand }>(TIMERS, tenantId, {
      filter: { status: 'scheduled', dueDate: { lte: date } },
      sortBy: 'dueDate',
      limit: 500,
      cursor,
    });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}
