import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { InstallmentInvoiced } from '../domain';
import { scheduleIdsOfInvoices } from '../read-model';
import { schedulesReadModelAt } from './schedule-installments.process-manager';

/** Every installment row's receivable id starts so (`installmentInvoiceId`, legible or not): other items are skipped unread. */
const INSTALLMENT_PREFIX = 'ins:';

/**
 * `installment-completion` (DOMAIN.md §10: `completed` = paid off or written off). The ledger events that settle
 * items (a payment's applications, credit applied after a posting, a credit memo's, a write-off) name the receivables
 * they touched; those that are installment rows map to their schedules through the schedules read model (rows by
 * `invoiceId`, once its checkpoint passed the event), and each schedule gets `CompleteSettledInstallmentSchedule`,
 * whose handler reads the schedule's stream and the account's ledger and completes it only if every row is billed
 * and settled. A row billed into existing credit is settled by the CreditApplied its posting writes, so
 * InstallmentInvoiced matters only for a row of amount 0 (nothing in the ledger ever settles it).
 * Keys name the event and the schedule; one lane per account.
 */
export const installmentCompletionProcessManager: ProcessManager = {
  name: 'installment-completion',
  eventTypes: ['PaymentRecorded', 'CreditApplied', 'CreditMemoIssued', 'InvoiceWrittenOff', 'InstallmentInvoiced'],
  lanesAcrossEvents: true,
  concurrency: COMMAND_CHUNK_SIZE,
  react(recorded, context) {
    return completionChecks(recorded, context);
  },
};

/** The receivables an event settled (fully or in part), only those that may be installment rows. */
export function settledInstallmentInvoices(recorded: RecordedEvent): string[] {
  const data = recorded.data as { invoiceId?: string | null; applications?: { invoiceId: string }[] };
  const ids = [...(data.applications ?? []).map((a) => a.invoiceId), ...(recorded.type === 'InvoiceWrittenOff' && data.invoiceId ? [data.invoiceId] : [])];
  return [...new Set(ids.filter((id) => id.startsWith(INSTALLMENT_PREFIX)))];
}

async function completionChecks(recorded: RecordedEvent, context: ProcessManagerContext): Promise<PmCommand[]> {
  if (recorded.type === 'InstallmentInvoiced') {
    const { scheduleId, amount } = (recorded as unknown as InstallmentInvoiced).data;
    return amount > 0 ? [] : [check(recorded, scheduleId, `schedule:${scheduleId}`)];
  }
  const invoiceIds = settledInstallmentInvoices(recorded);
  if (invoiceIds.length === 0) return [];
  await schedulesReadModelAt(recorded.position, context); // every row billed before the money came is in it
  const scheduleIds = await scheduleIdsOfInvoices(context.store, recorded.metadata.tenantId, invoiceIds);
  const { accountId } = recorded.data as { accountId: string };
  return scheduleIds.map((scheduleId) => check(recorded, scheduleId, accountId));
}

function check(recorded: RecordedEvent, scheduleId: string, lane: string): PmCommand {
  return { type: 'CompleteSettledInstallmentSchedule', data: { scheduleId }, key: `complete:${recorded.id}:${scheduleId}`, lane };
}
