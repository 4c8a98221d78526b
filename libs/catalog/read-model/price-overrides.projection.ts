import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { PriceOverrideEvent } from '../domain/price-override.decider';

export const PRICE_OVERRIDES = 'priceOverrides';

/** One document per override in force. Ids never contain '/', so two overrides cannot share a document. */
export function priceOverrideDocId(accountId: string, planId: string, serviceId: string): string {
  return `${accountId}/${planId}/${serviceId}`;
}

/** The price overrides in force, per account, plan and service (effective pricing walks them up the hierarchy). */
export const priceOverridesProjection: Projector = {
  name: 'price-overrides',
  collections: [{ name: PRICE_OVERRIDES, indexes: ['accountId', 'planId'] }],
  eventTypes: ['PriceOverrideSet', 'PriceOverrideRemoved'],
  project(recorded: RecordedEvent): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & PriceOverrideEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    switch (event.type) {
      case 'PriceOverrideSet': {
        const { accountId, planId, serviceId, pricing, discountPercent } = event.data;
        const doc = { accountId, planId, serviceId, pricing, discountPercent };
        return [{ op: 'upsert', collection: PRICE_OVERRIDES, tenantId, id: priceOverrideDocId(accountId, planId, serviceId), doc, position }];
      }
      case 'PriceOverrideRemoved': {
        const { accountId, planId, serviceId } = event.data;
        return [{ op: 'delete', collection: PRICE_OVERRIDES, tenantId, id: priceOverrideDocId(accountId, planId, serviceId), position }];
      }
      default:
        return [];
    }
  },
};
