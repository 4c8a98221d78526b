import { READ_STORE, ReadStore } from '../../libs/platform/read-store/read-store.port';
import { allProjectors } from '../../apps/contexts';
import { hashReadModels } from '../support/read-model-hash';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/** Issue 23: future-dated assignment (startDate) and what dated changes will post (scheduledInvoice), over HTTP. */
describe('Dated starts and previews of dated changes over HTTP', () => {
  let t: TestApp;
  let store: ReadStore;

  /** A sandbox tenant on 2019-02-10 with accounts a–d and monthly plans basic (100.00) and ten (10.00). */
  async function sandbox(name: string, businessDate = '2019-02-10', settings?: Record<string, unknown>) {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate, ...(settings ? { settings } : {}) });
    for (const id of ['a', 'b', 'c', 'd']) await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: id, currency: 'USD' } });
    for (const plan of [monthlyPlan('basic', '100.00'), monthlyPlan('ten', '10.00')]) {
      expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
    }
    return apiKey;
  }
  const assign = (key: string, accountId: string, body: Record<string, unknown>) => t.request('POST', `/v1/accounts/${accountId}/plan-instances`, { key, body });
  const advance = (key: string, to: string) => t.request('POST', '/v1/clock/advance', { key, body: { to } });
  const invoicesOf = async (key: string, accountId: string) => (await t.request('GET', `/v1/accounts/${accountId}/invoices?limit=100`, { key })).body.items;
  const instance = async (key: string, id: string) => (await t.request('GET', `/v1/plan-instances/${id}`, { key })).body;
  async function snapshot() {
    const head = await t.settledHead();
    return { head, models: await hashReadModels(store, allProjectors) };
  }

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(READ_STORE);
  });
  afterAll(() => t.close());

  it('a future startDate: pending, nothing billed; the clock reaching it starts and bills it as an assignment made that day', async () => {
    const key = await sandbox('Future');
    const body = { id: 'pi-future', planId: 'basic', startDate: '2019-03-05', altBillDay: 22, invoicingOption: 'prorated' };

    const before = await snapshot();
    const preview = await assign(key, 'a', { ...body, doWrite: false });
    expect(preview.status).toBe(200);
    expect(await snapshot()).toEqual(before);

    const commit = await assign(key, 'a', body);
    expect(commit.status).toBe(201);
    expect(commit.body).toEqual(preview.body);
    // Bill day 22: the stub 2019-03-05 – 2019-03-21 is 17 of [2019-02-22, 2019-03-22)'s 28 days: 100 × 17/28 = 60.71.
    expect(commit.body).toMatchObject({ planInstanceId: 'pi-future', billDay: 22, nextBillDate: '2019-03-05', status: 'pending', invoice: null });
    expect(commit.body.scheduledInvoice).toMatchObject({ invoiceDate: '2019-03-05', dueDate: '2019-03-05', total: 6071 });
    expect(commit.body.scheduledInvoice.lines).toEqual([expect.objectContaining({ type: 'recurring', periodStart: '2019-03-05', periodEnd: '2019-03-21', amount: 6071 })]);
    expect(await instance(key, 'pi-future')).toMatchObject({ status: 'pending', nextBillDate: '2019-03-05', startDate: '2019-03-05' });

    await advance(key, '2019-03-04');
    expect(await invoicesOf(key, 'a')).toEqual([]);
    expect((await instance(key, 'pi-future')).status).toBe('pending');

    await advance(key, '2019-03-05');
    expect(await instance(key, 'pi-future')).toMatchObject({ status: 'active', nextBillDate: '2019-03-22' });
    const [posted] = await invoicesOf(key, 'a');
    expect(posted).toMatchObject({ id: commit.body.scheduledInvoice.id, invoiceDate: '2019-03-05', total: 6071, lines: commit.body.scheduledInvoice.lines });

    // The same invoice as assigning on 2019-03-05 with startDate that day (another tenant, same instance id).
    const sameDayKey = await sandbox('Same day', '2019-03-05');
    const sameDay = await assign(sameDayKey, 'a', { ...body, startDate: '2019-03-05' });
    expect(sameDay.body).toMatchObject({ status: 'active', scheduledInvoice: null });
    const { number: _n1, ...postedRest } = posted;
    const { number: _n2, ...sameDayRest } = (await invoicesOf(sameDayKey, 'a'))[0];
    expect(postedRest).toEqual(sameDayRest);
  });

  it('changed or cancelled before its start: the quantity it starts with, or never started', async () => {
    const key = await sandbox('Changed');
    await assign(key, 'b', { id: 'pi-b', planId: 'ten', startDate: '2019-03-01' });
    await assign(key, 'c', { id: 'pi-c', planId: 'ten', startDate: '2019-03-01' });

    const changed = await t.request('POST', '/v1/plan-instances/pi-b/quantity', { key, body: { quantity: 3 } });
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ status: 'pending', invoice: null });
    const cancelled = await t.request('POST', '/v1/plan-instances/pi-c/cancel', { key, body: { effective: 'now' } });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', invoice: null, nextBillDate: null });

    await advance(key, '2019-03-01');
    expect((await invoicesOf(key, 'b')).map((invoice: any) => invoice.total)).toEqual([3000]);
    expect(await invoicesOf(key, 'c')).toEqual([]);
    expect((await instance(key, 'pi-c')).status).toBe('cancelled');
  });

  it.each([
    ['a startDate in the past', { planId: 'basic', startDate: '2019-02-09' }, 422, 'startDate', 'notInPast'],
    ['startDate and retroactiveStartDate', { planId: 'basic', startDate: '2019-03-01', retroactiveStartDate: '2019-02-01' }, 400, 'startDate', 'oneStartDate'],
    ['a startDate that is not a date', { planId: 'basic', startDate: '2019-02-30' }, 400, 'startDate', 'isoDate'],
  ])('refuses %s naming the field and the rule, and writes nothing', async (_what, body, status, field, rule) => {
    const key = await sandbox(`Refused ${rule}`);
    const before = await t.settledHead();

    const refused = await assign(key, 'a', body);

    expect(refused.status).toBe(status);
    expect(refused.body.details[0]).toMatchObject({ field, rule });
    expect(await t.settledHead()).toBe(before);
  });

  it('a cancellation dated a month ahead: its preview and its commit show the credit that posts that day, which the clock then posts', async () => {
    const key = await sandbox('Dated cancel');
    await assign(key, 'd', { id: 'pi-d', planId: 'ten' }); // bill day 10: [2019-03-10, 2019-04-10) has 31 days

    const preview = await t.request('POST', '/v1/plan-instances/pi-d/cancel', { key, body: { effective: '2019-03-20', doWrite: false } });
    expect(preview.status).toBe(200);
    expect(preview.body.invoice).toBeNull();
    // 2019-03-20 – 2019-04-09: 21 of 31 days of 10.00 back: 6.774… → 6.77.
    expect(preview.body.scheduledInvoice).toMatchObject({ invoiceDate: '2019-03-20', total: -677 });
    expect(preview.body.scheduledInvoice.lines).toEqual([expect.objectContaining({ type: 'credit', periodStart: '2019-03-20', periodEnd: '2019-04-09', amount: -677 })]);

    const commit = await t.request('POST', '/v1/plan-instances/pi-d/cancel', { key, body: { effective: '2019-03-20' } });
    expect(commit.status).toBe(201);
    expect(commit.body).toEqual(preview.body);

    await advance(key, '2019-03-20');
    const posted = (await invoicesOf(key, 'd')).find((invoice: any) => invoice.invoiceDate === '2019-03-20');
    expect(posted).toMatchObject({ id: commit.body.scheduledInvoice.id, total: -677, lines: commit.body.scheduledInvoice.lines });
  });

  it('survives a restart: the pending start lives in the log and the planInstances read model, and the bill run starts it after', async () => {
    const first = await startTestApp();
    const { apiKey: key } = await first.createTenant({ name: 'Restart', sandbox: true, businessDate: '2019-02-10' });
    await first.request('POST', '/v1/accounts', { key, body: { id: 'a', name: 'a', currency: 'USD' } });
    await first.request('POST', '/v1/plans', { key, body: monthlyPlan('basic', '100.00') });
    expect((await first.request('POST', '/v1/accounts/a/plan-instances', { key, body: { id: 'pi-r', planId: 'basic', startDate: '2019-02-20' } })).body.status).toBe('pending');
    await first.close({ keepData: true });

    const second = await startTestApp({ dataDir: first.dataDir });
    try {
      await second.request('POST', '/v1/clock/advance', { key, body: { to: '2019-02-20' } });
      expect((await second.request('GET', '/v1/plan-instances/pi-r', { key })).body.status).toBe('active');
      const invoices = (await second.request('GET', '/v1/accounts/a/invoices', { key })).body.items;
      expect(invoices.map((invoice: any) => [invoice.invoiceDate, invoice.total])).toEqual([['2019-02-20', 10000]]);
    } finally {
      await second.close();
    }
  });

  it('a change made now answers scheduledInvoice: null', async () => {
    const key = await sandbox('Now');
    await assign(key, 'a', { id: 'pi-now', planId: 'ten' });

    const changed = await t.request('POST', '/v1/plan-instances/pi-now/quantity', { key, body: { quantity: 2 } });

    expect(changed.body.scheduledInvoice).toBeNull();
    expect(changed.body.invoice).not.toBeNull();
  });
});
