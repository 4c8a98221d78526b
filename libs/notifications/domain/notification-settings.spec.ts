import { specFor } from '../../shared-kernel/testing/given-when-then';
import { InvalidInputError } from '../../shared-kernel/errors';
import { notificationSettingsDecider, NotificationSettingsEvent } from './notification-settings';

const spec = specFor(notificationSettingsDecider);
const AT = '2026-11-22T10:00:00.000Z';
const set = (email: string | null): NotificationSettingsEvent => ({ type: 'NotificationEmailSet', data: { email, setAt: AT } });

describe("the tenant's notification settings", () => {
  it('records the address once, clears it with null, and refuses what is not an address', () => {
    spec.given([]).when({ type: 'SetNotificationEmail', data: { email: 'ops@example.com', at: AT } }).then([set('ops@example.com')]);
    spec.given([set('ops@example.com')]).when({ type: 'SetNotificationEmail', data: { email: 'ops@example.com', at: AT } }).then([]);
    spec.given([set('ops@example.com')]).when({ type: 'SetNotificationEmail', data: { email: null, at: AT } }).then([set(null)]);
    spec.given([]).when({ type: 'SetNotificationEmail', data: { email: null, at: AT } }).then([]);
    spec.given([]).when({ type: 'SetNotificationEmail', data: { email: 'not an address', at: AT } }).thenThrows(InvalidInputError);
  });
});
