import { CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';

/** The command a timer issues when it fires: a type the process-manager runtime knows, and its data. */
export interface TimedCommand {
  type: string;
  data: Record<string, unknown>;
}

/**
 * A durable timer: "issue command C on business date D". Stored as events, so it survives restarts;
 * fires at most once (the first business day on or after D), and can be cancelled until it fires.
 */
export type TimerEvent =
  | { type: 'TimerScheduled'; data: { timerId: string; dueDate: CalendarDate; command: TimedCommand } }
  | { type: 'TimerFired'; data: { timerId: string; dueDate: CalendarDate; firedOn: CalendarDate } }
  | { type: 'TimerCancelled'; data: { timerId: string; reason: string } };

export type TimerCommand =
  | { type: 'ScheduleTimer'; data: { timerId: string; dueDate: CalendarDate; command: TimedCommand } }
  | { type: 'FireTimer'; data: { timerId: string; today: CalendarDate } }
  | { type: 'CancelTimer'; data: { timerId: string; reason: string } };

export type TimerState =
  | { status: 'none' }
  | { status: 'scheduled' | 'fired' | 'cancelled'; dueDate: CalendarDate; command: TimedCommand };

export const timerDecider: Decider<TimerCommand, TimerEvent, TimerState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (command.type) {
      case 'ScheduleTimer': {
        const { timerId, dueDate, command: timed } = command.data;
        if (!timed.type) throw InvalidInputError.forField('command.type', 'required', 'a timer needs the type of the command it issues');
        if (state.status === 'none') return [{ type: 'TimerScheduled', data: { timerId, dueDate, command: timed } }];
        if (state.dueDate === dueDate && JSON.stringify(state.command) === JSON.stringify(timed)) return []; // a repeat
        throw new ConflictError(`timer ${timerId} is already ${state.status} for ${state.dueDate}`);
      }
      case 'FireTimer': {
        const { timerId, today } = command.data;
        if (state.status !== 'scheduled' || compareDates(state.dueDate, today) > 0) return []; // not due, fired or cancelled
        return [{ type: 'TimerFired', data: { timerId, dueDate: state.dueDate, firedOn: today } }];
      }
      case 'CancelTimer': {
        // Cancelling a timer that never was, already fired or was cancelled changes nothing.
        if (state.status !== 'scheduled') return [];
        return [{ type: 'TimerCancelled', data: { timerId: command.data.timerId, reason: command.data.reason } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TimerScheduled':
        return { status: 'scheduled', dueDate: event.data.dueDate, command: event.data.command };
      case 'TimerFired':
        return state.status === 'none' ? state : { ...state, status: 'fired' };
      case 'TimerCancelled':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
      default:
        return assertNever(event);
    }
  },
};

export function timerStream(tenantId: string, timerId: string): string {
  return streamName('timer', tenantId, timerId);
}
