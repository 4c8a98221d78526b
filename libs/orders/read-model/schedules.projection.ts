import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { Doc, DocWrite, ReadStore } from '../../platform/read-store/read-store.port';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import {
  CompletionReason,
  InstallmentKind,
  installmentScheduleDecider,
  InstallmentScheduleEvent,
  InstallmentScheduleState,
  remainderInvoiceId,
  ScheduleStatus,
  ScheduleType,
} from '../domain';

/** One document per schedule (id: the schedule's): GET /v1/installment-schedules/{id} and the account's list. */
export const INSTALLMENT_SCHEDULES = 'installmentSchedules';
/**
 * One document per row of a schedule (id `<scheduleId>:<number>`), by status and invoice date: the installments
 * process manager asks it, each business day, which rows are due to be invoiced (as the timers read model).
 */
export const INSTALLMENT_ROWS = 'installmentRows';

/** What a row is now: still to bill, billed on its own invoice, or not billed on its own (cancelled, or the schedule settled). */
export type RowStatus = 'scheduled' | 'invoiced' | 'cancelled';

export interface InstallmentRowView {
  number: number;
  kind: InstallmentKind;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  amount: number;
  status: RowStatus;
  /** The receivable it was posted as (installmentInvoiceId), once invoiced. */
  invoiceId: string | null;
}

/** The API shape of a schedule (GET and the cancel route answer it). */
export interface InstallmentScheduleView {
  id: string;
  accountId: string;
  orderId: string;
  planInstanceId: string | null;
  termId: string;
  scheduleType: ScheduleType;
  currency: string;
  total: number;
  orderDate: CalendarDate;
  status: ScheduleStatus;
  installments: InstallmentRowView[];
  /** A cancellation's remainder: one line billed and due on `effective`; null when not cancelled or nothing was left. */
  remainder: { amount: number; invoiceDate: CalendarDate; dueDate: CalendarDate; numbers: number[]; invoiceId: string } | null;
  cancellation: { effective: CalendarDate } | null;
  completion: { reason: CompletionReason; on: CalendarDate } | null;
}

export interface InstallmentScheduleDoc extends Doc, InstallmentScheduleView {
  /** Log position of the schedule's creation: the account's list is in creation order. */
  sequence: number;
  /** The decider's state: each event is folded with the decider's own evolve, so the read model cannot drift from it. */
  state: NonNullable<InstallmentScheduleState>;
}

export interface InstallmentRowDoc extends Doc {
  scheduleId: string;
  accountId: string;
  number: number;
  invoiceDate: CalendarDate;
  status: RowStatus;
  /** The receivable it was posted as, once invoiced: completion maps a settled ledger item to its schedule by it. */
  invoiceId: string | null;
}

const EVENT_TYPES = ['InstallmentScheduleCreated', 'InstallmentInvoiced', 'InstallmentsRealigned', 'InstallmentScheduleCancelled', 'InstallmentScheduleCompleted'] as const;

export const installmentSchedulesProjection: Projector = {
  name: 'installment-schedules',
  collections: [
    { name: INSTALLMENT_SCHEDULES, indexes: ['accountId', 'sequence', 'planInstanceId'] },
    { name: INSTALLMENT_ROWS, indexes: ['status', 'invoiceDate', 'invoiceId'] },
  ],
  // InstallmentCreated repeats a row of InstallmentScheduleCreated: nothing to add.
  eventTypes: EVENT_TYPES,
  prefetch(recorded) {
    return [{ collection: INSTALLMENT_SCHEDULES, tenantId: recorded.metadata.tenantId, id: (recorded.data as { scheduleId: string }).scheduleId }];
  },
  async project(recorded, view): Promise<DocWrite[]> {
    const { tenantId } = recorded.metadata;
    const event = { type: recorded.type, data: recorded.data } as unknown as InstallmentScheduleEvent;
    const scheduleId = event.data.scheduleId;
    const current = (await view.get(INSTALLMENT_SCHEDULES, tenantId, scheduleId)) as InstallmentScheduleDoc | null;
    if (current === null && event.type !== 'InstallmentScheduleCreated') return []; // never expected: creation comes first
    const next = installmentScheduleDecider.evolve(current?.state ?? null, event);
    if (next === null) return [];
    const position = recorded.position;
    const doc: InstallmentScheduleDoc = { ...scheduleViewOf(next), sequence: current?.sequence ?? position, state: next };
    const before = new Map((current?.installments ?? []).map((row) => [row.number, row]));
    // Only the rows whose status or invoice date moved: a day that bills one row rewrites one row document.
    const rows = doc.installments
      .filter((row) => before.get(row.number)?.status !== row.status || before.get(row.number)?.invoiceDate !== row.invoiceDate)
      .map((row): DocWrite => {
        const rowDoc: InstallmentRowDoc = { scheduleId, accountId: doc.accountId, number: row.number, invoiceDate: row.invoiceDate, status: row.status, invoiceId: row.invoiceId };
        return { op: 'upsert', collection: INSTALLMENT_ROWS, tenantId, id: rowId(scheduleId, row.number), doc: rowDoc, position };
      });
    return [{ op: 'upsert', collection: INSTALLMENT_SCHEDULES, tenantId, id: scheduleId, doc, position }, ...rows];
  },
};

