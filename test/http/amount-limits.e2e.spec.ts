import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { planStream } from '../../libs/catalog/domain/plan.decider';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 15, found item 2: a price too large to bill is refused at the door (400 naming the field, the rule
 * amountRange and the limit); an instance whose billing still breaks a rule (a plan stored before the door
 * checked) records PlanInstanceBillingFailed, shows it, and the other instances bill.
 */
describe('Amounts within range, and a bill run that never skips silently, over HTTP', () => {
  let t: TestApp;
  const HUGE = '99999999999999999999.99';
  const planWith = (id: string, usagePrice: string) => ({
    id,
    name: id,
    currency: 'USD',
    billingInterval: { unit: 'month', count: 1 },
    services: [
      { id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '1.00' } },
      { id: 'data', name: 'Data', type: 'usage', pricing: { model: 'perUnit', unitPrice: usagePrice } },
    ],
  });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a unit price too large to bill: 400 naming the field and the limit, nothing written', async () => {
    const { apiKey } = await t.createTenant({ name: 'Door' });
    const before = await t.settledHead();
    const response = await t.request('POST', '/v1/plans', { key: apiKey, body: planWith('huge', HUGE) });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'services[1].pricing.unitPrice', rule: 'amountRange', message: expect.stringContaining('10000000000') })]);
    expect(await t.settledHead()).toBe(before);
    expect((await t.request('POST', '/v1/plans', { key: apiKey, body: planWith('largest', '10000000000') })).status).toBe(201);
  });

  it('a usage quantity above 10^12: 400 quantityRange', async () => {
    const { apiKey } = await t.createTenant({ name: 'Usage door' });
    await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'a', name: 'A', currency: 'USD' } });
    const body = { accountId: 'a', serviceId: 'data', quantity: '1000000000001', occurredAt: '2026-11-20', idempotencyKey: 'k1' };
    const response = await t.request('POST', '/v1/usage', { key: apiKey, body });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'quantity', rule: 'quantityRange' })]);
  });

  it('an instance whose usage charge cannot be billed records why and shows it; the others bill', async () => {
    const { id: tenantId, apiKey: key } = await t.createTenant({ name: 'Old plan', sandbox: true, businessDate: '2026-01-01' });
    for (const account of ['a', 'b']) expect((await t.request('POST', '/v1/accounts', { key, body: { id: account, name: account, currency: 'USD' } })).status).toBe(201);
    expect((await t.request('POST', '/v1/plans', { key, body: planWith('fine', '0.50') })).status).toBe(201);
    // A plan the door now refuses, as a build before it stored one.
    const { id: _id, ...definition } = planWith('huge', HUGE);
    const metadata = { tenantId, commandId: 'old', correlationId: 'old', causationId: 'old', actor: 'spec', businessDate: '2026-01-01' };
    await t.app.get<EventStore>(EVENT_STORE).appendToStream(planStream(tenantId, 'huge'), [{ id: '00000000-0000-4000-8000-00000000a001', type: 'PlanCreated', data: { planId: 'huge', version: 1, ...definition }, metadata }], 'any');
    await t.settledHead();

    const assign = async (account: string, planId: string) => {
      const response = await t.request('POST', `/v1/accounts/${account}/plan-instances`, { key, body: { planId } });
      expect(response.status).toBe(201);
      return response.body.planInstanceId as string;
    };
    const huge = await assign('a', 'huge');
    const fine = await assign('b', 'fine');
    for (const [account, k] of [['a', 'u-a'], ['b', 'u-b']]) {
      const usage = { accountId: account, serviceId: 'data', quantity: '1', occurredAt: '2026-01-01', idempotencyKey: k };
      const recorded = await t.request('POST', '/v1/usage', { key, body: usage });
      expect(recorded.status).toBe(201);
    }
    expect((await t.request('POST', '/v1/clock/advance', { key, body: { to: '2026-02-01' } })).status).toBe(200);
    await t.settledHead();

    const failed = await t.request('GET', `/v1/plan-instances/${huge}`, { key });
    expect(failed.body).toMatchObject({ nextBillDate: '2026-02-01', billingError: { date: '2026-02-01', field: 'amount', rule: 'integerMinorUnits' } });
    expect(failed.body.billingError.reason).toContain('minor units');
    const billed = await t.request('GET', `/v1/plan-instances/${fine}`, { key });
    expect(billed.body.nextBillDate).toBe('2026-03-01');
    expect(billed.body).not.toHaveProperty('billingError');
    // Operators see it too: /health counts the instances the bill run cannot bill (process-wide).
    const health = await t.request('GET', '/health');
    expect(health.body).toMatchObject({ status: 'degraded', failedBillings: 1, parkedEvents: 0 });
  });
});
