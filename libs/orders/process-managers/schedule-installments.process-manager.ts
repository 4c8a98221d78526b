import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { readModelReached } from '../../platform/process-manager-runtime/read-model-at';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { deterministicUuid } from '../../shared-kernel/ids';
import { InstallmentInvoiced, InstallmentScheduleCancelled, InstallmentScheduleCreated, remainderInvoiceId } from '../domain';
import { installmentScheduleById, InstallmentScheduleDoc, installmentSchedulesProjection, rowsDueBy } from '../read-model';

/**
 * The installment timeline (DOMAIN.md §10), driven by the business day, in two process managers.
 *
 * `installments` reacts to a schedule's own events:
 * - a new schedule: InvoiceInstallment for every row whose invoice date has come (the lump sum and, for an
 *   independent term, the first installment: on the order date);
 * - an invoiced row: PostReceivable of kind `installment` to the account's ledger with the row's invoice date, due
 *   date and amount (collection and statements take it from there);
 * - a cancellation: PostReceivable of kind `remainder` of what was left, billed and due on the effective date, at
 *   once or on a durable timer for a future date (dunning takes an unpaid remainder).
 * Its reactions are arrays whose lanes (one per account) run across a batch's events, so 100,000 new orders or a
 * day's 100,000 postings share group commits instead of each command waiting for the one before.
 *
 * `installments-daily` is the daily scan (apart because it streams, which lanes across events cannot).
 *
 * Commands are keyed by the event that asks for them; the aggregates recognise repeats (InvoiceInstallment with the
 * same invoice id, PostReceivable of the same receivable), so two paths to one row bill it once.
 */
export const installmentsProcessManager: ProcessManager = {
  name: 'installments',
  eventTypes: ['InstallmentScheduleCreated', 'InstallmentInvoiced', 'InstallmentScheduleCancelled'],
  lanesAcrossEvents: true,
  concurrency: COMMAND_CHUNK_SIZE,
  react(recorded, context) {
    switch (recorded.type) {
      case 'InstallmentScheduleCreated':
        return rowsDueAtCreation(recorded);
      case 'InstallmentInvoiced':
        return postInstallment(recorded, context);
      default:
        return postRemainder(recorded, context);
    }
  },
};

/**
 * `installments-daily`: each business day, InvoiceInstallment for every row still scheduled whose invoice date is on
 * or before the day (the installmentRows read model, streamed page by page; a chunk of COMMAND_CHUNK_SIZE in
 * flight shares group commits, as dunning-entry).
 */
export const installmentsDailyProcessManager: ProcessManager = {
  name: 'installments-daily',
  eventTypes: ['BusinessDayStarted'],
  concurrency: COMMAND_CHUNK_SIZE,
  react(recorded, context) {
    return rowsDueToday(recorded, context);
  },
};

/** In the schedule's account's lane: its postings keep their order. */
function invoice(recorded: RecordedEvent, accountId: string, scheduleId: string, number: number, businessDate?: CalendarDate): PmCommand {
  return { type: 'InvoiceInstallment', data: { scheduleId, number }, key: `invoice:${recorded.id}:${scheduleId}:${number}`, lane: accountId, ...(businessDate ? { businessDate } : {}) };
}

function rowsDueAtCreation(recorded: RecordedEvent): PmCommand[] {
  const { scheduleId, accountId, installments } = (recorded as unknown as InstallmentScheduleCreated).data;
  const today = recorded.metadata.businessDate as CalendarDate;
  return installments.filter((row) => compareDates(row.invoiceDate, today) <= 0).map((row) => invoice(recorded, accountId, scheduleId, row.number));
}

/** Streamed page by page (the runtime pulls a chunk at a time): memory stays bounded however many rows fall due. */
async function* rowsDueToday(recorded: RecordedEvent, context: ProcessManagerContext): AsyncGenerator<PmCommand> {
  const { tenantId, date } = recorded.data as { tenantId: string; date: CalendarDate };
  await context.readModelsAt(recorded.position); // every schedule created and row invoiced before this day is in the read model
  for await (const row of rowsDueBy(context.store, tenantId, date)) yield invoice(recorded, row.accountId, row.scheduleId, row.number, date);
}