export function rowId(scheduleId: string, number: number): string {
  return `${scheduleId}:${number}`;
}

/** The API shape of a schedule from the decider's state (the cancel route answers from the stream with it). */
export function scheduleViewOf(state: NonNullable<InstallmentScheduleState>): InstallmentScheduleView {
  const { header, status, cancellation, completion } = state;
  const installments = state.installments.map(
    (row): InstallmentRowView => ({
      number: row.number,
      kind: row.kind,
      invoiceDate: row.invoiceDate,
      dueDate: row.dueDate,
      amount: row.amount,
      status: row.invoiceId !== null ? 'invoiced' : row.inRemainder || status === 'completed' ? 'cancelled' : 'scheduled',
      invoiceId: row.invoiceId,
    }),
  );
  const moved = state.installments.filter((row) => row.inRemainder);
  const remainder =
    cancellation !== null && cancellation.remainder > 0
      ? {
          amount: cancellation.remainder,
          invoiceDate: cancellation.effective,
          dueDate: cancellation.effective,
          numbers: moved.map((row) => row.number),
          invoiceId: remainderInvoiceId(header.scheduleId),
        }
      : null;
  return {
    id: header.scheduleId,
    accountId: header.accountId,
    orderId: header.orderId,
    planInstanceId: header.planInstanceId,
    termId: header.termId,
    scheduleType: header.scheduleType,
    currency: header.currency,
    total: header.total,
    orderDate: header.orderDate,
    status,
    installments,
    remainder,
    cancellation: cancellation && { effective: cancellation.effective },
    completion,
  };
}

/** A schedule of the tenant; null when there is none (another tenant's ids are null). */
export async function installmentScheduleById(store: ReadStore, tenantId: string, scheduleId: string): Promise<InstallmentScheduleDoc | null> {
  return store.get<InstallmentScheduleDoc>(INSTALLMENT_SCHEDULES, tenantId, scheduleId);
}

/** The API shape of a stored schedule: the bookkeeping (state, sequence, position) stays inside. */
export function scheduleViewOfDoc(doc: InstallmentScheduleDoc): InstallmentScheduleView {
  const { id: _id, _position, sequence: _sequence, state: _state, ...view } = doc;
  return { ...view, id: doc.id } as InstallmentScheduleView;
}

/** The rows of a tenant that are due to be invoiced on `date` (invoice date on or before it, still scheduled), page by page. */
export async function* rowsDueBy(store: ReadStore, tenantId: string, date: CalendarDate, pageSize = 500): AsyncGenerator<InstallmentRowDoc & { id: string }> {
  let cursor: string | undefined;
  do {
    const page = await store.find<InstallmentRowDoc>(INSTALLMENT_ROWS, tenantId, { filter: { status: 'scheduled', invoiceDate: { lte: date } }, limit: pageSize, cursor });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * The schedules whose rows were billed on these receivables (ids of rows not billed, or of other receivables, name
 * none), deduplicated. Rows written before the `invoiceId` index existed have none: a replay fills them.
 */
export async function scheduleIdsOfInvoices(store: ReadStore, tenantId: string, invoiceIds: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    [...new Set(invoiceIds)].map(async (invoiceId) => (await store.find<InstallmentRowDoc>(INSTALLMENT_ROWS, tenantId, { filter: { invoiceId }, limit: 1 })).items[0]?.scheduleId),
  );
  return [...new Set(found.filter((id): id is string => id !== undefined))];
}

/** The active aligned schedules tied to a plan instance (what a change of its billing interval moves), page by page. */
export async function* alignedSchedulesOf(store: ReadStore, tenantId: string, planInstanceId: string, pageSize = 500): AsyncGenerator<InstallmentScheduleDoc & { id: string }> {
  let cursor: string | undefined;
  do {
    const page = await store.find<InstallmentScheduleDoc>(INSTALLMENT_SCHEDULES, tenantId, { filter: { planInstanceId }, limit: pageSize, cursor });
    yield* page.items.filter((doc) => doc.scheduleType === 'aligned' && doc.status === 'active');
    cursor = page.nextCursor;
  } while (cursor);
}
