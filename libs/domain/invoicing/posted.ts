import type { PoolRated } from '../pools/pool.events';
import type { PlanInstanceBilled } from '../subscriptions/plan-instance.events';
import { Invoice } from './invoice';

/** The event types that post invoices; every consumer of invoices (numbering, balances, statements) reads these. */
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
      return (event as PoolRated).data.invoices.map((invoice) => ({ invoice, reason: 'poolRating' as const }));
    default:
      return [];
  }
}
