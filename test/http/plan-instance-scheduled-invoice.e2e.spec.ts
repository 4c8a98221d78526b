import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/** GET /v1/plan-instances/{id} shows what a dated start or a scheduled change will post (decision 0022, scheduledInvoice). */
describe('scheduledInvoice on GET /v1/plan-instances/{id}', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A sandbox tenant on 2019-02-10 with accounts a and d, monthly plans basic (100.00) and ten (10.00). */
  async function sandbox(name: string) {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate: '2019-02-10' });
    for (const id of ['a', 'd']) await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: id, currency: 'USD' } });
    for (const plan of [monthlyPlan('basic', '100.00'), monthlyPlan('ten', '10.00')]) expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
    return apiKey;
  }
  const get = async (key: string, route: string) => (await t.request('GET', route, { key })).body;
  const amounts = (invoice: { lines: Array<{ type: string; amount: number }> }) => invoice.lines.map((line) => [line.type, line.amount]);

  it('a pending instance shows the invoice its start date will post, with the coupon in force now; removing the coupon shows it without', async () => {
    const key = await sandbox('Pending start');
    await t.request('POST', '/v1/coupons', { key, body: { id: 'ten-off', name: 'Ten off', percentOff: '10', duration: 'forever' } });
    await t.request('POST', '/v1/accounts/a/coupons', { key, body: { couponId: 'ten-off' } });
    const assigned = await t.request('POST', '/v1/accounts/a/plan-instances', { key, body: { id: 'pi-f', planId: 'basic', startDate: '2019-03-01' } });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ status: 'pending', invoice: null, scheduledInvoice: { invoiceDate: '2019-03-01', subtotal: 9000, total: 9000 } });
    expect(amounts(assigned.body.scheduledInvoice)).toEqual([['recurring', 10000], ['discount', -1000]]);

    const shown = await get(key, '/v1/plan-instances/pi-f');
    expect(shown).toMatchObject({ status: 'pending', startDate: '2019-03-01' });
    expect(shown.scheduledInvoice).toEqual(assigned.body.scheduledInvoice);

    // GET simulates with what is known now: without the coupon, the same invoice (same id) has no discount line.
    await t.request('DELETE', '/v1/accounts/a/coupons/ten-off', { key, body: { reason: 'Offer withdrawn' } });
    const after = (await get(key, '/v1/plan-instances/pi-f')).scheduledInvoice;
    expect(after).toMatchObject({ id: assigned.body.scheduledInvoice.id, invoiceDate: '2019-03-01', subtotal: 10000, tax: 0, total: 10000 });
    expect(amounts(after)).toEqual([['recurring', 10000]]);
    // Lists never run the simulation.
    expect((await get(key, '/v1/accounts/a/plan-instances')).items[0]).not.toHaveProperty('scheduledInvoice');

    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-03-01' } });
    await t.settledHead();
    const posted = (await get(key, '/v1/accounts/a/invoices')).items.find((invoice: { invoiceDate: string }) => invoice.invoiceDate === '2019-03-01');
    expect(posted).toMatchObject({ id: after.id, total: 10000 });
    const started = await get(key, '/v1/plan-instances/pi-f');
    expect(started.status).toBe('active');
    expect(started).not.toHaveProperty('scheduledInvoice');
  });

  it('a scheduled cancellation shows its credit (21 of 31 days of 10.00: −6.77) as the cancel answered; not on past reads nor on plain instances', async () => {
    const key = await sandbox('Scheduled cancel');
    await t.request('POST', '/v1/accounts/d/plan-instances', { key, body: { id: 'pi-d', planId: 'ten' } });
    await t.request('POST', '/v1/accounts/d/plan-instances', { key, body: { id: 'pi-plain', planId: 'ten' } });
    expect(await get(key, '/v1/plan-instances/pi-d')).not.toHaveProperty('scheduledInvoice');

    const cancel = await t.request('POST', '/v1/plan-instances/pi-d/cancel', { key, body: { effective: '2019-03-20' } });
    expect(cancel.status).toBe(201);
    const shown = await get(key, '/v1/plan-instances/pi-d');
    expect(shown.pendingChange).toMatchObject({ kind: 'cancel', effectiveDate: '2019-03-20' });
    expect(shown.scheduledInvoice).toEqual(cancel.body.scheduledInvoice);
    expect(shown.scheduledInvoice).toMatchObject({ invoiceDate: '2019-03-20', total: -677 });
    expect(amounts(shown.scheduledInvoice)).toEqual([['credit', -677]]);

    expect(await get(key, '/v1/plan-instances/pi-d?asOf=2019-02-10')).not.toHaveProperty('scheduledInvoice');
    expect(await get(key, '/v1/plan-instances/pi-plain')).not.toHaveProperty('scheduledInvoice');
  });

  it('a switch scheduled for the next bill date shows that date’s invoice on the new plan (basic 100.00 from 2019-03-10)', async () => {
    const key = await sandbox('Scheduled switch');
    await t.request('POST', '/v1/accounts/d/plan-instances', { key, body: { id: 'pi-s', planId: 'ten' } });
    const switched = await t.request('POST', '/v1/plan-instances/pi-s/switch', { key, body: { planId: 'basic', effective: 'nextBillDate' } });
    expect(switched.status).toBe(201);
    const shown = await get(key, '/v1/plan-instances/pi-s');
    expect(shown).toMatchObject({ planId: 'ten', pendingChange: { kind: 'switch', effectiveDate: '2019-03-10', planId: 'basic' } });
    expect(shown.scheduledInvoice).toEqual(switched.body.scheduledInvoice);
    expect(shown.scheduledInvoice).toMatchObject({ invoiceDate: '2019-03-10', total: 10000 });
    expect(amounts(shown.scheduledInvoice)).toEqual([['recurring', 10000]]);
  });
});
