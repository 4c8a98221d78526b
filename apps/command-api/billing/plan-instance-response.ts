import { InvoiceLine } from '../../../libs/domain/invoicing/invoice';
import { PlanInstance } from '../../../libs/domain/subscriptions/plan-instance.decider';
import { PlanInstanceEvent } from '../../../libs/domain/subscriptions/plan-instance.events';

/** The answer of assignment and of every change (API.md "Plan instances and invoices"), the same for a preview. */
export interface PlanInstanceResponse {
  planInstanceId: string;
  billDay: number;
  nextBillDate: string | null;
  status: string;
  warnings: string[];
  invoice: InvoiceResponse | null;
}

export interface InvoiceResponse {
  id: string;
  accountId: string;
  planInstanceId: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  total: number;
  lines: InvoiceLine[];
}

/** Built from the state after the command and the events it decided (none for a repeat or a no-op). */
export function planInstanceResponse(state: PlanInstance, decided: readonly PlanInstanceEvent[]): PlanInstanceResponse {
  const assigned = decided.find((event) => event.type === 'PlanAssigned');
  const billed = decided.find((event) => event.type === 'PlanInstanceBilled');
  const invoice = billed?.type === 'PlanInstanceBilled' ? billed.data.invoice : null;
  return {
    planInstanceId: state.id,
    billDay: state.grid.billDay,
    nextBillDate: state.nextBillDate,
    status: state.status,
    warnings: assigned?.type === 'PlanAssigned' ? assigned.data.warnings : [],
    invoice: invoice && {
      id: invoice.invoiceId,
      accountId: invoice.accountId,
      planInstanceId: invoice.planInstanceId,
      invoiceDate: invoice.invoiceDate,
      dueDate: invoice.dueDate,
      currency: invoice.currency,
      total: invoice.total,
      lines: invoice.lines,
    },
  };
}
