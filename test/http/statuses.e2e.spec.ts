import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/** Issue 18: account and plan-instance statuses over HTTP, and what they mean for the bill run. */
describe('Account and plan-instance statuses over HTTP', () => {
  let t: TestApp;
  let key: string;

  const put = (route: string, body: unknown, apiKey = key) => t.request('PUT', route, { key: apiKey, body });
  const invoiceDates = async (accountId: string) =>
    ((await t.request('GET', `/v1/accounts/${accountId}/invoices?limit=100`, { key })).body.items as Array<{ invoiceDate: string; lines: Array<{ periodStart: string }> }>)
      .map((invoice) => `${invoice.invoiceDate} from ${invoice.lines[0].periodStart}`)
      .sort();
  const advance = async (to: string) => expect((await t.request('POST', '/v1/clock/advance', { key, body: { to } })).status).toBe(200);

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Statuses', sandbox: true, businessDate: '2019-02-01', settings: { customStatuses: [{ name: 'onHold', billable: false }] } }));
    for (const id of ['a', 'b', 'c']) expect((await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency: 'USD' } })).status).toBe(201);
    expect((await t.request('POST', '/v1/plans', { key, body: monthlyPlan('basic', '100.00') })).status).toBe(201);
    for (const [accountId, id] of [['a', 'pi-a'], ['b', 'pi-b'], ['c', 'pi-c']]) {
      expect((await t.request('POST', `/v1/accounts/${accountId}/plan-instances`, { key, body: { id, planId: 'basic' } })).status).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('refuses bad input with 400 naming the field and rule, and writes nothing', async () => {
    const before = await t.settledHead();
    const cases: Array<[string, unknown, string, string]> = [
      ['/v1/accounts/a/status', { status: 'paused', reason: 'x' }, 'status', 'knownStatus'],
      ['/v1/accounts/a/status', { status: 'suspended' }, 'reason', 'required'],
      ['/v1/accounts/a/status', { status: 'suspended', reason: '  ' }, 'reason', 'notBlank'],
      ['/v1/plan-instances/pi-a/status', { status: 'cancelled', reason: 'x' }, 'status', 'knownStatus'],
      ['/v1/plan-instances/pi-a/status', { status: 'suspended', reason: 'x', colour: 'red' }, 'colour', 'unknownField'],
    ];
    for (const [route, body, field, rule] of cases) {
      const response = await put(route, body);
      expect({ route, body, status: response.status }).toEqual({ route, body, status: 400 });
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
    }
    const listed = await put('/v1/accounts/a/status', { status: 'paused', reason: 'x' });
    expect(listed.body.message).toBe('status must be one of active, suspended, terminated, onHold (got "paused")');
    const assigned = await t.request('POST', '/v1/accounts/a/plan-instances', { key, body: { planId: 'basic', status: 'terminated' } });
    expect(assigned).toMatchObject({ status: 400, body: { details: [expect.objectContaining({ field: 'status', rule: 'knownStatus' })] } });
    const settings = await t.request('PATCH', '/v1/settings', { key, body: { customStatuses: [{ name: 'suspended', billable: false }] } });
    expect(settings).toMatchObject({ status: 400, body: { details: [expect.objectContaining({ field: 'customStatuses[0].name', rule: 'notBuiltIn' })] } });
    expect((await put('/v1/accounts/nobody/status', { status: 'suspended', reason: 'x' })).status).toBe(404);
    expect((await put('/v1/plan-instances/nothing/status', { status: 'suspended', reason: 'x' })).status).toBe(404);
    expect(await t.settledHead()).toBe(before);
  });

  it('terminate an instance, suspend an account, then a custom non-billable status: billing skips and resumes at the next period', async () => {
    await advance('2019-02-10');
    const terminated = await put('/v1/plan-instances/pi-a/status', { status: 'terminated', reason: 'fraud check' });
    expect(terminated).toMatchObject({ status: 200, body: { planInstanceId: 'pi-a', status: 'terminated', nextBillDate: '2019-03-01' } });
    expect((await t.request('GET', '/v1/plan-instances/pi-a', { key })).body).toMatchObject({ status: 'terminated' });

    const suspended = await put('/v1/accounts/b/status', { status: 'suspended', reason: 'late payment' });
    expect(suspended).toMatchObject({ status: 200, body: { id: 'b', status: 'suspended' } });
    expect((await t.request('GET', '/v1/accounts/b', { key })).body).toMatchObject({ status: 'suspended' });
    expect(suspended.body).not.toHaveProperty('dunningHold');

    // The same status again: 200 with the account, nothing written.
    const head = await t.settledHead();
    expect(await put('/v1/accounts/b/status', { status: 'suspended', reason: 'again' })).toMatchObject({ status: 200, body: { status: 'suspended' } });
    expect(await t.settledHead()).toBe(head);

    await advance('2019-03-01');
    expect(await invoiceDates('a')).toEqual(['2019-02-01 from 2019-02-01']); // terminated: March skipped
    expect(await invoiceDates('b')).toEqual(['2019-02-01 from 2019-02-01', '2019-03-01 from 2019-03-01']); // suspended bills by default
    expect((await t.request('GET', '/v1/plan-instances/pi-a', { key })).body).toMatchObject({ nextBillDate: '2019-04-01' });

    await advance('2019-03-15');
    expect((await put('/v1/plan-instances/pi-a/status', { status: 'active', reason: 'cleared' })).body).toMatchObject({ status: 'active' });
    expect((await put('/v1/accounts/b/status', { status: 'onHold', reason: 'dispute' })).body).toMatchObject({ status: 'onHold' });

    await advance('2019-04-01');
    // a: billing resumes at the next period start, March is never billed; b: its account is on hold, April skipped.
    expect(await invoiceDates('a')).toEqual(['2019-02-01 from 2019-02-01', '2019-04-01 from 2019-04-01']);
    expect(await invoiceDates('b')).toEqual(['2019-02-01 from 2019-02-01', '2019-03-01 from 2019-03-01']);
    expect(await invoiceDates('c')).toEqual(['2019-02-01 from 2019-02-01', '2019-03-01 from 2019-03-01', '2019-04-01 from 2019-04-01']);
  });

  it('billWhileSuspended: false stops billing suspended accounts from the next bill date', async () => {
    expect((await t.request('PATCH', '/v1/settings', { key, body: { billWhileSuspended: false } })).body).toMatchObject({ billWhileSuspended: false });
    expect((await put('/v1/accounts/c/status', { status: 'suspended', reason: 'late payment' })).status).toBe(200);
    await advance('2019-05-01');
    expect(await invoiceDates('c')).toEqual(['2019-02-01 from 2019-02-01', '2019-03-01 from 2019-03-01', '2019-04-01 from 2019-04-01']);
    expect(await invoiceDates('a')).toContain('2019-05-01 from 2019-05-01');
  });

  it('a cancelled plan instance cannot change status: 422', async () => {
    expect((await t.request('POST', '/v1/plan-instances/pi-a/cancel', { key, body: { effective: 'now' } })).status).toBe(201);
    const refused = await put('/v1/plan-instances/pi-a/status', { status: 'suspended', reason: 'x' });
    expect(refused).toMatchObject({ status: 422, body: { details: [expect.objectContaining({ field: 'status', rule: 'notCancelled' })] } });
  });
});
