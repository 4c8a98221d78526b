import { assertNever, Decider } from '../../shared-kernel/decider';
import { streamName } from '../../shared-kernel/streams';
import { emailAddress } from '../../shared-kernel/validation';

/**
 * Where the tenant itself is told things (a webhook endpoint disabled after failing for three days): one stream per
 * tenant, `notificationSettings-<tenant>.all`. Kept here, not in tenancy's settings: only notifications reads it.
 */
export type NotificationSettingsEvent = { type: 'NotificationEmailSet'; data: { email: string | null; setAt: string } };
export type NotificationSettingsCommand = { type: 'SetNotificationEmail'; data: { email: unknown; at: string } };
export interface NotificationSettingsState {
  email: string | null;
}

export const notificationSettingsDecider: Decider<NotificationSettingsCommand, NotificationSettingsEvent, NotificationSettingsState> = {
  initialState: { email: null },
  decide(command, state) {
    switch (command.type) {
      case 'SetNotificationEmail': {
        // null clears it: the tenant is then told by the event alone.
        const email = command.data.email === null ? null : emailAddress(command.data.email, 'email');
        return email === state.email ? [] : [{ type: 'NotificationEmailSet', data: { email, setAt: command.data.at } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'NotificationEmailSet':
        return { email: event.data.email };
      default:
        return assertNever(event.type);
    }
  },
};

export function notificationSettingsStream(tenantId: string): string {
  return streamName('notificationSettings', tenantId, 'all');
}
