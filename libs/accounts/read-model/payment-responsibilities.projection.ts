import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { PaymentResponsibilityEvent } from '../domain/payment-responsibility.decider';

export const PAYMENT_RESPONSIBILITIES = 'paymentResponsibilities';

/** The payment-responsibility setting in force per account (absent: the account pays everything itself). */
export const paymentResponsibilitiesProjection: Projector = {
  name: 'payment-responsibilities',
  collections: [{ name: PAYMENT_RESPONSIBILITIES, indexes: [] }],
  eventTypes: ['PaymentResponsibilitySet'],
  project(recorded: RecordedEvent): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & PaymentResponsibilityEvent;
    const { accountId, responsibility } = event.data;
    return [
      { op: 'upsert', collection: PAYMENT_RESPONSIBILITIES, tenantId: recorded.metadata.tenantId, id: accountId, doc: { responsibility }, position: recorded.position },
    ];
  },
};
