import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Invoice, InvoiceLine } from '../../plan-instances/domain/invoice';
import { withPayers } from '../../plan-instances/domain/payers';
import type { PoolRated } from '../../pools/domain/pool.events';
import { nestSections } from '../domain/statement';
import type { PlanInstanceBilled } from '../../plan-instances/domain/plan-instance.events';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { createReadStore } from '../../platform/read-store';
import { RecordedEvent, NewEvent } from '../../platform/event-store/event-store.port';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNT_BALANCES, AccountBalanceDoc, sectionsRange, STATEMENT_SECTIONS, StatementDoc, StatementSectionDoc, STATEMENTS, statementsProjection } from './statements.projection';
import { createEventStore } from '../../platform/event-store';
import { rebuildProjections } from '../../platform/projection-runner/rebuild';

const line = (type: InvoiceLine['type'], amount: number): InvoiceLine => ({
  type,
  planInstanceId: 'pi',
  serviceId: type === 'usage' ? 'gb' : 'base',
  description: type,
  periodStart: '2024-01-01',
  periodEnd: '2024-01-31',
  quantity: '1',
  unitPrice: null,
  amount,
  prorated: false,
});

const PARENT_PAYS_RECURRING = { recurring: [{ payerAccountId: 'parent', percent: '100' }] };

function invoice(invoiceId: string, accountId: string, lines: InvoiceLine[], invoiceDate = '2024-01-01', ancestors?: string[]): Invoice {
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return { invoiceId, accountId, planInstanceId: `pi-${accountId}`, invoiceDate, dueDate: invoiceDate, currency: 'USD', total, lines, ...(ancestors ? { ancestors } : {}) };
}

function billed(inv: Invoice): NewEvent {
  const data: PlanInstanceBilled['data'] = { planInstanceId: inv.planInstanceId, accountId: inv.accountId, reason: 'billRun', nextBillDate: null, charges: [], invoice: inv };
  return newEvent('PlanInstanceBilled', data, inv.invoiceDate);
}

function poolRated(invoices: Invoice[]): NewEvent {
  const data: PoolRated['data'] = {
    ownerAccountId: 'parent',
    serviceId: 'gb',
    periodStart: '2024-01-01',
    periodEnd: '2024-02-01',
    currency: 'USD',
    totalQuantity: '50',
    amount: invoices.reduce((sum, i) => sum + i.total, 0),
    memberCount: invoices.length,
    parts: 1,
    part: 0,
    members: [],
    invoices,
  };
  return newEvent('PoolRated', data, invoices[0].invoiceDate);
}

function money(type: string, data: Record<string, unknown>, businessDate: string): NewEvent {
  return newEvent(type, { ...data, businessDate }, businessDate);
}

function payment(paymentId: string, accountId: string, amount: number, applications: Array<[string, number]>, businessDate: string): NewEvent {
  const applied = applications.map(([invoiceId, a]) => ({ invoiceId, amount: a }));
  const unapplied = amount - applied.reduce((sum, a) => sum + a.amount, 0);
  const data = { accountId, paymentId, amount, currency: 'USD', source: 'external', reference: null, paymentMethodId: null, invoiceId: null, applicationMethod: 'fifo', applications: applied, unapplied };
  return money('PaymentRecorded', data, businessDate);
}

let seq = 0;
function newEvent(type: string, data: unknown, businessDate: string): NewEvent {
  seq += 1;
  return { id: `e-${seq}`, type, data: data as Record<string, unknown>, metadata: { tenantId: 't1', commandId: `c${seq}`, correlationId: 'c', causationId: 'c', actor: 'a', businessDate } };
}

let position = 0;
const recorded = (event: NewEvent): RecordedEvent => {
  position += 1;
  return { ...event, streamName: 's-t1.x', revision: 0, position, recordedAt: '2026-01-01T00:00:00.000Z' };
};

