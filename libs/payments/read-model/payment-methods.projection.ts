import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { PAYMENT_METHODS_EVENT_TYPES, PaymentMethodsEvent, PaymentMethodType } from '../domain';

/** One per payment method (id = paymentMethodId), removed ones kept with status `removed`. Never the gateway token. */
export const PAYMENT_METHODS = 'paymentMethods';

export interface PaymentMethodDoc extends Doc {
  accountId: string;
  type: PaymentMethodType;
  last4: string;
  status: 'active' | 'removed';
  isDefault: boolean;
  /** Log position when added: an account's methods list in that order. */
  sequence: number;
}

/** An account's payment methods as GET /v1/accounts/{id}/payment-methods lists them. */
export const paymentMethodsProjection: Projector = {
  name: 'payment-methods',
  collections: [{ name: PAYMENT_METHODS, indexes: ['accountId', 'sequence'] }],
  eventTypes: [...PAYMENT_METHODS_EVENT_TYPES],
  async project(recorded, view) {
    const event = recorded as unknown as RecordedEvent & PaymentMethodsEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const write = (id: string, doc: PaymentMethodDoc): DocWrite => ({ op: 'upsert', collection: PAYMENT_METHODS, tenantId, id, doc, position });
    const current = async (id: string | null) => (id === null ? null : ((await view.get(PAYMENT_METHODS, tenantId, id)) as PaymentMethodDoc | null));
    switch (event.type) {
      case 'PaymentMethodAdded': {
        const { accountId, paymentMethodId, type, last4 } = event.data;
        return [write(paymentMethodId, { accountId, type, last4, status: 'active', isDefault: false, sequence: position })];
      }
      case 'PaymentMethodRemoved': {
        const doc = await current(event.data.paymentMethodId);
        return doc ? [write(event.data.paymentMethodId, { ...doc, status: 'removed', isDefault: false })] : [];
      }
      case 'DefaultPaymentMethodChanged': {
        const writes: DocWrite[] = [];
        const before = await current(event.data.from);
        if (before && event.data.from !== null) writes.push(write(event.data.from, { ...before, isDefault: false }));
        const after = await current(event.data.to);
        if (after && event.data.to !== null) writes.push(write(event.data.to, { ...after, isDefault: true }));
        return writes;
      }
    }
  },
};
