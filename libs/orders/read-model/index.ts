import { Projector } from '../../platform/projection-runner/projector';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { InstallmentTerm } from '../domain';
import { INSTALLMENT_TERMS, InstallmentTermDoc, installmentTermsProjection, ItemDoc, ITEMS, itemsProjection } from './catalog.projection';
import { installmentSchedulesProjection } from './schedules.projection';
import { accountCommentsProjection } from './comments.projection';
import { ordersProjection } from './orders.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [itemsProjection, installmentTermsProjection, installmentSchedulesProjection, accountCommentsProjection, ordersProjection];

export { INSTALLMENT_TERMS, InstallmentTermDoc, installmentTermsProjection, ItemDoc, ITEMS, itemsProjection } from './catalog.projection';
export {
  alignedSchedulesOf,
  INSTALLMENT_ROWS,
  INSTALLMENT_SCHEDULES,
  InstallmentRowDoc,
  InstallmentRowView,
  InstallmentScheduleDoc,
  installmentScheduleById,
  installmentSchedulesProjection,
  InstallmentScheduleView,
  rowId,
  RowStatus,
  rowsDueBy,
  scheduleIdsOfInvoices,
  scheduleViewOf,
  scheduleViewOfDoc,
} from './schedules.projection';
export { ORDERS, OrderDoc, ordersProjection } from './orders.projection';
export { ACCOUNT_COMMENTS, AccountCommentDoc, accountCommentsProjection, COMMENT_SUBJECTS } from './comments.projection';

/** A one-time item of the tenant's catalog; null when the tenant has no such item. */
export async function itemById(store: ReadStore, tenantId: string, id: string): Promise<ItemDoc | null> {
  return store.get<ItemDoc>(ITEMS, tenantId, id);
}

/** An installment term of the tenant's catalog; null when the tenant has no such term. */
export async function installmentTermById(store: ReadStore, tenantId: string, id: string): Promise<InstallmentTermDoc | null> {
  return store.get<InstallmentTermDoc>(INSTALLMENT_TERMS, tenantId, id);
}

/** The domain value of a stored term, as CreateInstallmentSchedule takes it (`term`). */
export function installmentTermOf(doc: InstallmentTermDoc): InstallmentTerm {
  const { termId, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue } = doc;
  return { id: termId, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue };
}
