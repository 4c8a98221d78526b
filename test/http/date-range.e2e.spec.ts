import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 15: every date from input lies in 1900-01-01..2199-12-31 (400, rule dateRange) and a retroactive start
 * at most settings.maxRetroactivePeriods periods back (default 120; 422). A refusal writes nothing.
 */
describe('Input dates within 1900-01-01..2199-12-31, and the retroactive limit, over HTTP', () => {
  let t: TestApp;

  const plan = {
    id: 'basic',
    name: 'Basic',
    currency: 'USD',
    billingInterval: { unit: 'month', count: 1 },
    services: [
      { id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '1.00' } },
      { id: 'data', name: 'Data', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.50' } },
    ],
  };

  /** A sandbox tenant on `businessDate` with account `a` (USD) and plan `basic`. */
  async function sandbox(name: string, businessDate: string, settings?: Record<string, unknown>): Promise<string> {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate, ...(settings ? { settings } : {}) });
    expect((await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'a', name: 'A', currency: 'USD' } })).status).toBe(201);
    expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
    return apiKey;
  }

  /** The answer of `call`, checking that the log head did not move (nothing written). */
  async function writesNothing(call: () => Promise<{ status: number; body: any }>) {
    const before = await t.settledHead();
    const response = await call();
    expect(await t.settledHead()).toBe(before);
    expect((await t.request('GET', '/health')).body.logPosition).toBe(before);
    return response;
  }

  function expectDateRange(response: { status: number; body: any }, field: string, got: string) {
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field, rule: 'dateRange', message: `${field} must be a date from 1900-01-01 to 2199-12-31 (got "${got}")` }]);
  }

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(['9999-12-31', '0000-01-01', '1899-12-31', '2200-01-01'])('a sandbox tenant on %s: 400 on businessDate, no tenant', async (businessDate) => {
    const response = await writesNothing(() => t.request('POST', '/v1/tenants', { key: ADMIN_KEY, body: { name: 'x', sandbox: true, businessDate } }));
    expectDateRange(response, 'businessDate', businessDate);
  });

  it.each(['1900-01-01', '2199-12-31'])('a sandbox tenant on %s, an end of the range: 201', async (businessDate) => {
    const { body } = await t.createTenant({ name: `Edge ${businessDate}`, sandbox: true, businessDate });
    expect(body).toMatchObject({ businessDate, createdOn: businessDate });
  });

  it('the clock advances to 2199-12-31 and no further; the last date still bills (look-ahead beyond it)', async () => {
    const key = await sandbox('Last days', '2199-12-30');
    for (const to of ['2200-01-01', '9999-12-31']) {
      expectDateRange(await writesNothing(() => t.request('POST', '/v1/clock/advance', { key, body: { to } })), 'to', to);
    }
    expect((await t.request('GET', '/v1/clock', { key })).body.businessDate).toBe('2199-12-30');

    const advanced = await t.request('POST', '/v1/clock/advance', { key, body: { to: '2199-12-31' } });
    expect(advanced).toMatchObject({ status: 200, body: { businessDate: '2199-12-31', days: 1 } });
    const assigned = await t.request('POST', '/v1/accounts/a/plan-instances', { key, body: { planId: 'basic' } });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ nextBillDate: '2200-01-31', status: 'active' });
    expect((await t.request('GET', '/health')).status).toBe(200);

    const cancel = await writesNothing(() => t.request('POST', `/v1/plan-instances/${assigned.body.planInstanceId}/cancel`, { key, body: { effective: '2200-01-01' } }));
    expectDateRange(cancel, 'effective', '2200-01-01');
  });

  describe('retroactiveStartDate, in a tenant on 2019-02-10', () => {
    let key: string;
    beforeAll(async () => {
      key = await sandbox('Retroactive', '2019-02-10');
    });

    const assign = (id: string, retroactiveStartDate: string, apiKey = key) =>
      t.request('POST', '/v1/accounts/a/plan-instances', { key: apiKey, body: { id, planId: 'basic', retroactiveStartDate } });

    it('0000-01-01 (issue 15: once 201 and an invoice of 24,230 lines): 400 dateRange, nothing written', async () => {
      expectDateRange(await writesNothing(() => assign('year-zero', '0000-01-01')), 'retroactiveStartDate', '0000-01-01');
      expect((await t.request('GET', '/v1/plan-instances/year-zero', { key })).status).toBe(404);
    });

    it('121 periods back (2009-01-10): 422 naming the field and the limit, nothing written', async () => {
      const response = await writesNothing(() => assign('too-far', '2009-01-10'));
      expect(response.status).toBe(422);
      expect(response.body.details).toEqual([
        {
          field: 'retroactiveStartDate',
          rule: 'maxRetroactivePeriods',
          message:
            'retroactiveStartDate may be at most 120 periods of plan basic (1 month each) before today (2019-02-10): ' +
            "the earliest is 2009-02-10 (got 2009-01-10; the limit is the tenant's settings.maxRetroactivePeriods)",
        },
      ]);
      expect((await t.request('GET', '/v1/plan-instances/too-far', { key })).status).toBe(404);
    });

    it('120 periods back (2009-02-10): 201, one invoice line per period begun by today', async () => {
      const response = await assign('ten-years', '2009-02-10');
      expect(response.status).toBe(201);
      expect(response.body.invoice.lines).toHaveLength(121);
    });

    it("follows the tenant's settings.maxRetroactivePeriods (1 to 1200)", async () => {
      const strict = await sandbox('Strict', '2019-02-10', { maxRetroactivePeriods: 12 });
      expect((await assign('year', '2018-02-10', strict)).status).toBe(201);
      const refused = await writesNothing(() => assign('year-and-a-day', '2018-02-09', strict));
      expect(refused.status).toBe(422);
      expect(refused.body.details[0].message).toMatch(/at most 12 periods.*earliest is 2018-02-10/);

      for (const maxRetroactivePeriods of [0, 1201, 'ten']) {
        const response = await writesNothing(() => t.request('POST', '/v1/tenants', { key: ADMIN_KEY, body: { name: 'x', settings: { maxRetroactivePeriods } } }));
        expect(response.status).toBe(400);
        expect(response.body.details.map((d: any) => d.field)).toContain('settings.maxRetroactivePeriods');
      }
    });
  });

  it('usage occurredAt, dates and instants, and query dates: 400 dateRange outside the range', async () => {
    const key = await sandbox('Usage and queries', '2019-02-10');
    const usage = (occurredAt: string) => ({ accountId: 'a', serviceId: 'data', quantity: '1', occurredAt, idempotencyKey: `k-${occurredAt}` });
    for (const occurredAt of ['1899-12-31', '0000-01-01', '1899-12-31T23:59:59Z']) {
      expectDateRange(await writesNothing(() => t.request('POST', '/v1/usage', { key, body: usage(occurredAt) })), 'occurredAt', occurredAt);
    }
    const batch = await writesNothing(() => t.request('POST', '/v1/usage/batch', { key, body: { records: [usage('9999-12-31')] } }));
    expectDateRange(batch, 'records[0].occurredAt', '9999-12-31');

    expectDateRange(await t.request('GET', '/v1/accounts/a/hierarchy?asOf=1899-12-31', { key }), 'asOf', '1899-12-31');
    expectDateRange(await t.request('GET', '/v1/accounts/a/children?asOf=2200-01-01', { key }), 'asOf', '2200-01-01');
    expectDateRange(await t.request('GET', '/v1/accounts/a/usage?from=0000-01-01', { key }), 'from', '0000-01-01');
    expect((await t.request('GET', '/v1/accounts/a/hierarchy?asOf=2199-12-31', { key })).status).toBe(200);
  });
});
