import { randomUUID } from 'node:crypto';
import type { Invoice } from '../../libs/plan-instances/domain/invoice';
import type { PlanInstanceEvent } from '../../libs/plan-instances/domain/plan-instance.events';
import { streamName } from '../../libs/shared-kernel/streams';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The billing read side over real HTTP. The events are appended straight to the app's log (as the command
 * side would append them), so these routes are tested on their own; the worker projects them as usual.
 */
const monthly = { unit: 'month' as const, count: 1 };
const plan = {
  id: 'gold',
  version: 2,
  name: 'Gold',
  currency: 'USD',
  billingInterval: monthly,
  services: [{ id: 'base', name: 'Base', type: 'recurring' as const, pricing: { model: 'perUnit' as const, unitPrice: '100.00' } }],
};
const line = (amount: number, planInstanceId: string, periodStart: string, periodEnd: string) => ({
  type: amount < 0 ? ('credit' as const) : ('recurring' as const),
  planInstanceId,
  serviceId: 'base',
  description: 'Base',
  periodStart,
  periodEnd,
  quantity: '1',
  unitPrice: '100.00',
  amount,
  prorated: amount !== 10000,
});

describe('Plan instances and invoices: the query routes over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherKey: string;
  let log: EventStore;

  async function append(planInstanceId: string, tenant: string, ...events: PlanInstanceEvent[]): Promise<void> {
    await log.appendToStream(
      streamName('planInstance', tenant, planInstanceId),
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data as unknown as Record<string, unknown>,
        metadata: { tenantId: tenant, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'test', businessDate: '2019-02-10' },
      })),
      'any',
    );
  }
  const assigned = (planInstanceId: string, accountId: string): PlanInstanceEvent => ({
    type: 'PlanAssigned',
    data: {
      planInstanceId,
      accountId,
      plan,
      quantity: 1,
      status: 'active',
      billingGroupId: null,
      dunningGroupId: 'dg-1',
      startDate: '2019-02-02',
      anchorDate: '2019-02-22',
      billDay: 22,
      altBillDay: 22,
      invoicingOption: 'prorated',
      prorationRule: 'prorate',
      warnings: [],
      assignedOn: '2019-02-10',
    },
  });
  const invoiceOf = (invoiceId: string, planInstanceId: string, accountId: string, invoiceDate: string, amounts: number[]): Invoice => {
    const lines = amounts.map((amount) => line(amount, planInstanceId, invoiceDate, '2019-03-21'));
    return { invoiceId, accountId, planInstanceId, invoiceDate, dueDate: invoiceDate, currency: 'USD', total: amounts.reduce((a, b) => a + b, 0), lines };
  };
  const billed = (inv: Invoice, nextBillDate: string, reason: 'assignment' | 'billRun' | 'change' = 'billRun'): PlanInstanceEvent => ({
    type: 'PlanInstanceBilled',
    data: { planInstanceId: inv.planInstanceId, accountId: inv.accountId, reason, nextBillDate, charges: [], invoice: inv },
  });
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Billing reads', sandbox: true, businessDate: '2019-02-10' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other' }));
    for (const id of ['acme', 'empty']) expect((await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency: 'USD' } })).status).toBe(201);
    log = t.app.get<EventStore>(EVENT_STORE);

    await append('pi-1', tenantId, assigned('pi-1', 'acme'), billed(invoiceOf('inv-1', 'pi-1', 'acme', '2019-02-10', [6452]), '2019-02-22', 'assignment'));
    await append('pi-2', tenantId, assigned('pi-2', 'acme'), billed(invoiceOf('inv-2', 'pi-2', 'acme', '2019-02-10', [6452]), '2019-02-22', 'assignment'));
    await append('pi-1', tenantId, billed(invoiceOf('inv-3', 'pi-1', 'acme', '2019-02-22', [10000]), '2019-03-22'));
    await append('pi-2', tenantId, {
      type: 'PlanChangeScheduled',
      data: { planInstanceId: 'pi-2', accountId: 'acme', change: { kind: 'cancel', effectiveDate: '2019-03-01', prorationRule: 'prorate' } },
    });
    await append('pi-2', tenantId, { type: 'PlanCancelled', data: { planInstanceId: 'pi-2', accountId: 'acme', effectiveDate: '2019-03-01', prorationRule: 'prorate' } });
    await append('pi-2', tenantId, billed(invoiceOf('inv-4', 'pi-2', 'acme', '2019-03-01', [-3548]), '2019-03-22', 'change'));
    await t.settledHead();
  });
  afterAll(() => t.close());

  it('answers a plan instance with its billing state', async () => {
    const response = await get('/v1/plan-instances/pi-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: 'pi-1',
      accountId: 'acme',
      planId: 'gold',
      planVersion: 2,
      quantity: 1,
      status: 'active',
      billDay: 22,
      nextBillDate: '2019-03-22',
      startDate: '2019-02-02',
      anchorDate: '2019-02-22',
      billingInterval: monthly,
      billingGroupId: null,
      dunningGroupId: 'dg-1',
      invoicingOption: 'prorated',
      cancelledOn: null,
      pendingChange: null,
    });
    expect(await get('/v1/plan-instances/pi-2')).toMatchObject({
      status: 200,
      body: { id: 'pi-2', status: 'cancelled', cancelledOn: '2019-03-01', nextBillDate: null, pendingChange: null },
    });
  });

  it("lists an account's plan instances, a page at a time", async () => {
    const all = await get('/v1/accounts/acme/plan-instances');
    expect(all.status).toBe(200);
    expect(all.body.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([
      ['pi-1', 'active'],
      ['pi-2', 'cancelled'],
    ]);
    expect(all.body.nextCursor).toBeUndefined();
    expect(all.body.items[0]).toEqual((await get('/v1/plan-instances/pi-1')).body);

    const first = await get('/v1/accounts/acme/plan-instances?limit=1');
    expect(first.body.items.map((item: { id: string }) => item.id)).toEqual(['pi-1']);
    const second = await get(`/v1/accounts/acme/plan-instances?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: 'pi-2' })] });
    expect(await get('/v1/accounts/empty/plan-instances')).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('numbers invoices 1..n in the order they were posted and lists them newest first', async () => {
    const list = await get('/v1/accounts/acme/invoices');
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeUndefined();
    // The refund invoice owes nothing (paid); its 35.48 of credit went to the oldest invoice (FIFO, the tenant's default).
    expect(list.body.items.map((item: { id: string; number: number; total: number; balance: number; status: string }) => [item.id, item.number, item.total, item.balance, item.status])).toEqual([
      ['inv-4', 4, -3548, 0, 'paid'],
      ['inv-3', 3, 10000, 10000, 'unpaid'],
      ['inv-2', 2, 6452, 6452, 'unpaid'],
      ['inv-1', 1, 6452, 2904, 'partiallyPaid'],
    ]);
    expect(list.body.items[1]).toEqual({
      id: 'inv-3',
      number: 3,
      accountId: 'acme',
      planInstanceId: 'pi-1',
      invoiceDate: '2019-02-22',
      dueDate: '2019-02-22',
      currency: 'USD',
      subtotal: 10000, // no discount or tax: all of it
      tax: 0,
      total: 10000,
      balance: 10000,
      status: 'unpaid',
      lines: [line(10000, 'pi-1', '2019-02-22', '2019-03-21')],
    });

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/v1/accounts/acme/invoices?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body.items.map((item: { id: string }) => item.id).join(','));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(['inv-4,inv-3,inv-2', 'inv-1']);
  });

  it('answers one invoice, with the reason it was posted', async () => {
    const response = await get('/v1/invoices/inv-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: 'inv-1',
      number: 1,
      accountId: 'acme',
      planInstanceId: 'pi-1',
      invoiceDate: '2019-02-10',
      dueDate: '2019-02-10',
      currency: 'USD',
      subtotal: 6452,
      tax: 0,
      total: 6452,
      balance: 2904, // 64.52 less the 35.48 credit of inv-4
      status: 'partiallyPaid',
      reason: 'assignment',
      lines: [line(6452, 'pi-1', '2019-02-10', '2019-03-21')],
    });
  });

  it('answers 404 for unknown ids and for another tenant’s', async () => {
    for (const route of ['/v1/plan-instances/nope', '/v1/invoices/nope', '/v1/accounts/nope/plan-instances', '/v1/accounts/nope/invoices']) {
      const response = await get(route);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    for (const route of ['/v1/plan-instances/pi-1', '/v1/invoices/inv-1', '/v1/accounts/acme/plan-instances', '/v1/accounts/acme/invoices']) {
      expect((await get(route, otherKey)).status).toBe(404);
    }
  });

  it('numbers another tenant’s invoices from 1', async () => {
    const other = await t.createTenant({ name: 'Third' });
    expect((await t.request('POST', '/v1/accounts', { key: other.apiKey, body: { id: 'acme', name: 'acme', currency: 'USD' } })).status).toBe(201);
    await append('pi-9', other.id, assigned('pi-9', 'acme'), billed(invoiceOf('inv-9', 'pi-9', 'acme', '2019-02-10', [100]), '2019-02-22', 'assignment'));
    await t.settledHead();
    expect(await get('/v1/invoices/inv-9', other.apiKey)).toMatchObject({ status: 200, body: { number: 1 } });
  });

  it('validates limit and cursor (400 naming the field)', async () => {
    for (const route of ['/v1/accounts/acme/invoices', '/v1/accounts/acme/plan-instances']) {
      for (const limit of ['0', '1001', 'abc', '-1', '2.5']) {
        const response = await get(`${route}?limit=${limit}`);
        expect(response.status).toBe(400);
        expect(response.body.details).toEqual([expect.objectContaining({ field: 'limit' })]);
      }
      const bad = await get(`${route}?cursor=not-a-cursor`);
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
    // A plan-instance cursor is not an invoice cursor.
    const first = await get('/v1/accounts/acme/plan-instances?limit=1');
    expect((await get(`/v1/accounts/acme/invoices?cursor=${first.body.nextCursor}`)).status).toBe(400);
  });

  it('needs an API key', async () => {
    expect((await t.request('GET', '/v1/invoices/inv-1', { key: null })).status).toBe(401);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/openapi.json', { key: null });
    for (const route of ['/v1/plan-instances/{id}', '/v1/accounts/{id}/plan-instances', '/v1/accounts/{id}/invoices', '/v1/invoices/{id}']) {
      expect(doc.body.paths[route]?.get).toBeDefined();
    }
  });
});
