import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { Frequency, InstallmentTermEvent, itemUnitAmount, ItemEvent, LumpSum, ScheduleType } from '../domain';

/** One-time items (id: the item's). */
export const ITEMS = 'items';
/** Installment terms (id: the term's). */
export const INSTALLMENT_TERMS = 'installmentTerms';

export interface ItemDoc extends Doc {
  itemId: string;
  name: string;
  currency: string;
  /** Major units, with exactly the currency's minor digits ("25.00"). */
  unitPrice: string;
  /** The same price in minor units (2500): what an order line multiplies by its quantity. */
  unitAmount: number;
  /** Absent: the item names no tax category. */
  taxCategory?: string;
  createdOn: string;
}

export interface InstallmentTermDoc extends Doc {
  termId: string;
  name: string;
  schedule: ScheduleType;
  frequency: Frequency | null;
  installments: number;
  lumpSum: LumpSum | null;
  daysUntilDue: number | null;
  lumpSumDaysUntilDue: number | null;
  createdOn: string;
}

/** Written whole from the one event of each aggregate, so a replay is exact. */
export const itemsProjection: Projector = {
  name: 'items',
  collections: [{ name: ITEMS, indexes: [] }],
  eventTypes: ['ItemCreated'],
  project(recorded): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & ItemEvent;
    const { itemId, name, currency, unitPrice, taxCategory, createdOn } = event.data;
    const doc: ItemDoc = { itemId, name, currency, unitPrice, unitAmount: itemUnitAmount({ currency, unitPrice }), ...(taxCategory !== undefined ? { taxCategory } : {}), createdOn };
    return [{ op: 'upsert', collection: ITEMS, tenantId: recorded.metadata.tenantId, id: itemId, doc, position: recorded.position }];
  },
};

export const installmentTermsProjection: Projector = {
  name: 'installment-terms',
  collections: [{ name: INSTALLMENT_TERMS, indexes: [] }],
  eventTypes: ['InstallmentTermCreated'],
  project(recorded): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & InstallmentTermEvent;
    const { termId, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue, createdOn } = event.data;
    const doc: InstallmentTermDoc = { termId, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue, createdOn };
    return [{ op: 'upsert', collection: INSTALLMENT_TERMS, tenantId: recorded.metadata.tenantId, id: termId, doc, position: recorded.position }];
  },
};
