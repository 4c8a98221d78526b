import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/command-pipeline/command';
import { Invoice, invoiceAmounts, InvoiceLine } from '../domain/invoice';
import { BillingFacts, PlanInstanceCommand } from '../domain/plan-instance.commands';
import { scheduledDateOf, scheduledInvoice } from '../domain/scheduled-invoice';
import { DomainError } from '../../shared-kernel/errors';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { PlanInstance, planInstanceDecider } from '../domain/plan-instance.decider';
import { PlanInstanceEvent } from '../domain/plan-instance.events';
import { shownStatus } from '../domain/plan-instance';

/** The answer of assignment and of every change (API.md "Plan instances and invoices"), the same for a preview. */
export interface PlanInstanceResponse {
  planInstanceId: string;
  billDay: number;
  nextBillDate: string | null;
  status: string;
  warnings: string[];
  invoice: InvoiceResponse | null;
  /**
   * Answered over HTTP (the handlers add it when asked: `withScheduledInvoice`): what will post on the date of the
   * dated change this call made (a future start, a scheduled switch or cancellation), dated that day; null when it
   * made none or nothing will post then (issue 23).
   */
  scheduledInvoice?: InvoiceResponse | null;
}

export interface InvoiceResponse {
  id: string;
  accountId: string;
  planInstanceId: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  /** The lines other than tax, the tax lines, and both (minor units; DOMAIN.md §13). */
  subtotal: number;
  tax: number;
  total: number;
  lines: InvoiceLine[];
  ancestors?: string[];
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
    status: shownStatus(state),
    warnings: assigned?.type === 'PlanAssigned' ? assigned.data.warnings : [],
    invoice: invoice && invoiceResponse(invoice),
  };
}

/** The answers' invoice shape (also GET /v1/plan-instances/{id}'s `scheduledInvoice`). */
export function invoiceResponse(invoice: Invoice): InvoiceResponse {
  return {
    id: invoice.invoiceId,
    accountId: invoice.accountId,
    planInstanceId: invoice.planInstanceId,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    ...invoiceAmounts(invoice),
    lines: invoice.lines,
    // Present when another account pays any line (split billing): the tree as it was, for the payer's statement.
    ...(invoice.ancestors ? { ancestors: invoice.ancestors } : {}),
  };
}

/** Runs a plan-instance command, or only previews it (`doWrite: false`), and answers the same shape either way. */
export async function decidePlanInstance(
  runner: DeciderRunner,
  stream: string,
  command: PlanInstanceCommand,
  context: CommandContext,
  doWrite: boolean | undefined,
  withScheduledInvoice = false,
): Promise<CommandOutcome<PlanInstanceResponse>> {
  const outcome = doWrite === false ? await runner.preview(planInstanceDecider, stream, command) : await runner.run(planInstanceDecider, stream, command, context);
  // Every command that reaches here leaves an instance: assignment creates it, the others require it. A repeat
  // answers from what it wrote the first time (its invoice), not from nothing.
  const body = planInstanceResponse(outcome.state as PlanInstance, outcome.written);
  if (!withScheduledInvoice || !('pricing' in command.data)) return { body, position: outcome.position };
  return { body: { ...body, scheduledInvoice: scheduledInvoiceOf(outcome.state as PlanInstance, command.data, outcome.written) }, position: outcome.position };
}

/** The simulation of the bill run on the change's date (domain/scheduled-invoice.ts); a rule it breaks then shows as nothing now. */
function scheduledInvoiceOf(state: PlanInstance, facts: BillingFacts, written: readonly PlanInstanceEvent[]): InvoiceResponse | null {
  const date = scheduledDateOf(written, facts.today);
  return date === null ? null : scheduledInvoiceResponse(state, facts, date);
}

/** The invoice the bill run would post on `date` as an answer; null when none, or when the simulation breaks a rule. */
export function scheduledInvoiceResponse(state: PlanInstance, facts: BillingFacts, date: CalendarDate): InvoiceResponse | null {
  try {
    const invoice = scheduledInvoice(state, facts, date);
    return invoice && invoiceResponse(invoice);
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}
