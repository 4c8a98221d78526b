import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { addDays } from '../../shared-kernel/calendar-date';
import { missingContactFields } from '../domain/account.decider';
import type { AccountEvent } from '../domain/account.events';
import { ProcessManager } from '../../platform/process-manager-runtime/process-manager';

/** Days after an account is created before it is reminded of missing contact details. */
export const CONTACT_REMINDER_DAYS = 7;

export function contactReminderTimerId(accountId: string): string {
  return `contact-reminder.${accountId}`;
}

/**
 * The demonstration rule for timers: an account created without an email or a phone gets a reminder
 * seven business days later, unless its contact is completed before then (the timer is cancelled).
 */
export const contactRemindersProcessManager: ProcessManager = {
  name: 'contact-reminders',
  eventTypes: ['AccountCreated', 'AccountContactUpdated'],
  react(recorded) {
    const event = recorded as unknown as RecordedEvent & AccountEvent;
    switch (event.type) {
      case 'AccountCreated': {
        const { accountId, contact, createdOn } = event.data;
        if (missingContactFields(contact).length === 0) return [];
        const dueDate = addDays(createdOn, CONTACT_REMINDER_DAYS);
        const command = { type: 'RemindIncompleteContact', data: { accountId } };
        return [{ type: 'ScheduleTimer', data: { timerId: contactReminderTimerId(accountId), dueDate, command }, key: `schedule:${accountId}` }];
      }
      case 'AccountContactUpdated': {
        const { accountId, contact } = event.data;
        if (missingContactFields(contact).length > 0) return [];
        return [{ type: 'CancelTimer', data: { timerId: contactReminderTimerId(accountId), reason: 'contact completed' } }];
      }
      default:
        return [];
    }
  },
};
