import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { ProjectionView, Projector } from '../../platform/projection-runner/projector';
import type { CalendarDate } from '../../shared-kernel/calendar-date';
import type { Invoice, InvoiceLine } from '../domain/invoice';
import { INVOICE_EVENT_TYPES, InvoiceReason, postedInvoices } from '../domain/posted';

export const INVOICES = 'invoices';
export const INVOICE_COUNTERS = 'invoiceCounters';
/** The id of a tenant's invoice counter document. */
export const INVOICE_COUNTER_ID = 'invoices';

/** One per invoice (id = invoiceId). */
export interface InvoiceDoc extends Doc {
  /** 1, 2, 3, … per tenant, in log order, without gaps. */
  number: number;
  accountId: string;
  planInstanceId: string;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  currency: string;
  /** Minor units. */
  total: number;
  /** The lines other than tax, and the tax lines (minor units): total = subtotal + tax. Absent when the invoice has neither discount nor tax. */
  subtotal?: number;
  tax?: number;
  reason: InvoiceReason;
  lines: InvoiceLine[];
  /** As on the invoice: the account's ancestors when another account pays a line. */
  ancestors?: string[];
}

/** One per tenant (id INVOICE_COUNTER_ID): the last number given. */
export interface InvoiceCounterDoc extends Doc {
  last: number;
}

/**
 * `invoices`: every invoice with its number, answered by GET /v1/invoices/{id} and /v1/accounts/{id}/invoices.
 *
 * Numbers are gap-free per tenant and follow the log: the n-th invoice of a tenant (a PlanInstanceBilled with
 * an invoice, or each invoice of a PoolRated in order; an event without consumes no number) gets n. The log's order is total and durable, so numbering here
 * needs no stream that every invoice of a tenant would have to go through (one writer at a time), and a
 * rebuild replays the same order and gives the same numbers.
 *
 * The counter (`invoiceCounters`/'invoices', field `last`) is read through the view, which sees the batch's
 * pending writes, so the invoices of one batch get consecutive numbers. Redelivery:
 * - On SQLite the runner commits a batch's writes (the counter and its invoices) in one transaction with the
 *   checkpoint. A crash before the commit leaves none of them, and the redelivered batch starts from the same
 *   counter, so it gives the same numbers; once committed, the batch is not delivered again.
 * - Where the writes can be committed without the checkpoint (MongoDB writes, then the checkpoint; a rebuild
 *   stopped half-way, after which the worker replays from 0 over the kept documents), a redelivered batch sees
 *   the counter and its invoices as committed. Numbering an invoice again would be ignored for its document
 *   (writes are guarded by position) but would move the counter on, leaving a gap before the next new invoice;
 *   so an invoice that already has a document keeps its number and moves nothing (a repeated invoice id too).
 * - A store that commits only part of a batch's writes can break the numbering. An invoice committed without
 *   the counter is mended (it keeps its number and the counter catches up to it); a counter committed without
 *   some of its invoices is not (they would be numbered again: gaps, or repeats if the counter's own write is
 *   then refused by the position guard). SQLite commits a batch whole; MongoDB's `apply` is ordered bulk
 *   writes, not a transaction, and would need one (with the checkpoint) for exact numbers.
 */
export const invoicesProjection: Projector = {
  name: 'invoices',
  collections: [
    // Only what is queried (an account's invoices by number): every index is one more B-tree page written per
    // invoice, and planInstanceId and invoiceDate (random keys within a day) were never read (decision 0008).
    // invoiceDate again for GET /v1/invoices?from=&to= (issue 22): the field is in every document (no rebuild needed).
    { name: INVOICES, indexes: ['accountId', 'number', 'invoiceDate'] },
    { name: INVOICE_COUNTERS, indexes: [] },
  ],
  eventTypes: [...INVOICE_EVENT_TYPES],
  // The counter and each posted invoice (new ones are misses): a batch's are read in one query per collection.
  prefetch(recorded) {
    const posted = postedInvoices(recorded);
    if (posted.length === 0) return [];
    const { tenantId } = recorded.metadata;
    return [{ collection: INVOICE_COUNTERS, tenantId, id: INVOICE_COUNTER_ID }, ...posted.map(({ invoice }) => ({ collection: INVOICES, tenantId, id: invoice.invoiceId }))];
  },
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const posted = postedInvoices(recorded);
    if (posted.length === 0) return [];
    const { tenantId } = recorded.metadata;
    const { position } = recorded;

    const counter = (await view.get(INVOICE_COUNTERS, tenantId, INVOICE_COUNTER_ID)) as InvoiceCounterDoc | null;
    let last = counter?.last ?? 0;
    const writes: DocWrite[] = [];
    for (const { invoice, reason } of posted) {
      const existing = (await view.get(INVOICES, tenantId, invoice.invoiceId)) as InvoiceDoc | null;
      if (existing) {
        // Numbered before (a redelivery): keep its number. Past the counter only if a store committed the invoice
        // without the counter; then the counter catches up, so the next invoice does not take the same number.
        last = Math.max(last, existing.number);
        continue;
      }
      last += 1;
      writes.push({ op: 'upsert', collection: INVOICES, tenantId, id: invoice.invoiceId, doc: invoiceDoc(invoice, reason, last), position });
    }
    if (last === (counter?.last ?? 0)) return writes;
    const next: InvoiceCounterDoc = { last };
    return [...writes, { op: 'upsert', collection: INVOICE_COUNTERS, tenantId, id: INVOICE_COUNTER_ID, doc: next, position }];
  },
};

function invoiceDoc(invoice: Invoice, reason: InvoiceReason, number: number): InvoiceDoc {
  return {
    number,
    accountId: invoice.accountId,
    planInstanceId: invoice.planInstanceId,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    total: invoice.total,
    // Only on invoices that carry them (a coupon or tax was in force); readers take subtotal = total, tax = 0 otherwise.
    ...(invoice.subtotal !== undefined ? { subtotal: invoice.subtotal, tax: invoice.tax ?? 0 } : {}),
    reason,
    lines: invoice.lines,
    ...(invoice.ancestors ? { ancestors: invoice.ancestors } : {}),
  };
}