/** How far the schedules read model is known to have reached, per store (one per app): asked again only beyond it. */
const schedulesReached = new WeakMap<ReadStore, number>();

/**
 * The schedule as of the event (its account, currency and the row's dates), once the schedules read model has passed
 * it: this projector alone, not every read model, and its checkpoint asked once per projector batch, not per event.
 */
async function scheduleAt(recorded: RecordedEvent, context: ProcessManagerContext, scheduleId: string): Promise<InstallmentScheduleDoc | null> {
  await schedulesReadModelAt(recorded.position, context);
  return installmentScheduleById(context.store, recorded.metadata.tenantId, scheduleId);
}

/** Resolves once the schedules read model (this projector alone) has passed `position` (also the completion process manager's wait). */
export async function schedulesReadModelAt(position: number, { store }: ProcessManagerContext): Promise<void> {
  if ((schedulesReached.get(store) ?? 0) >= position) return;
  schedulesReached.set(store, await readModelReached(store, installmentSchedulesProjection.name, position));
}

async function postInstallment(recorded: RecordedEvent, context: ProcessManagerContext): Promise<PmCommand[]> {
  const { scheduleId, number, invoiceId, amount, accountId: owner, currency: owed, invoiceDate, dueDate } = (recorded as unknown as InstallmentInvoiced).data;
  if (owner && owed && invoiceDate && dueDate) {
    const posting = { accountId: owner, invoiceId, invoiceNumber: null, invoiceDate, dueDate, currency: owed, amount, kind: 'installment' };
    return [{ type: 'PostReceivable', data: posting, key: `post:${recorded.id}`, lane: owner }];
  }
  // Recorded before the event carried the posting's facts: the schedule's read model has them.
  const schedule = await scheduleAt(recorded, context, scheduleId);
  const row = schedule?.installments.find((r) => r.number === number);
  if (!schedule || !row) throw new Error(`installments: schedule ${scheduleId} row ${number} is not in the read model at position ${recorded.position}`);
  const { accountId, currency } = schedule;
  const data = { accountId, invoiceId, invoiceNumber: null, invoiceDate: row.invoiceDate, dueDate: row.dueDate, currency, amount, kind: 'installment' };
  return [{ type: 'PostReceivable', data, key: `post:${recorded.id}`, lane: accountId }];
}

async function postRemainder(recorded: RecordedEvent, context: ProcessManagerContext): Promise<PmCommand[]> {
  const { scheduleId, effective, remainderLine } = (recorded as unknown as InstallmentScheduleCancelled).data;
  if (remainderLine === null || remainderLine.amount <= 0) return [];
  const schedule = await scheduleAt(recorded, context, scheduleId);
  if (!schedule) throw new Error(`installments: schedule ${scheduleId} is not in the read model at position ${recorded.position}`);
  const { accountId, currency } = schedule;
  const command = {
    type: 'PostReceivable',
    data: { accountId, invoiceId: remainderInvoiceId(scheduleId), invoiceNumber: null, invoiceDate: remainderLine.invoiceDate, dueDate: remainderLine.dueDate, currency, amount: remainderLine.amount, kind: 'remainder' },
  };
  const today = recorded.metadata.businessDate as CalendarDate;
  if (compareDates(effective, today) <= 0) return [{ ...command, key: `remainder:${recorded.id}`, lane: accountId }];
  // A dated cancellation: posted on the effective day (the timer fires it with that business date).
  const timerId = deterministicUuid(scheduleId, 'installment-remainder', effective);
  return [{ type: 'ScheduleTimer', data: { timerId, dueDate: effective, command }, key: `timer:${recorded.id}`, lane: accountId }];
}
