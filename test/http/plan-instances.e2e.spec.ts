import { READ_STORE, ReadStore } from '../../libs/platform/read-store/read-store.port';
import { allProjectors } from '../../apps/contexts';
import { hashReadModels } from '../support/read-model-hash';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

const monthly = monthlyPlan;

describe('Plan instances and invoices over HTTP', () => {
  let t: TestApp;
  let key: string;
  let store: ReadStore;

  /** A sandbox tenant on 2019-02-10 (DOMAIN.md §4's "today"), with accounts and plans. */
  async function sandbox(name: string, businessDate = '2019-02-10', settings?: Record<string, unknown>) {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate, ...(settings ? { settings } : {}) });
    for (const id of ['a', 'b', 'c', 'd']) await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: id, currency: 'USD' } });
    await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'yen', name: 'yen', currency: 'JPY' } });
    for (const plan of [monthly('basic', '100.00'), monthly('ten', '10.00'), monthly('twenty-nine', '29.00'), monthly('yen-plan', '1000', 'JPY')]) {
      expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
    }
    return apiKey;
  }

  const assign = (accountId: string, body: Record<string, unknown>, apiKey = key, headers?: Record<string, string>) =>
    t.request('POST', `/v1/accounts/${accountId}/plan-instances`, { key: apiKey, body, headers });

  /** The head of the log and a hash of every read model: a preview must change neither. */
  async function snapshot() {
    const head = await t.settledHead();
    return { head, models: await hashReadModels(store, allProjectors) };
  }

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(READ_STORE);
    key = await sandbox('Billing');
  });
  afterAll(() => t.close());

  it.each([
    ['A', 'a', {}, '2019-03-01', 10000, 2, '2019-03-02', 0],
    ['B', 'b', { altBillDay: 22, invoicingOption: 'prorated' }, '2019-02-21', 6452, 22, '2019-02-22', 0],
    ['C', 'c', { altBillDay: 7 }, '2019-03-01', 10000, 2, '2019-03-02', 1],
  ])('DOMAIN.md §4 case %s: the preview answers exactly what the commit then does, and writes nothing', async (_case, accountId, extra, periodEnd, amount, billDay, nextBillDate, warnings) => {
    const body = { planId: 'basic', retroactiveStartDate: '2019-02-02', ...extra };
    const before = await snapshot();
    const preview = await assign(accountId, { ...body, doWrite: false });
    expect(preview.status).toBe(200);
    expect(await snapshot()).toEqual(before);

    const commit = await assign(accountId, body);
    expect(commit.status).toBe(201);
    expect(commit.body).toEqual(preview.body);
    expect(commit.body).toMatchObject({ billDay, nextBillDate, status: 'active' });
    expect(commit.body.warnings).toHaveLength(warnings);
    expect(commit.body.invoice).toMatchObject({ invoiceDate: '2019-02-10', dueDate: '2019-02-10', currency: 'USD', total: amount });
    expect(commit.body.invoice.lines).toEqual([
      expect.objectContaining({ type: 'recurring', serviceId: 'base', periodStart: '2019-02-02', periodEnd, quantity: '1', unitPrice: '100.00', amount }),
    ]);

    const instance = await t.request('GET', `/v1/plan-instances/${commit.body.planInstanceId}`, { key });
    expect(instance.body).toMatchObject({ accountId, planId: 'basic', quantity: 1, status: 'active', billDay, nextBillDate, startDate: '2019-02-02' });
    const invoice = await t.request('GET', `/v1/invoices/${commit.body.invoice.id}`, { key });
    expect(invoice.status).toBe(200);
    expect(invoice.body).toMatchObject({ accountId, total: amount, balance: amount, lines: commit.body.invoice.lines });
  });

  it('numbers invoices gap-free per tenant, and the bill run invoices each period once as the clock advances', async () => {
    const advanced = await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-04-02' } });
    expect(advanced.status).toBe(200);
    const invoicesOf = async (accountId: string) => (await t.request('GET', `/v1/accounts/${accountId}/invoices?limit=100`, { key })).body.items;
    // B: 2019-02-22 and 2019-03-22 on its bill day 22; A: 2019-03-02 and 2019-04-02.
    expect((await invoicesOf('b')).map((i: any) => [i.invoiceDate, i.lines[0].periodStart, i.lines[0].periodEnd, i.total])).toEqual([
      ['2019-03-22', '2019-03-22', '2019-04-21', 10000],
      ['2019-02-22', '2019-02-22', '2019-03-21', 10000],
      ['2019-02-10', '2019-02-02', '2019-02-21', 6452],
    ]);
    expect((await invoicesOf('a')).map((i: any) => i.invoiceDate)).toEqual(['2019-04-02', '2019-03-02', '2019-02-10']);
    const all = [...(await invoicesOf('a')), ...(await invoicesOf('b')), ...(await invoicesOf('c'))];
    expect(all.map((i: any) => i.number).sort((x: number, y: number) => x - y)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
  });

  it('switches mid-period with credit 5.17 and charge 15.00 (DOMAIN.md §4), preview first', async () => {
    const apiKey = await sandbox('Switch', '2024-02-01');
    const created = await assign('d', { planId: 'ten' }, apiKey);
    expect(created.body.invoice.total).toBe(1000);
    await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2024-02-15' } });
    const route = `/v1/plan-instances/${created.body.planInstanceId}/switch`;
    const before = await snapshot();
    const preview = await t.request('POST', route, { key: apiKey, body: { planId: 'twenty-nine', doWrite: false } });
    expect(preview.status).toBe(200);
    expect(await snapshot()).toEqual(before);
    const commit = await t.request('POST', route, { key: apiKey, body: { planId: 'twenty-nine' } });
    expect(commit.status).toBe(201);
    expect(commit.body).toEqual(preview.body);
    expect(commit.body.invoice.lines.map((l: any) => [l.type, l.amount, l.periodStart, l.periodEnd, l.prorated])).toEqual([
      ['credit', -517, '2024-02-15', '2024-02-29', true],
      ['recurring', 1500, '2024-02-15', '2024-02-29', true],
    ]);
    expect((await t.request('GET', `/v1/plan-instances/${created.body.planInstanceId}`, { key: apiKey })).body.planId).toBe('twenty-nine');
  });

  it('changes quantity and cancels, each with a preview equal to the commit', async () => {
    const apiKey = await sandbox('Changes', '2024-02-01');
    const { body } = await assign('a', { planId: 'ten', quantity: 2 }, apiKey);
    await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2024-02-15' } });
    for (const [route, change] of [
      ['quantity', { quantity: 3 }],
      ['cancel', { effective: 'now' }],
    ] as const) {
      const path = `/v1/plan-instances/${body.planInstanceId}/${route}`;
      const preview = await t.request('POST', path, { key: apiKey, body: { ...change, doWrite: false } });
      const commit = await t.request('POST', path, { key: apiKey, body: change });
      expect([preview.status, commit.status]).toEqual([200, 201]);
      expect(commit.body).toEqual(preview.body);
    }
    const instance = (await t.request('GET', `/v1/plan-instances/${body.planInstanceId}`, { key: apiKey })).body;
    expect(instance).toMatchObject({ status: 'cancelled', quantity: 3, nextBillDate: null, cancelledOn: '2024-02-15' });
    const refused = await t.request('POST', `/v1/plan-instances/${body.planInstanceId}/quantity`, { key: apiKey, body: { quantity: 4 } });
    expect(refused.status).toBe(422);
    expect(refused.body.details[0]).toMatchObject({ field: 'planInstanceId', rule: 'notCancelled' });
  });

  it('charges a JPY plan in whole yen, and catches up every period begun by today on one invoice', async () => {
    const apiKey = await sandbox('Yen', '2019-04-02');
    const { body } = await assign('yen', { planId: 'yen-plan', retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated' }, apiKey);
    // The stub 1000 × 20/31 = 645.16 → 645 yen, then the periods from 2019-02-22 and 2019-03-22 in full.
    expect(body.invoice.lines.map((l: any) => [l.periodStart, l.periodEnd, l.amount])).toEqual([
      ['2019-02-02', '2019-02-21', 645],
      ['2019-02-22', '2019-03-21', 1000],
      ['2019-03-22', '2019-04-21', 1000],
    ]);
    expect(body.invoice).toMatchObject({ currency: 'JPY', total: 2645 });
    expect(body.nextBillDate).toBe('2019-04-22');
  });

  it.each([
    ['an unknown plan', 'a', { planId: 'nope' }, 422, 'planId', 'planExists'],
    ['a plan in another currency', 'a', { planId: 'yen-plan' }, 422, 'planId', 'sameCurrency'],
    ['altBillDay 0', 'a', { planId: 'basic', altBillDay: 0, invoicingOption: 'prorated' }, 400, 'altBillDay', 'range'],
    ['altBillDay 32', 'a', { planId: 'basic', altBillDay: 32, invoicingOption: 'prorated' }, 400, 'altBillDay', 'range'],
    ['a retroactive date in the future', 'a', { planId: 'basic', retroactiveStartDate: '2030-01-01' }, 422, 'retroactiveStartDate', 'notInFuture'],
    ['quantity 0', 'a', { planId: 'basic', quantity: 0 }, 400, 'quantity', 'range'],
    ['quantity -2', 'a', { planId: 'basic', quantity: -2 }, 400, 'quantity', 'range'],
    ['an unknown field', 'a', { planId: 'basic', colour: 'red' }, 400, 'colour', 'unknownField'],
    ['doWrite not a boolean', 'a', { planId: 'basic', doWrite: 'no' }, 400, 'doWrite', 'isBoolean'],
  ])('refuses %s with a message naming the field, and writes nothing', async (_what, accountId, body, status, field, rule) => {
    const before = await t.settledHead();
    const response = await assign(accountId, body);
    expect(response.status).toBe(status);
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    expect(await t.settledHead()).toBe(before);
  });

  it('answers 404 for an unknown account or plan instance, and for another tenant\'s', async () => {
    expect((await assign('ghost', { planId: 'basic' })).status).toBe(404);
    expect((await t.request('POST', '/v1/plan-instances/ghost/cancel', { key, body: {} })).status).toBe(404);
    const other = await sandbox('Other');
    const mine = await assign('a', { planId: 'basic' }, other);
    expect((await t.request('GET', `/v1/plan-instances/${mine.body.planInstanceId}`, { key })).status).toBe(404);
    expect((await t.request('POST', `/v1/plan-instances/${mine.body.planInstanceId}/cancel`, { key, body: {} })).status).toBe(404);
    expect((await t.request('GET', `/v1/invoices/${mine.body.invoice.id}`, { key })).status).toBe(404);
  });

  it('repeats an assignment with the same Idempotency-Key once, and gives several instances their own ids', async () => {
    const apiKey = await sandbox('Repeats');
    const first = await assign('a', { planId: 'basic' }, apiKey, { 'idempotency-key': 'assign-1' });
    const again = await assign('a', { planId: 'basic' }, apiKey, { 'idempotency-key': 'assign-1' });
    expect(again.body).toEqual(first.body);
    const second = await assign('a', { planId: 'basic', altBillDay: 20, invoicingOption: 'prorated' }, apiKey);
    const third = await assign('a', { planId: 'ten' }, apiKey);
    expect(new Set([first.body.planInstanceId, second.body.planInstanceId, third.body.planInstanceId]).size).toBe(3);
    const list = await t.request('GET', '/v1/accounts/a/plan-instances', { key: apiKey });
    expect(list.body.items.map((i: any) => i.billDay).sort()).toEqual([10, 10, 20]);
  });
});
