import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { PAYMENT_METHODS_EVENT_TYPES, PaymentMethodsEvent, PaymentMethodType } from '../domain';

/**
 * One per account and payment method (id `<accountId>/<paymentMethodId>`: a method's id is the account's own, so two
 * accounts may both have a "card"), removed ones kept with status `removed`. Never the gateway token.
 */
export const PAYMENT_METHODS = 'paymentMethods';

export function paymentMethodDocId(accountId: string, paymentMethodId: string): string {
  return `${accountId}/${paymentMethodId}`;
}

export interface PaymentMethodDoc extends Doc {
  accountId: string;
  paymentMethodId: string;
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
    const { accountId } = event.data;
    const write = (doc: PaymentMethodDoc): DocWrite => ({ op: 'upsert', collection: PAYMENT_METHODS, tenantId, id: paymentMethodDocId(accountId, doc.paymentMethodId), doc, position });
    const current = async (id: string | null) => (id === null ? null : ((await view.get(PAYMENT_METHODS, tenantId, paymentMethodDocId(accountId, id))) as PaymentMethodDoc | null));
    switch (event.type) {
      case 'PaymentMethodAdded': {
        const { paymentMethodId, type, last4 } = event.data;
        return [write({ accountId, paymentMethodId, type, last4, status: 'active', isDefault: false, sequence: position })];
      }
      case 'PaymentMethodRemoved': {
        const doc = await current(event.data.paymentMethodId);
        return doc ? [write({ ...doc, status: 'removed', isDefault: false })] : [];
      }
      case 'DefaultPaymentMethodChanged': {
        const writes: DocWrite[] = [];
        const before = await current(event.data.from);
        if (before) writes.push(write({ ...before, isDefault: false }));
        const after = await current(event.data.to);
        if (after) writes.push(write({ ...after, isDefault: true }));
        return writes;
      }
    }
  },
};
