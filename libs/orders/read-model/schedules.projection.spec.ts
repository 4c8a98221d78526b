import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { ProjectionView } from '../../platform/projection-runner/projector';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { InstallmentScheduleEvent } from '../domain';
import {
  ACCOUNT_COMMENTS,
  accountCommentsProjection,
  INSTALLMENT_ROWS,
  installmentScheduleById,
  installmentSchedulesProjection,
  projectors,
  rowsDueBy,
  scheduleViewOfDoc,
} from './index';

let position = 0;
function recorded(event: { type: string; data: unknown }, businessDate = '2026-01-31', tenantId = 't1'): RecordedEvent {
  position += 1;
  return {
    ...(event as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: 'x',
    revision: 0,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate },
  };
}

const rows = [
  { number: 1, kind: 'installment' as const, invoiceDate: '2026-01-31', dueDate: '2026-02-10', amount: 33334 },
  { number: 2, kind: 'installment' as const, invoiceDate: '2026-02-28', dueDate: '2026-03-10', amount: 33333 },
  { number: 3, kind: 'installment' as const, invoiceDate: '2026-03-31', dueDate: '2026-04-10', amount: 33333 },
];
const created: InstallmentScheduleEvent = {
  type: 'InstallmentScheduleCreated',
  data: { scheduleId: 'o1', accountId: 'acc', orderId: 'o1', planInstanceId: null, termId: 'monthly-3', scheduleType: 'independent', currency: 'USD', total: 100000, orderDate: '2026-01-31', installments: rows },
};
const orderPlaced = { type: 'OrderPlaced', data: { orderId: 'o1', accountId: 'acc', lines: [{ itemId: 'phone-x', name: 'Phone X', quantity: 1, unitPrice: '1000.00', amount: 100000 }, { itemId: 'case', name: 'Case' }] } };

describe('installment schedules and account comments read models', () => {
  let dir: string;
  let store: ReadStore;
  const view: ProjectionView = { get: (c, t, id) => store.get(c, t, id), find: (c, t, o) => store.find(c, t, o) };
  const project = async (events: RecordedEvent[]) => {
    for (const event of events) {
      for (const projector of [installmentSchedulesProjection, accountCommentsProjection]) {
        if (projector.eventTypes.includes(event.type)) await store.apply(await projector.project(event, view));
      }
    }
  };
  const due = async (date: string, tenantId = 't1') => {
    const found: string[] = [];
    for await (const row of rowsDueBy(store, tenantId, date, 2)) found.push(row.id);
    return found;
  };
  const comments = async () => (await store.find(ACCOUNT_COMMENTS, 't1', { filter: { accountId: 'acc' }, sortBy: 'sequence' })).items.map((c) => [c.date, c.text, c.actor]);

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'orders-schedules-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(projectors.flatMap((projector) => projector.collections));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new schedule: every row scheduled, due rows found by invoice date (page by page), per tenant; redelivery changes nothing', async () => {
    const event = recorded(created);
    await project([event, event]);
    const doc = await installmentScheduleById(store, 't1', 'o1');
    expect(scheduleViewOfDoc(doc!)).toEqual({
      id: 'o1',
      accountId: 'acc',
      orderId: 'o1',
      planInstanceId: null,
      termId: 'monthly-3',
      scheduleType: 'independent',
      currency: 'USD',
      total: 100000,
      orderDate: '2026-01-31',
      status: 'active',
      installments: rows.map((row) => ({ ...row, status: 'scheduled', invoiceId: null })),
      remainder: null,
      cancellation: null,
      completion: null,
    });
    expect(await due('2026-01-30')).toEqual([]);
    expect(await due('2026-02-28')).toEqual(['o1:1', 'o1:2']);
    expect(await due('2026-12-31')).toEqual(['o1:1', 'o1:2', 'o1:3']);
    expect(await due('2026-12-31', 't2')).toEqual([]);
    expect(await installmentScheduleById(store, 't2', 'o1')).toBeNull();
  });

  it('an invoiced row leaves the due rows; a dated cancellation moves the later rows to the remainder', async () => {
    await project([
      recorded(created),
      recorded({ type: 'InstallmentInvoiced', data: { scheduleId: 'o1', number: 1, invoiceId: 'ins:o1:1', amount: 33334 } }),
      recorded(
        { type: 'InstallmentScheduleCancelled', data: { scheduleId: 'o1', effective: '2026-03-15', requestedOn: '2026-02-01', remainder: 33333, remainderLine: { invoiceDate: '2026-03-15', dueDate: '2026-03-15', amount: 33333, numbers: [3] } } },
        '2026-02-01',
      ),
    ]);
    const doc = scheduleViewOfDoc((await installmentScheduleById(store, 't1', 'o1'))!);
    expect(doc.status).toBe('cancelled');
    expect(doc.installments.map((row) => [row.number, row.status, row.invoiceId])).toEqual([
      [1, 'invoiced', 'ins:o1:1'],
      [2, 'scheduled', null],
      [3, 'cancelled', null],
    ]);
    expect(doc.remainder).toEqual({ amount: 33333, invoiceDate: '2026-03-15', dueDate: '2026-03-15', numbers: [3], invoiceId: 'rem:o1' });
    expect(await due('2026-12-31')).toEqual(['o1:2']);
    expect((await store.get(INSTALLMENT_ROWS, 't1', 'o1:3'))?.status).toBe('cancelled');
  });

  it("comments: created, in the seed's words, naming the order's first item and its invoice; then the status change", async () => {
    await project([recorded(orderPlaced), recorded(created), recorded({ type: 'InstallmentScheduleCompleted', data: { scheduleId: 'o1', reason: 'paidOff', on: '2026-02-05' } }, '2026-02-05')]);
    expect(await comments()).toEqual([
      ['2026-01-31', 'Independent installment o1 created for Phone X - phone-x on invoice ord:o1', 'system'],
      ['2026-02-05', 'Independent installment o1 status for Phone X - phone-x on invoice ord:o1 was updated to: Completed', 'system'],
    ]);
    const doc = scheduleViewOfDoc((await installmentScheduleById(store, 't1', 'o1'))!);
    expect(doc.installments.map((row) => row.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await due('2026-12-31')).toEqual([]);
  });

  it('comments: a schedule without a known order names the order id; a cancellation writes the status comment once', async () => {
    const first = recorded(created);
    const cancelled = recorded({ type: 'InstallmentScheduleCancelled', data: { scheduleId: 'o1', effective: '2026-01-31', requestedOn: '2026-01-31', remainder: 100000, remainderLine: { invoiceDate: '2026-01-31', dueDate: '2026-01-31', amount: 100000, numbers: [1, 2, 3] } } });
    await project([first, cancelled, cancelled]);
    expect(await comments()).toEqual([
      ['2026-01-31', 'Independent installment o1 created for o1 - o1 on invoice ord:o1', 'system'],
      ['2026-01-31', 'Independent installment o1 status for o1 - o1 on invoice ord:o1 was updated to: Cancelled', 'system'],
    ]);
  });
});
