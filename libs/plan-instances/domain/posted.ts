import type { PlanInstanceBilled } from './plan-instance.events';
import { Invoice } from './invoice';

/**
 * The event types that post invoices; every consumer of invoices (numbering, balances, statements) reads these.
 * `PoolRated` is the pools context's (which builds on this one), so it is read by its shape, not imported.
 */
export const INVOICE_EVENT_TYPES = ['PlanInstanceBilled', 'PoolRated'] as const;

/** Why an invoice was posted: a plan instance's assignment, bill run or change, or a pool's rating. */
export type InvoiceReason = PlanInstanceBilled['data']['reason'] | 'poolRating';

/** The invoices an event posts, in order, with the reason; none for other events. */
export function postedInvoices(event: { type: string; data: unknown }): { invoice: Invoice; reason: InvoiceReason }[] {
  switch (event.type) {
    case 'PlanInstanceBilled': {
      const { invoice, reason } = (event as PlanInstanceBilled).data;
      return invoice === null ? [] : [{ invoice, reason }];
    }
    case 'PoolRated':
      return (event.data as PoolRatedInvoices).invoices.map((invoice) => ({ invoice, reason: 'poolRating' as const }));
    default:
      return [];
  }
}

/** What a `PoolRated` event's data carries for invoicing (pools/domain/pool.events.ts). */
interface PoolRatedInvoices {
  invoices: Invoice[];
}
