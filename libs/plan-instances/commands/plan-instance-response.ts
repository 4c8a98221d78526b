import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/command-pipeline/command';
import { InvoiceLine } from '../domain/invoice';
import { PlanInstanceCommand } from '../domain/plan-instance.commands';
import { PlanInstance, planInstanceDecider } from '../domain/plan-instance.decider';
import { PlanInstanceEvent } from '../domain/plan-instance.events';

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
      // Present when another account pays any line (split billing): the tree as it was, for the payer's statement.
      ...(invoice.ancestors ? { ancestors: invoice.ancestors } : {}),
    },
  };
}

/** Runs a plan-instance command, or only previews it (`doWrite: false`), and answers the same shape either way. */
export async function decidePlanInstance(
  runner: DeciderRunner,
  stream: string,
  command: PlanInstanceCommand,
  context: CommandContext,
  doWrite: boolean | undefined,
): Promise<CommandOutcome<PlanInstanceResponse>> {
  const outcome = doWrite === false ? await runner.preview(planInstanceDecider, stream, command) : await runner.run(planInstanceDecider, stream, command, context);
  // Every command that reaches here leaves an instance: assignment creates it, the others require it. A repeat
  // answers from what it wrote the first time (its invoice), not from nothing.
  return { body: planInstanceResponse(outcome.state as PlanInstance, outcome.written), position: outcome.position };
}
