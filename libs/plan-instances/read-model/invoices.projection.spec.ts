import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Invoice } from '../domain/invoice';
import type { PlanInstanceBilled } from '../domain/plan-instance.events';
import { createEventStore } from '../../platform/event-store';
import { EventStore, NewEvent, RecordedEvent } from '../../platform/event-store/event-store.port';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { rebuildProjections } from '../../platform/projection-runner/rebuild';
import { createReadStore } from '../../platform/read-store';
import { ReadStore, StoredDoc } from '../../platform/read-store/read-store.port';
import { INVOICE_COUNTER_ID, INVOICE_COUNTERS, InvoiceCounterDoc, InvoiceDoc, INVOICES, invoicesProjection } from './invoices.projection';

const line = (amount: number, planInstanceId: string) => ({
  type: amount < 0 ? ('credit' as const) : ('recurring' as const),
  planInstanceId,
  serviceId: 'base',
  description: 'Base',
  periodStart: '2019-02-02',
  periodEnd: '2019-03-01',
  quantity: '1',
  unitPrice: '100.00',
  amount,
  prorated: false,
});

function invoice(invoiceId: string, total: number, accountId = 'acme', planInstanceId = 'pi-1'): Invoice {
  return { invoiceId, accountId, planInstanceId, invoiceDate: '2019-02-10', dueDate: '2019-02-10', currency: 'USD', total, lines: [line(total, planInstanceId)] };
}

function billedEvent(inv: Invoice | null, tenantId: string, planInstanceId = inv?.planInstanceId ?? 'pi-1'): NewEvent {
  const event: PlanInstanceBilled = {
    type: 'PlanInstanceBilled',
    data: { planInstanceId, accountId: inv?.accountId ?? 'acme', reason: 'billRun', nextBillDate: '2019-03-02', charges: [], invoice: inv },
  };
  return {
    id: `${tenantId}-${inv?.invoiceId ?? 'none'}-${Math.random()}`,
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2019-02-10' },
  };
}

let position = 0;
/** A recorded event without a log, for the tests that drive the projector directly. */
function recorded(inv: Invoice | null, tenantId = 't1'): RecordedEvent {
  position += 1;
  return { ...billedEvent(inv, tenantId), streamName: `planInstance-${tenantId}.pi-1`, revision: position - 1, position, recordedAt: '2026-01-01T00:00:00.000Z' };
}

