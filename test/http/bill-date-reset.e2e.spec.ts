import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/** Issue 23, Must have 4: seed 003's bill-date reset rule over HTTP, per call, as the tenant's rule and on going billable. */
describe('Bill-date reset over HTTP', () => {
  let t: TestApp;

  /** A sandbox on 2019-02-10 where suspended accounts and instances are not billed, with 10.00 monthly on account a from today (bill day 10). */
  async function sandbox(name: string, settings: Record<string, unknown> = {}) {
    const { apiKey: key } = await t.createTenant({ name, sandbox: true, businessDate: '2019-02-10', settings: { billWhileSuspended: false, ...settings } });
    await t.request('POST', '/v1/accounts', { key, body: { id: 'a', name: 'a', currency: 'USD' } });
    await t.request('POST', '/v1/plans', { key, body: monthlyPlan('ten', '10.00') });
    expect((await t.request('POST', '/v1/accounts/a/plan-instances', { key, body: { id: 'pi-a', planId: 'ten' } })).status).toBe(201);
    return key;
  }
  const instance = async (key: string) => (await t.request('GET', '/v1/plan-instances/pi-a', { key })).body;
  const invoices = async (key: string) => (await t.request('GET', '/v1/accounts/a/invoices?limit=100', { key })).body.items.map((i: any) => [i.invoiceDate, i.total]).reverse();

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('per call: a quantity change with billDateReset "reset" starts a whole period today (bill day 20); the preview answers the same', async () => {
    const key = await sandbox('Per call');
    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-02-20' } });
    const body = { quantity: 2, billDateReset: 'reset' };

    const preview = await t.request('POST', '/v1/plan-instances/pi-a/quantity', { key, body: { ...body, doWrite: false } });
    const commit = await t.request('POST', '/v1/plan-instances/pi-a/quantity', { key, body });

    expect(commit.status).toBe(201);
    expect(commit.body).toEqual(preview.body);
    expect(commit.body).toMatchObject({ billDay: 20, nextBillDate: '2019-03-20' });
    // [2019-02-10, 2019-03-10) has 28 days; 18 from 2019-02-20 back: 10 × 18/28 = 6.428… → 6.43; then 2 × 10.00.
    expect(commit.body.invoice.lines.map((line: any) => [line.type, line.periodStart, line.periodEnd, line.amount])).toEqual([
      ['credit', '2019-02-20', '2019-03-09', -643],
      ['recurring', '2019-02-20', '2019-03-19', 2000],
    ]);
    expect(await instance(key)).toMatchObject({ billDay: 20, nextBillDate: '2019-03-20' });
  });

  it('refuses an unknown rule naming the field, on a call and in the settings, and writes nothing', async () => {
    const key = await sandbox('Refusals');
    const before = await t.settledHead();

    const call = await t.request('POST', '/v1/plan-instances/pi-a/quantity', { key, body: { quantity: 2, billDateReset: 'sometimes' } });
    const settings = await t.request('PATCH', '/v1/settings', { key, body: { billDateReset: 'always' } });

    expect(call.status).toBe(400);
    expect(call.body.details[0]).toMatchObject({ field: 'billDateReset', rule: 'oneOf' });
    expect(settings.status).toBe(400);
    expect(settings.body.details[0]).toMatchObject({ field: 'billDateReset', rule: 'oneOf' });
    expect(await t.settledHead()).toBe(before);
  });

  it("the tenant's rule: PUT status back to active after a skipped period starts a whole period that day, on the answer", async () => {
    const key = await sandbox('Instance status');
    const set = await t.request('PATCH', '/v1/settings', { key, body: { billDateReset: 'reset' } });
    expect(set.body.billDateReset).toBe('reset');
    await t.request('PUT', '/v1/plan-instances/pi-a/status', { key, body: { status: 'suspended', reason: 'pause' } });
    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-03-15' } }); // 2019-03-10 skipped

    const resumed = await t.request('PUT', '/v1/plan-instances/pi-a/status', { key, body: { status: 'active', reason: 'back' } });

    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', billDay: 15, nextBillDate: '2019-04-15' });
    expect(resumed.body.invoice).toMatchObject({ invoiceDate: '2019-03-15', total: 1000 });
    expect(await invoices(key)).toEqual([['2019-02-10', 1000], ['2019-03-15', 1000]]);

    // The call's "keep" overrides the tenant's rule.
    await t.request('PUT', '/v1/plan-instances/pi-a/status', { key, body: { status: 'suspended', reason: 'pause' } });
    const kept = await t.request('PUT', '/v1/plan-instances/pi-a/status', { key, body: { status: 'active', reason: 'back', billDateReset: 'keep' } });
    expect(kept.body).toMatchObject({ billDay: 15, nextBillDate: '2019-04-15', invoice: null });
  });

  it("the tenant's rule: the account going from suspended to active resets its instances' bill date that day", async () => {
    const key = await sandbox('Account status', { billDateReset: 'reset' });
    await t.request('PUT', '/v1/accounts/a/status', { key, body: { status: 'suspended', reason: 'pause' } });
    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-03-15' } }); // 2019-03-10 skipped

    expect((await t.request('PUT', '/v1/accounts/a/status', { key, body: { status: 'active', reason: 'back' } })).status).toBe(200);
    await t.settledHead();

    expect(await instance(key)).toMatchObject({ billDay: 15, nextBillDate: '2019-04-15' });
    expect(await invoices(key)).toEqual([['2019-02-10', 1000], ['2019-03-15', 1000]]);
    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-04-15' } });
    expect(await invoices(key)).toEqual([['2019-02-10', 1000], ['2019-03-15', 1000], ['2019-04-15', 1000]]);
  });

  it("per call on the account's status: billDateReset \"reset\" overrides the tenant's keep; an unknown rule is refused and writes nothing", async () => {
    const key = await sandbox('Account per call');
    await t.request('PUT', '/v1/accounts/a/status', { key, body: { status: 'suspended', reason: 'pause' } });
    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-03-15' } });
    const before = await t.settledHead();

    const refused = await t.request('PUT', '/v1/accounts/a/status', { key, body: { status: 'active', reason: 'back', billDateReset: 'soon' } });
    expect(refused.status).toBe(400);
    expect(refused.body.details[0]).toMatchObject({ field: 'billDateReset', rule: 'oneOf' });
    expect(await t.settledHead()).toBe(before);

    expect((await t.request('PUT', '/v1/accounts/a/status', { key, body: { status: 'active', reason: 'back', billDateReset: 'reset' } })).status).toBe(200);
    await t.settledHead();
    expect(await instance(key)).toMatchObject({ billDay: 15, nextBillDate: '2019-04-15' });
    expect(await invoices(key)).toEqual([['2019-02-10', 1000], ['2019-03-15', 1000]]);
  });

  it('under "keep" (the default) the account going active again bills from the next bill day', async () => {
    const key = await sandbox('Keep');
    await t.request('PUT', '/v1/accounts/a/status', { key, body: { status: 'suspended', reason: 'pause' } });
    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-03-15' } });
    await t.request('PUT', '/v1/accounts/a/status', { key, body: { status: 'active', reason: 'back' } });
    await t.settledHead();

    expect(await instance(key)).toMatchObject({ billDay: 10, nextBillDate: '2019-04-10' });
    expect(await invoices(key)).toEqual([['2019-02-10', 1000]]);
  });
});
