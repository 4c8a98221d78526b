import { addDays, CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { RuleViolationError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';

/**
 * A tenant's business days. Passage of time is a fact: each day that starts is one event, in order, so
 * bill runs, dunning steps and timers react to days and a year of a sandbox runs exactly like a real year.
 */
export type BusinessClockEvent = { type: 'BusinessDayStarted'; data: { tenantId: string; date: CalendarDate } };

export type BusinessClockCommand = {
  type: 'StartBusinessDay';
  /** `initialDate`: the tenant's date when it was created; its first business day event is the next day. */
  data: { tenantId: string; date: CalendarDate; initialDate: CalendarDate };
};

/** The last day that started, or null while the clock still shows the tenant's initial date. */
export type BusinessClockState = { lastDay: CalendarDate | null };

export const businessClockDecider: Decider<BusinessClockCommand, BusinessClockEvent, BusinessClockState> = {
  initialState: { lastDay: null },
  decide(command, state) {
    switch (command.type) {
      case 'StartBusinessDay': {
        const { tenantId, date, initialDate } = command.data;
        const current = currentDate(state, initialDate);
        if (compareDates(date, current) <= 0) return []; // that day already started: a repeat changes nothing
        const next = addDays(current, 1);
        if (date !== next) {
          throw new RuleViolationError(`Business days start one at a time, in order: the next day is ${next}, not ${date}`, [
            { field: 'date', rule: 'nextDay', message: `the next business day is ${next}` },
          ]);
        }
        return [{ type: 'BusinessDayStarted', data: { tenantId, date } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'BusinessDayStarted':
        return { lastDay: event.data.date };
      default:
        return assertNever(event.type);
    }
  },
};

/** The date the tenant's clock shows: the last day that started, or its initial date. */
export function currentDate(state: BusinessClockState, initialDate: CalendarDate): CalendarDate {
  return state.lastDay ?? initialDate;
}

/** The days that must start to bring the clock from `current` to `target`, in order. */
export function daysToStart(current: CalendarDate, target: CalendarDate): CalendarDate[] {
  const days: CalendarDate[] = [];
  for (let day = addDays(current, 1); compareDates(day, target) <= 0; day = addDays(day, 1)) days.push(day);
  return days;
}

export function clockStream(tenantId: string): string {
  return streamName('clock', tenantId, 'business-days');
}