describe('invoices projection', () => {
  let dir: string;
  let store: ReadStore;
  const project = (events: RecordedEvent[]) => projectBatch(invoicesProjection, events, store);
  const numberOf = async (invoiceId: string, tenantId = 't1') => (await store.get<InvoiceDoc>(INVOICES, tenantId, invoiceId))?.number;
  async function numbers(tenantId = 't1'): Promise<Record<string, number>> {
    const page = await store.find<InvoiceDoc>(INVOICES, tenantId, { sortBy: 'number', limit: 1000 });
    return Object.fromEntries(page.items.map((doc) => [doc.id, doc.number]));
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'invoices-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(invoicesProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the invoice with its number (what is owed on it is the payments context\'s)', async () => {
    await project([recorded(invoice('inv-a', 6452))]);
    const { _position, ...doc } = (await store.get<InvoiceDoc>(INVOICES, 't1', 'inv-a')) as StoredDoc<InvoiceDoc>;
    expect(doc).toEqual({
      id: 'inv-a',
      number: 1,
      accountId: 'acme',
      planInstanceId: 'pi-1',
      invoiceDate: '2019-02-10',
      dueDate: '2019-02-10',
      currency: 'USD',
      total: 6452,
      reason: 'billRun',
      lines: [line(6452, 'pi-1')],
    });
    expect(await store.get<InvoiceCounterDoc>(INVOICE_COUNTERS, 't1', INVOICE_COUNTER_ID)).toMatchObject({ last: 1 });
  });

  it('numbers 1..n in log order, within a batch and across batches; a billing without an invoice takes no number', async () => {
    await project([recorded(invoice('inv-c', 100)), recorded(null), recorded(invoice('inv-a', 200)), recorded(invoice('inv-b', 300))]);
    await project([recorded(invoice('inv-e', 100))]);
    await project([recorded(null), recorded(invoice('inv-d', 100)), recorded(invoice('inv-f', 100))]);
    expect(await numbers()).toEqual({ 'inv-c': 1, 'inv-a': 2, 'inv-b': 3, 'inv-e': 4, 'inv-d': 5, 'inv-f': 6 });
  });

  it('numbers each tenant on its own', async () => {
    await project([
      recorded(invoice('x1', 100), 't1'),
      recorded(invoice('y1', 100), 't2'),
      recorded(invoice('y2', 100), 't2'),
      recorded(invoice('x2', 100), 't1'),
      recorded(invoice('y3', 100), 't2'),
    ]);
    await project([recorded(invoice('x3', 100), 't1')]);
    expect(await numbers('t1')).toEqual({ x1: 1, x2: 2, x3: 3 });
    expect(await numbers('t2')).toEqual({ y1: 1, y2: 2, y3: 3 });
  });

  it('lists an account newest first by number', async () => {
    await project([recorded(invoice('a1', 100, 'acme')), recorded(invoice('b1', 100, 'other')), recorded(invoice('a2', 100, 'acme'))]);
    const page = await store.find<InvoiceDoc>(INVOICES, 't1', { filter: { accountId: 'acme' }, sortBy: 'number', direction: 'desc' });
    expect(page.items.map((doc) => [doc.id, doc.number])).toEqual([
      ['a2', 3],
      ['a1', 1],
    ]);
  });

  it('indexes only what is queried: an account, the number and the invoice date (GET /v1/invoices?from=&to=; each index is written for every invoice)', async () => {
    expect(invoicesProjection.collections.find((spec) => spec.name === INVOICES)?.indexes).toEqual(['accountId', 'number', 'invoiceDate']);
    await expect(store.find(INVOICES, 't1', { filter: { planInstanceId: 'pi-1' } })).rejects.toThrow(/planInstanceId/);
    await expect(store.find(INVOICES, 't1', { sortBy: 'dueDate' })).rejects.toThrow(/dueDate/);
  });

  it('gives no new number to a redelivered invoice, and the next new one continues without a gap', async () => {
    const first = [recorded(invoice('inv-1', 100)), recorded(invoice('inv-2', 100)), recorded(invoice('inv-3', 100))];
    await project(first);
    // Committed without its checkpoint (MongoDB, a rebuild stopped half-way): the runner delivers it again,
    // from the start or from the middle, with new events after it.
    await project([...first, recorded(invoice('inv-4', 100))]);
    await project([first[2], recorded(invoice('inv-5', 100))]);
    expect(await numbers()).toEqual({ 'inv-1': 1, 'inv-2': 2, 'inv-3': 3, 'inv-4': 4, 'inv-5': 5 });
    expect(await store.get(INVOICE_COUNTERS, 't1', INVOICE_COUNTER_ID)).toMatchObject({ last: 5 });
  });

  it('keeps the first number of an invoice id seen twice', async () => {
    await project([recorded(invoice('inv-1', 100)), recorded(invoice('inv-1', 100)), recorded(invoice('inv-2', 100))]);
    expect(await numbers()).toEqual({ 'inv-1': 1, 'inv-2': 2 });
  });

  it('catches the counter up to an invoice a store committed without it', async () => {
    const lost = recorded(invoice('inv-1', 100));
    // Only the invoice's own write reached the store (a store that commits a batch's writes one by one).
    const writes = await invoicesProjection.project(lost, { get: async () => null, find: async () => ({ items: [] }) });
    await store.apply(writes.filter((write) => write.collection === INVOICES));
    await project([lost, recorded(invoice('inv-2', 100))]);
    expect(await numbers()).toEqual({ 'inv-1': 1, 'inv-2': 2 });
  });

  describe('rebuilt from the log', () => {
    let events: EventStore;
    beforeEach(() => {
      events = createEventStore({ kind: 'sqlite', dataDir: dir });
    });
    afterEach(() => events.close());

    async function everything(): Promise<string[]> {
      const docs: string[] = [];
      for (const tenantId of ['t1', 't2']) {
        for (const collection of [INVOICES, INVOICE_COUNTERS]) {
          const page = await store.find(collection, tenantId, { limit: 1000 });
          docs.push(...page.items.map((doc) => `${collection} ${tenantId} ${JSON.stringify(doc)}`));
        }
      }
      return docs;
    }

    it('gives the same numbers as the live projection, whatever the batches were', async () => {
      for (let n = 0; n < 60; n++) {
        const tenantId = n % 3 === 0 ? 't2' : 't1';
        const inv = n % 7 === 3 ? null : invoice(`inv-${String(n).padStart(2, '0')}`, (n % 5) * 100 - 100, `acc-${n % 4}`, `pi-${n % 6}`);
        await events.appendToStream(`planInstance-${tenantId}.pi-${n % 6}`, [billedEvent(inv, tenantId)], 'any');
      }
      // Live: uneven batches, one redelivered in part.
      const all = await events.readAll();
      for (const [from, to] of [[0, 7], [7, 8], [8, 30], [20, 41], [41, 60]]) await project(all.slice(from, to));
      const live = await everything();
      const numbered = all.filter((event) => (event.data as PlanInstanceBilled['data']).invoice !== null);
      for (const tenantId of ['t1', 't2']) {
        const ids = numbered.filter((event) => event.metadata.tenantId === tenantId).map((event) => (event.data as PlanInstanceBilled['data']).invoice!.invoiceId);
        expect(Object.keys(await numbers(tenantId))).toEqual(ids);
        expect(Object.values(await numbers(tenantId))).toEqual(ids.map((_, i) => i + 1));
      }

      await rebuildProjections(events, store, [invoicesProjection], () => 0, 9);
      expect(await everything()).toEqual(live);
    });
  });
});
