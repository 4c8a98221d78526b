import { randomUUID } from 'node:crypto';
import type { Invoice } from '../../libs/plan-instances/domain/invoice';
import type { PlanInstanceEvent } from '../../libs/plan-instances/domain/plan-instance.events';
import { streamName } from '../../libs/shared-kernel/streams';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The lists of issue 22 over real HTTP: GET /v1/accounts, /v1/invoices and /v1/plan-instances, their filters,
 * cursors with hasMore, the 400s naming the parameter, and one tenant never seeing another's items.
 * Plan instances and invoices are appended straight to the log (as billing-queries.e2e.spec.ts does).
 */
const monthly = { unit: 'month' as const, count: 1 };
const planOf = (id: string) => ({
  id,
  version: 1,
  name: id,
  currency: 'USD',
  billingInterval: monthly,
  services: [{ id: 'base', name: 'Base', type: 'recurring' as const, pricing: { model: 'perUnit' as const, unitPrice: '100.00' } }],
});

describe('Lists and filters (issue 22)', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherKey: string;
  let otherTenantId: string;
  let log: EventStore;
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });
  const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

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
  const assigned = (planInstanceId: string, accountId: string, planId: string): PlanInstanceEvent => ({
    type: 'PlanAssigned',
    data: {
      planInstanceId,
      accountId,
      plan: planOf(planId),
      quantity: 1,
      status: 'active',
      billingGroupId: null,
      dunningGroupId: null,
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
  const billed = (invoiceId: string, planInstanceId: string, accountId: string, invoiceDate: string, amount: number): PlanInstanceEvent => {
    const lines = [
      { type: 'recurring' as const, planInstanceId, serviceId: 'base', description: 'Base', periodStart: invoiceDate, periodEnd: invoiceDate, quantity: '1', unitPrice: '100.00', amount, prorated: false },
    ];
    const invoice: Invoice = { invoiceId, accountId, planInstanceId, invoiceDate, dueDate: invoiceDate, currency: 'USD', total: amount, lines };
    return { type: 'PlanInstanceBilled', data: { planInstanceId, accountId, reason: 'billRun', nextBillDate: '2019-03-22', charges: [], invoice } };
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({
      name: 'Lists',
      sandbox: true,
      businessDate: '2019-02-10',
      settings: { customStatuses: [{ name: 'onHold', billable: false }] },
    }));
    ({ apiKey: otherKey, id: otherTenantId } = await t.createTenant({ name: 'Other', sandbox: true, businessDate: '2019-02-10' }));
    log = t.app.get<EventStore>(EVENT_STORE);
    const accounts = [
      { id: 'a1', name: 'Acme Corp', contact: { email: 'billing@acme.example' } },
      { id: 'a2', name: 'Zeta', contact: { email: 'ACCOUNTS@Acme-Partner.example' } },
      { id: 'a3', name: 'acme labs' },
      { id: 'b1', name: 'Beta', contact: { email: 'ops@beta.example' } },
      { id: 'b2', name: 'Gamma' },
    ];
    for (const account of accounts) {
      expect((await t.request('POST', '/v1/accounts', { key, body: { ...account, currency: 'USD' } })).status).toBe(201);
    }
    expect((await t.request('POST', '/v1/accounts', { key: otherKey, body: { id: 'x1', name: 'Acme Elsewhere', currency: 'USD' } })).status).toBe(201);
    expect((await t.request('PUT', '/v1/accounts/a3/parent', { key, body: { parentAccountId: 'a1' } })).status).toBe(200);
    expect((await t.request('PUT', '/v1/accounts/b2/parent', { key, body: { parentAccountId: 'a1' } })).status).toBe(200);
    expect((await t.request('PUT', '/v1/accounts/b1/status', { key, body: { status: 'suspended', reason: 'test' } })).status).toBe(200);

    await append('pi-1', tenantId, assigned('pi-1', 'a1', 'gold'), billed('inv-1', 'pi-1', 'a1', '2019-02-10', 1000));
    await append('pi-2', tenantId, assigned('pi-2', 'a1', 'silver'), billed('inv-2', 'pi-2', 'a1', '2019-02-15', 2000));
    await append('pi-3', tenantId, assigned('pi-3', 'b1', 'gold'), billed('inv-3', 'pi-3', 'b1', '2019-03-01', 3000));
    await append('pi-2', tenantId, { type: 'PlanCancelled', data: { planInstanceId: 'pi-2', accountId: 'a1', effectiveDate: '2019-03-01', prorationRule: 'prorate' } });
    await append('pi-9', otherTenantId, assigned('pi-9', 'x1', 'gold'), billed('inv-9', 'pi-9', 'x1', '2019-02-10', 500));
    await t.settledHead();
    // a1 pays its first invoice in full (the oldest open one).
    expect((await t.request('POST', '/v1/payments', { key, body: { id: 'pay-1', accountId: 'a1', amount: 1000, currency: 'USD' } })).status).toBe(201);
    await t.settledHead();
  });
  afterAll(() => t.close());

  describe('GET /v1/accounts', () => {
    it('lists the tenant’s accounts sorted by id, as GET /v1/accounts/{id} shows them', async () => {
      const all = await get('/v1/accounts');
      expect(all.status).toBe(200);
      expect(ids(all.body)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
      expect(all.body.hasMore).toBe(false);
      expect(all.body.nextCursor).toBeUndefined();
      expect(all.body.items[0]).toEqual((await get('/v1/accounts/a1')).body);
      expect(all.body.items[0]).not.toHaveProperty('searchName');
    });

    it('pages with nextCursor and hasMore', async () => {
      const first = await get('/v1/accounts?limit=2');
      expect(ids(first.body)).toEqual(['a1', 'a2']);
      expect(first.body.hasMore).toBe(true);
      const second = await get(`/v1/accounts?limit=2&cursor=${first.body.nextCursor}`);
      expect(ids(second.body)).toEqual(['a3', 'b1']);
      const third = await get(`/v1/accounts?limit=2&cursor=${second.body.nextCursor}`);
      expect(third.body).toMatchObject({ hasMore: false });
      expect(ids(third.body)).toEqual(['b2']);
      expect(third.body.nextCursor).toBeUndefined();
    });

    it('searches the name or the email by case-insensitive prefix', async () => {
      expect(ids((await get('/v1/accounts?q=ACME')).body)).toEqual(['a1', 'a3']);
      expect(ids((await get('/v1/accounts?q=accounts@acme')).body)).toEqual(['a2']);
      expect(ids((await get('/v1/accounts?q=ops@')).body)).toEqual(['b1']);
      expect(ids((await get('/v1/accounts?q=corp')).body)).toEqual([]); // a prefix, not a substring
      const first = await get('/v1/accounts?q=a&limit=2');
      expect(ids(first.body)).toEqual(['a1', 'a2']);
      expect(first.body.hasMore).toBe(true);
      const rest = await get(`/v1/accounts?q=a&limit=2&cursor=${first.body.nextCursor}`);
      expect(ids(rest.body)).toEqual(['a3']);
      expect(rest.body.hasMore).toBe(false);
    });

    it('filters on status and parent', async () => {
      expect(ids((await get('/v1/accounts?status=suspended')).body)).toEqual(['b1']);
      expect(ids((await get('/v1/accounts?status=onHold')).body)).toEqual([]);
      expect(ids((await get('/v1/accounts?parentAccountId=a1')).body)).toEqual(['a3', 'b2']);
      expect(ids((await get('/v1/accounts?parentAccountId=a1&q=acme')).body)).toEqual(['a3']);
      expect(ids((await get('/v1/accounts?status=active&parentAccountId=a1')).body)).toEqual(['a3', 'b2']);
    });

    it('never shows another tenant’s accounts', async () => {
      expect(ids((await get('/v1/accounts', otherKey)).body)).toEqual(['x1']);
      expect(ids((await get('/v1/accounts?q=acme', otherKey)).body)).toEqual(['x1']);
      expect(ids((await get('/v1/accounts?q=acme%20else')).body)).toEqual([]);
    });
  });

  describe('GET /v1/plan-instances', () => {
    it('lists and filters on account, status and plan', async () => {
      const all = await get('/v1/plan-instances');
      expect(all.status).toBe(200);
      expect(ids(all.body)).toEqual(['pi-1', 'pi-2', 'pi-3']);
      expect(all.body.hasMore).toBe(false);
      expect(all.body.items[0]).toEqual((await get('/v1/plan-instances/pi-1')).body);
      expect(ids((await get('/v1/plan-instances?accountId=a1')).body)).toEqual(['pi-1', 'pi-2']);
      expect(ids((await get('/v1/plan-instances?status=cancelled')).body)).toEqual(['pi-2']);
      expect(ids((await get('/v1/plan-instances?status=active')).body)).toEqual(['pi-1', 'pi-3']);
      expect(ids((await get('/v1/plan-instances?planId=gold')).body)).toEqual(['pi-1', 'pi-3']);
      expect(ids((await get('/v1/plan-instances?planId=gold&accountId=b1')).body)).toEqual(['pi-3']);
      const first = await get('/v1/plan-instances?limit=2');
      expect(first.body).toMatchObject({ hasMore: true });
      expect(ids((await get(`/v1/plan-instances?limit=2&cursor=${first.body.nextCursor}`)).body)).toEqual(['pi-3']);
    });

    it('never shows another tenant’s plan instances', async () => {
      expect(ids((await get('/v1/plan-instances', otherKey)).body)).toEqual(['pi-9']);
      expect(ids((await get('/v1/plan-instances?accountId=x1')).body)).toEqual([]);
    });
  });

  describe('GET /v1/invoices', () => {
    it('lists newest first with balance and status, filtered on account, dates and status', async () => {
      const all = await get('/v1/invoices');
      expect(all.status).toBe(200);
      expect(ids(all.body)).toEqual(['inv-3', 'inv-2', 'inv-1']);
      expect(all.body.hasMore).toBe(false);
      expect(all.body.items[2]).toMatchObject({ id: 'inv-1', number: 1, accountId: 'a1', total: 1000, balance: 0, status: 'paid' });
      expect(all.body.items[1]).toMatchObject({ id: 'inv-2', balance: 2000, status: 'unpaid' });
      const { lines: _, reason: __, ...single } = (await get('/v1/invoices/inv-2')).body;
      expect(all.body.items[1]).toEqual(single);

      expect(ids((await get('/v1/invoices?accountId=a1')).body)).toEqual(['inv-2', 'inv-1']);
      expect(ids((await get('/v1/invoices?from=2019-02-11')).body)).toEqual(['inv-3', 'inv-2']);
      expect(ids((await get('/v1/invoices?to=2019-02-15')).body)).toEqual(['inv-2', 'inv-1']);
      expect(ids((await get('/v1/invoices?from=2019-02-15&to=2019-02-15')).body)).toEqual(['inv-2']);
      expect(ids((await get('/v1/invoices?status=paid')).body)).toEqual(['inv-1']);
      expect(ids((await get('/v1/invoices?status=unpaid')).body)).toEqual(['inv-3', 'inv-2']);
      expect(ids((await get('/v1/invoices?status=writtenOff')).body)).toEqual([]);
    });

    it('pages with and without a status filter', async () => {
      const first = await get('/v1/invoices?limit=2');
      expect(first.body).toMatchObject({ hasMore: true });
      expect(ids(first.body)).toEqual(['inv-3', 'inv-2']);
      const rest = await get(`/v1/invoices?limit=2&cursor=${first.body.nextCursor}`);
      expect(rest.body).toMatchObject({ hasMore: false });
      expect(ids(rest.body)).toEqual(['inv-1']);

      const unpaid = await get('/v1/invoices?status=unpaid&limit=1');
      expect(ids(unpaid.body)).toEqual(['inv-3']);
      expect(unpaid.body.hasMore).toBe(true);
      const more = await get(`/v1/invoices?status=unpaid&limit=1&cursor=${unpaid.body.nextCursor}`);
      expect(ids(more.body)).toEqual(['inv-2']);
    });

    it('never shows another tenant’s invoices', async () => {
      expect(ids((await get('/v1/invoices', otherKey)).body)).toEqual(['inv-9']);
      expect(ids((await get('/v1/invoices?accountId=x1')).body)).toEqual([]);
    });
  });

  describe('bad input: 400 naming the parameter', () => {
    it.each([
      ['/v1/accounts?status=closed', 'status'],
      ['/v1/accounts?cursor=not-a-cursor', 'cursor'],
      ['/v1/accounts?cursor=%25%25', 'cursor'],
      ['/v1/accounts?limit=0', 'limit'],
      ['/v1/accounts?limit=abc', 'limit'],
      ['/v1/accounts?q=', 'q'],
      ['/v1/accounts?sort=name', 'sort'],
      ['/v1/plan-instances?status=paused', 'status'],
      ['/v1/plan-instances?cursor=xyz', 'cursor'],
      ['/v1/plan-instances?limit=1001', 'limit'],
      ['/v1/invoices?status=open', 'status'],
      ['/v1/invoices?from=2019-02-30', 'from'],
      ['/v1/invoices?to=yesterday', 'to'],
      ['/v1/invoices?from=2019-03-01&to=2019-02-01', 'to'],
      ['/v1/invoices?cursor=abc', 'cursor'],
      ['/v1/invoices?limit=-1', 'limit'],
    ])('%s', async (route, field) => {
      const response = await get(route);
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('a cursor of another listing is refused', async () => {
      const invoices = await get('/v1/invoices?limit=1');
      expect((await get(`/v1/accounts?cursor=${invoices.body.nextCursor}`)).status).toBe(400);
      const accounts = await get('/v1/accounts?limit=1');
      expect((await get(`/v1/invoices?cursor=${accounts.body.nextCursor}`)).status).toBe(400);
    });
  });
});
