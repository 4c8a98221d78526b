import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { TenantSettings } from '../../tenancy/domain';
import { TENANTS } from '../../tenancy/read-model';
import { RECEIVABLE_ACCOUNTS, RECEIVABLE_ITEMS, ReceivableAccountDoc, ReceivableItemDoc } from '../read-model';

const PAGE = 1000;

/**
 * Statement FIFO keeps credit away from installments not yet due (DOMAIN.md §8, seed 002). Credit is otherwise applied
 * when something is posted or paid; on the day an installment falls due nothing may be, so on each business day of a
 * Statement FIFO tenant, every account with an installment due that day and credit in hand gets an ApplyCredit.
 * Other methods pay future installments with credit at once: nothing waits, and this reads nothing for them.
 */
export const creditApplicationProcessManager: ProcessManager = {
  name: 'credit-application',
  eventTypes: ['BusinessDayStarted'],
  concurrency: COMMAND_CHUNK_SIZE,
  react(recorded, context) {
    return accountsWithCreditForInstallmentsDue(recorded, context);
  },
};

async function* accountsWithCreditForInstallmentsDue(recorded: RecordedEvent, context: ProcessManagerContext): AsyncGenerator<PmCommand> {
  const { tenantId, date } = recorded.data as { tenantId: string; date: CalendarDate };
  const tenant = await context.store.get<{ settings: TenantSettings }>(TENANTS, SYSTEM_TENANT, tenantId);
  if (tenant?.settings.paymentApplicationMethod !== 'statementFifo') return;
  await context.readModelsAt(recorded.position);
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await context.store.find<ReceivableItemDoc>(RECEIVABLE_ITEMS, tenantId, { filter: { dueDate: date }, limit: PAGE, cursor });
    const owing = [...new Set(page.items.filter((item) => item.kind === 'installment' && item.balance > 0 && !seen.has(item.accountId)).map((item) => item.accountId))];
    const accounts = await context.store.getMany<ReceivableAccountDoc>(RECEIVABLE_ACCOUNTS, tenantId, owing);
    for (const account of accounts) {
      seen.add(account.id);
      if (account.credit > 0) yield { type: 'ApplyCredit', data: { accountId: account.id }, key: `apply-credit:${account.id}:${date}`, businessDate: date, lane: account.id };
    }
    cursor = page.nextCursor;
  } while (cursor);
}