describe('statements projection', () => {
  let dir: string;
  let store: ReadStore;
  const project = (events: RecordedEvent[]) => projectBatch(statementsProjection, events, store);
  const statement = (id: string) => store.get<StatementDoc>(STATEMENTS, 't1', id);
  const balance = (id: string) => store.get<AccountBalanceDoc>(ACCOUNT_BALANCES, 't1', id);
  const sections = async (id: string) => (await store.find<StatementSectionDoc>(STATEMENT_SECTIONS, 't1', { filter: { id: sectionsRange(id) }, limit: 1000 })).items;

  const documents = async () =>
    [
      ...(await store.find(STATEMENTS, 't1', { limit: 1000 })).items,
      ...(await store.find(ACCOUNT_BALANCES, 't1', { limit: 1000 })).items,
      ...(await store.find(STATEMENT_SECTIONS, 't1', { limit: 1000 })).items,
    ].map((doc) => JSON.stringify(doc));

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'statements-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(statementsProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nests three levels: the parent pays the recurring fees of child and grandchild; each pays its own usage', async () => {
    await project([
      recorded(billed(invoice('i-child', 'child', withPayers([line('recurring', 5000), line('usage', 250)], 'child', PARENT_PAYS_RECURRING), '2024-01-01', ['parent']))),
      recorded(billed(invoice('i-gc', 'grandchild', withPayers([line('recurring', 3000), line('usage', 120)], 'grandchild', PARENT_PAYS_RECURRING), '2024-01-01', ['child', 'parent']))),
      recorded(billed(invoice('i-parent', 'parent', [line('recurring', 10000)]))),
    ]);
    const parent = (await statement('parent:2024-01-01'))!;
    expect(parent).toMatchObject({ accountId: 'parent', charges: 18000, credits: 0, closingBalance: 18000, amountDue: 18000, invoiceIds: ['i-parent'] });
    expect(parent.lines.map((l) => l.owed)).toEqual([10000]);
    const [child] = nestSections(await sections('parent:2024-01-01'), () => null);
    expect(child).toMatchObject({ accountId: 'child', total: 8000 });
    expect(child.sections.map((s) => [s.accountId, s.total, s.lines.length])).toEqual([['grandchild', 3000, 1]]);

    const childStatement = (await statement('child:2024-01-01'))!;
    expect(childStatement).toMatchObject({ charges: 250, closingBalance: 250, invoiceIds: ['i-child'] });
    expect(await sections('child:2024-01-01')).toEqual([]);
    expect(childStatement.lines.map((l) => [l.type, l.owed, l.paidBy])).toEqual([
      ['recurring', 0, [{ accountId: 'parent', amount: 5000 }]],
      ['usage', 250, undefined],
    ]);
    expect(await balance('parent')).toMatchObject({ balance: 18000, lastStatementId: 'parent:2024-01-01' });
    // The parent's own charges: its own invoice and its shares of the others', one per due date.
    expect(parent).toMatchObject({ dueDate: '2024-01-01', openCharges: [{ dueDate: '2024-01-01', amount: 18000 }], settledLate: false });
    expect(await balance('grandchild')).toMatchObject({ balance: 120 });
  });

  it('splits by percentage and posts every invoice of a PoolRated (one event, several invoices for one payer)', async () => {
    const split = { usage: [{ payerAccountId: 'child', percent: '25' }, { payerAccountId: 'parent', percent: '75' }] };
    await project([
      recorded(poolRated([
        invoice('p-child', 'child', withPayers([line('usage', 1001)], 'child', split), '2024-02-01', ['parent']),
        invoice('p-gc', 'grandchild', withPayers([line('usage', 2000)], 'grandchild', { usage: [{ payerAccountId: 'parent', percent: '100' }] }), '2024-02-01', ['child', 'parent']),
      ])),
    ]);
    const child = (await statement('child:2024-02-01'))!;
    expect(child.lines[0]).toMatchObject({ amount: 1001, owed: 250, paidBy: [{ accountId: 'parent', amount: 751 }] });
    const parent = (await statement('parent:2024-02-01'))!;
    expect(parent.charges).toBe(751 + 2000);
    expect(nestSections(await sections('parent:2024-02-01'), () => null)).toMatchObject([{ accountId: 'child', total: 2751, sections: [{ accountId: 'grandchild', total: 2000 }] }]);
  });

  it('carries balances between statements; credits positive; a late invoice joins the latest statement', async () => {
    await project([recorded(billed(invoice('a1', 'a', [line('recurring', 10000)], '2024-01-01')))]);
    await project([recorded(billed(invoice('a2', 'a', [line('recurring', 10000)], '2024-02-01')))]);
    await project([recorded(billed(invoice('a3', 'a', [line('credit', -517)], '2024-02-15')))]);
    await project([recorded(billed(invoice('a-late', 'a', [line('usage', 42)], '2024-01-31')))]);
    expect(await statement('a:2024-01-01')).toMatchObject({ openingBalance: 0, closingBalance: 10000 });
    expect(await statement('a:2024-02-01')).toMatchObject({ periodStart: '2024-01-02', openingBalance: 10000, closingBalance: 20000 });
    const latest = (await statement('a:2024-02-15'))!;
    // Its own charges: the late invoice's 0.42 (the credit-only invoice is account credit, for the payments context to apply).
    expect(latest).toMatchObject({ openingBalance: 20000, charges: 42, credits: 517, closingBalance: 19525, amountDue: 19525, dueDate: '2024-01-31', openCharges: [{ dueDate: '2024-01-31', amount: 42 }], invoiceIds: ['a3', 'a-late'] });
    expect(latest.lines.map((l) => [l.invoiceId, l.lateInvoice])).toEqual([
      ['a3', undefined],
      ['a-late', true],
    ]);
    expect(await statement('a:2024-01-31')).toBeNull();
    expect(await balance('a')).toMatchObject({ balance: 19525, lastStatementId: 'a:2024-02-15' });
  });

  it('is idempotent: a redelivered event changes nothing, in the same batch or a later one', async () => {
    const event = recorded(billed(invoice('i1', 'child', withPayers([line('recurring', 700)], 'child', PARENT_PAYS_RECURRING), '2024-01-01', ['parent'])));
    await project([event]);
    const before = [await statement('parent:2024-01-01'), await statement('child:2024-01-01'), await balance('parent'), await sections('parent:2024-01-01')];
    await project([event]);
    expect(await statementsProjection.project(event, { get: (c, t, id) => store.get(c, t, id), find: (c, t, o) => store.find(c, t, o) })).toEqual([]);
    expect([await statement('parent:2024-01-01'), await statement('child:2024-01-01'), await balance('parent'), await sections('parent:2024-01-01')]).toEqual(before);
    expect(before[3]).toHaveLength(1);
  });

  it('reads a batch\'s balances, statements and sections ahead, and ends with the same documents as without', async () => {
    const split = { usage: [{ payerAccountId: 'child', percent: '25' }, { payerAccountId: 'parent', percent: '75' }] };
    const batches = [
      [
        recorded(billed(invoice('b-child', 'child', withPayers([line('recurring', 5000), line('usage', 250)], 'child', PARENT_PAYS_RECURRING), '2024-01-01', ['parent']))),
        recorded(billed(invoice('b-gc', 'grandchild', withPayers([line('recurring', 3000)], 'grandchild', PARENT_PAYS_RECURRING), '2024-01-01', ['child', 'parent']))),
        recorded(billed(invoice('b-parent', 'parent', [line('recurring', 10000)]))),
        recorded(billed(invoice('b-a1', 'a', [line('recurring', 10000)], '2024-02-01'))),
      ],
      [
        recorded(poolRated([
          invoice('p-child', 'child', withPayers([line('usage', 1001)], 'child', split), '2024-02-01', ['parent']),
          invoice('p-gc', 'grandchild', withPayers([line('usage', 2000)], 'grandchild', { usage: [{ payerAccountId: 'parent', percent: '100' }] }), '2024-02-01', ['child', 'parent']),
        ])),
        recorded(billed(invoice('b-a-late', 'a', [line('usage', 42)], '2024-01-31'))), // late: joins a:2024-02-01, not the named a:2024-01-31
        recorded(billed(invoice('b-a2', 'a', [line('credit', -517)], '2024-02-01'))),
      ],
    ];
    const without = createReadStore({ kind: 'sqlite', dataDir: path.join(dir, 'without') });
    await without.ensureCollections(statementsProjection.collections);
    const plain = { ...statementsProjection, prefetch: undefined };
    for (const batch of batches) await projectBatch(plain, batch, without);
    const getMany = jest.spyOn(store, 'getMany');
    const get = jest.spyOn(store, 'get');
    for (const batch of batches) await project(batch);

    expect(getMany).toHaveBeenCalled();
    // Every balance comes from the read-ahead or from the batch's own writes, never from a get of its own.
    expect(get.mock.calls.filter(([collection]) => collection === ACCOUNT_BALANCES)).toEqual([]);
    const all = async (s: ReadStore) =>
      (await Promise.all([STATEMENTS, ACCOUNT_BALANCES, STATEMENT_SECTIONS].map(async (c) => (await s.find(c, 't1', { limit: 1000 })).items))).flat().map((doc) => JSON.stringify(doc));
    const expected = await all(without);
    expect(expected.length).toBeGreaterThan(10);
    expect(await all(store)).toEqual(expected);
    await without.close();
  });

  it('money: joins the latest statement and balance; applications settle the statements carrying the invoices, own or in sections', async () => {
    const events = [
      billed(invoice('m-parent-1', 'parent', [line('recurring', 6000)], '2024-01-01')),
      billed(invoice('m-child-1', 'child', withPayers([line('recurring', 5000), line('usage', 300)], 'child', PARENT_PAYS_RECURRING), '2024-01-01', ['parent'])),
      billed(invoice('m-parent-2', 'parent', [line('recurring', 15000)], '2024-02-01')),
      // 175.00 from the parent: its January invoice, the child's fee it pays (a section's line), then 64.00 of February's.
      payment('m-pay', 'parent', 17500, [['m-parent-1', 6000], ['m-child-1', 5000], ['m-parent-2', 6500]], '2024-02-05'),
      money('CreditMemoIssued', { accountId: 'parent', creditMemoId: 'm-cm', amount: 1000, currency: 'USD', invoiceId: 'm-parent-2', applicationMethod: null, applications: [{ invoiceId: 'm-parent-2', amount: 1000 }], unapplied: 0, reason: 'outage', actor: 'jane' }, '2024-02-06'),
      money('PaymentRefunded', { accountId: 'parent', refundId: 'm-r', paymentId: 'm-pay', amount: 2000, fromCredit: 0, unapplications: [{ invoiceId: 'm-parent-2', amount: 2000 }], reason: 'error', actor: 'jane' }, '2024-02-07'),
      // The child pays its own usage.
      payment('m-child-pay', 'child', 300, [['m-child-1', 300]], '2024-01-01'),
      money('PaymentFailed', { accountId: 'parent', paymentId: 'm-fail', amount: 1, currency: 'USD', reason: 'declined', retryable: false }, '2024-02-07'),
    ].map(recorded);
    await project(events.slice(0, 4));
    await project(events.slice(4));

    const january = (await statement('parent:2024-01-01'))!;
    // Closed before the money came: its figures stand; its charges (6000 + the child's 5000) were paid after 2024-01-01.
    expect(january).toMatchObject({ charges: 11000, payments: 0, closingBalance: 11000, openCharges: [], dueDate: null, settledLate: true });
    const february = (await statement('parent:2024-02-01'))!;
    expect(february).toMatchObject({ openingBalance: 11000, charges: 15000, payments: 17500 - 2000, credits: 1000, closingBalance: 11000 + 15000 - 15500 - 1000, amountDue: 9500 });
    expect(february.openCharges).toEqual([{ dueDate: '2024-02-01', amount: 15000 - 6500 - 1000 + 2000 }]);
    expect(await balance('parent')).toMatchObject({ balance: 9500, lastStatementId: 'parent:2024-02-01' });
    expect(await statement('child:2024-01-01')).toMatchObject({ charges: 300, payments: 300, closingBalance: 0, openCharges: [], settledLate: false });
    expect(await balance('child')).toMatchObject({ balance: 0 });

    // Redelivered, in a batch or alone: nothing changes.
    const before = await documents();
    await project(events.slice(3));
    for (const event of events.slice(3)) expect(await statementsProjection.project(event, { get: (c, t, id) => store.get(c, t, id), find: (c, t, o) => store.find(c, t, o) })).toEqual([]);
    expect(await documents()).toEqual(before);
  });

  it('money before the first statement moves only the balance the first statement opens with', async () => {
    await project([recorded(payment('early', 'a', 2500, [], '2024-01-01')), recorded(billed(invoice('a1', 'a', [line('recurring', 10000)], '2024-01-05')))]);
    expect(await statement('a:2024-01-05')).toMatchObject({ openingBalance: -2500, charges: 10000, payments: 0, closingBalance: 7500, amountDue: 7500 });
    expect(await balance('a')).toMatchObject({ balance: 7500, currency: 'USD' });
  });

  it('rebuilds to identical documents whatever the batches', async () => {
    const events = createEventStore({ kind: 'sqlite', dataDir: dir });
    const all: NewEvent[] = [];
    for (let month = 1; month <= 3; month++) {
      const date = `2024-0${month}-01`;
      all.push(billed(invoice(`c-${month}`, 'child', withPayers([line('recurring', 5000), line('usage', 100 * month)], 'child', PARENT_PAYS_RECURRING), date, ['parent'])));
      all.push(billed(invoice(`g-${month}`, 'grandchild', withPayers([line('recurring', 3000)], 'grandchild', PARENT_PAYS_RECURRING), date, ['child', 'parent'])));
      all.push(billed(invoice(`cr-${month}`, 'child', [line('credit', -50)], `2024-0${month}-15`)));
      all.push(payment(`pay-${month}`, 'parent', 8000, [[`c-${month}`, 5000], [`g-${month}`, 3000]], `2024-0${month}-20`));
    }
    all.push(money('PaymentReversed', { accountId: 'parent', reversalId: 'rev', paymentId: 'pay-3', amount: 8000, fromCredit: 0, unapplications: [{ invoiceId: 'g-3', amount: 3000 }, { invoiceId: 'c-3', amount: 5000 }], reason: 'returned' }, '2024-03-25'));
    for (const [i, e] of all.entries()) await events.appendToStream(`planInstance-t1.x${i}`, [e], 'no_stream');
    // Live: one event per batch, then again in batches of three (money events among invoices).
    const log = await events.readAll({ after: 0, maxCount: 1000 });
    for (const e of log) await project([e]);
    const live = await documents();
    await rebuildProjections(events, store, [statementsProjection], () => 0);
    expect(await documents()).toEqual(live);
    const threes = createReadStore({ kind: 'sqlite', dataDir: path.join(dir, 'threes') });
    await threes.ensureCollections(statementsProjection.collections);
    for (let i = 0; i < log.length; i += 3) await projectBatch(statementsProjection, log.slice(i, i + 3), threes);
    const docs = async (s: ReadStore) =>
      (await Promise.all([STATEMENTS, ACCOUNT_BALANCES, STATEMENT_SECTIONS].map(async (c) => (await s.find(c, 't1', { limit: 1000 })).items))).flat().map((doc) => JSON.stringify(doc));
    expect(await docs(threes)).toEqual(await docs(store));
    await threes.close();
    // January and February's charges paid (late: due on the 1st, paid on the 20th); March's payment came back.
    expect(await statement('parent:2024-02-01')).toMatchObject({ openCharges: [], settledLate: true });
    expect(await statement('parent:2024-03-01')).toMatchObject({ payments: 0, openCharges: [{ dueDate: '2024-03-01', amount: 8000 }] });
    // statements: child (bill dates and credits), grandchild, parent; balances; the parent's sections (child, grandchild) each month
    expect(live.length).toBe(6 + 3 + 3 + 3 + 3 * 2);
    await events.close();
  });
});
