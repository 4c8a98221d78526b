import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { ReadStore } from '../../platform/read-store/read-store.port';
import type { BusinessClockEvent } from '../domain/business-clock.decider';
import type { TimedCommand } from '../domain/timer.decider';
import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
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
  async react(recorded, context) {
    const { tenantId, date } = (recorded as unknown as RecordedEvent & BusinessClockEvent).data;
    await context.readModelsAt(recorded.position); // every timer scheduled before this day is in the read model
    const commands: PmCommand[] = [];
    for await (const timer of dueTimers(context.store, tenantId, date)) {
      const lane = timer.id; // a timer's command completes before it is marked fired; timers fire side by side
      commands.push({ ...timer.command, key: `timer:${timer.id}:command`, businessDate: date, lane });
      commands.push({ type: 'FireTimer', data: { timerId: timer.id, today: date }, key: `timer:${timer.id}:fired`, businessDate: date, lane });
    }
    return commands;
  },
};

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
