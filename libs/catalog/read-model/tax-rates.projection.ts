import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { TaxRateEvent } from '../domain/tax-rate';

export const TAX_RATES = 'taxRates';

/** The tenant's tax rate table (the built-in tax calculation reads it whole: a tenant has few rates). */
export const taxRatesProjection: Projector = {
  name: 'tax-rates',
  collections: [{ name: TAX_RATES, indexes: ['country'] }],
  eventTypes: ['TaxRateCreated'],
  project(recorded: RecordedEvent): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & TaxRateEvent;
    const { tenantId } = recorded.metadata;
    if (event.type !== 'TaxRateCreated') return [];
    const { taxRateId, ...rate } = event.data;
    return [{ op: 'upsert', collection: TAX_RATES, tenantId, id: taxRateId, doc: rate, position: recorded.position }];
  },
};
