import { ACCOUNT_HISTORY_EVENT_TYPES } from '../../libs/accounts/read-model';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../libs/platform/event-store/event-store.port';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 21, Must have 1 and 2 over real HTTP: GET /v1/accounts/{id}/history lists every event about the account
 * from every stream it touches, in log order, paged, filtered by type and business date; every item names its
 * actor as an object, its correlation and causation, and the reason given. Decision 0018.
 */
describe('An account’s timeline (GET /v1/accounts/{id}/history)', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let all: any[];

  const post = (route: string, body: unknown, headers?: Record<string, string>) => t.request('POST', route, { key, body, headers });
  const history = (query = '', accountId = 'hq') => t.request('GET', `/v1/accounts/${accountId}/history${query}`, { key });

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Audited', sandbox: true, businessDate: '2024-01-10' }));
    expect((await post('/v1/plans', monthlyPlan('monthly', '100.00'))).status).toBe(201);
    expect((await post('/v1/items', { id: 'kit', name: 'Kit', currency: 'USD', unitPrice: '25.00' })).status).toBe(201);
    // 2024-01-10: the account, its plan instance (and so its first invoice), another account's noise.
    expect((await post('/v1/accounts', { id: 'hq', name: 'HQ', currency: 'USD', email: 'hq@example.com' })).status).toBe(201);
    expect((await post('/v1/accounts', { id: 'stranger', name: 'Stranger', currency: 'USD', email: 's@example.com' })).status).toBe(201);
    expect((await post('/v1/accounts/hq/plan-instances', { id: 'pi-hq', planId: 'monthly' })).status).toBe(201);
    expect((await post('/v1/accounts/stranger/plan-instances', { id: 'pi-stranger', planId: 'monthly' })).status).toBe(201);
    // 2024-01-12: a payment, a credit memo (X-Actor names the operator), a status change with a reason.
    expect((await post('/v1/clock/advance', { to: '2024-01-12' })).status).toBe(200);
    expect((await post('/v1/payments', { id: 'pay-1', accountId: 'hq', amount: 4000, currency: 'USD', source: 'external' })).status).toBe(201);
    expect((await post('/v1/accounts/hq/credit-memos', { amount: 500, reason: 'outage credit' }, { 'x-actor': 'jane@billing' })).status).toBe(201);
    expect((await t.request('PUT', '/v1/accounts/hq/status', { key, body: { status: 'suspended', reason: 'fraud review' } })).status).toBe(200);
    // 2024-01-15: a child account created under it, and an order.
    expect((await post('/v1/clock/advance', { to: '2024-01-15' })).status).toBe(200);
    expect((await post('/v1/accounts', { id: 'branch', name: 'Branch', currency: 'USD', email: 'b@example.com', parentAccountId: 'hq' })).status).toBe(201);
    expect((await post('/v1/accounts/hq/orders', { items: [{ itemId: 'kit', quantity: 2 }] })).status).toBe(201);
    await t.settledHead();
    const response = await history('?limit=1000');
    expect(response.status).toBe(200);
    all = response.body.items;
  }, 60_000);
  afterAll(() => t.close());

  it('lists every event about the account from each stream it touches, in log order, and nothing of other accounts', async () => {
    const types = all.map((item) => item.type);
    for (const type of [
      'AccountCreated',
      'PlanAssigned',
      'PlanInstanceBilled',
      'ReceivablePosted',
      'PaymentRecorded',
      'CreditMemoIssued',
      'AccountStatusChanged',
      'AccountParented',
      'OrderPlaced',
    ]) {
      expect(types).toContain(type);
    }
    expect(types[0]).toBe('AccountCreated');
    const positions = all.map((item) => item.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    const streams = new Set(all.map((item) => item.stream.split('-')[0]));
    for (const category of ['account', 'planInstance', 'receivables', 'hierarchy', 'order']) expect(streams).toContain(category);
    expect(JSON.stringify(all)).not.toContain('pi-stranger');

    // Exactly what the log holds about the account, from the log itself.
    const log: RecordedEvent[] = await t.app.get<EventStore>(EVENT_STORE).readAll();
    const about = log.filter(
      (event) => event.metadata.tenantId === tenantId && ACCOUNT_HISTORY_EVENT_TYPES.includes(event.type) && JSON.stringify(event.data).match(/"(accountId|parentAccountId|payerAccountId)":"hq"/),
    );
    expect(positions).toEqual(about.map((event) => event.position));
    const [first] = all;
    expect(first).toMatchObject({ position: about[0].position, id: about[0].id, revision: 0, businessDate: '2024-01-10', data: { accountId: 'hq', name: 'HQ' } });
    expect(Date.parse(first.recordedAt)).not.toBeNaN();
  });

  it('says in a child’s own history that it was created under its parent', async () => {
    const child = await history('', 'branch');
    expect(child.body.items.map((item: any) => item.type)).toEqual(['AccountCreated', 'AccountParented']);
    expect(child.body.items[1].data).toMatchObject({ accountId: 'branch', parentAccountId: 'hq' });
    expect(all.find((item) => item.type === 'AccountParented').position).toBe(child.body.items[1].position);
  });

  it('names who did it as an object, with the X-Actor name, and the reason given', async () => {
    const created = all[0];
    expect(created.metadata.actor).toEqual({ type: 'apiKey', id: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(created.metadata.correlationId).toEqual(expect.any(String));
    expect(created.metadata).not.toHaveProperty('reason');
    const memo = all.find((item) => item.type === 'CreditMemoIssued');
    expect(memo.metadata).toMatchObject({ actor: { type: 'apiKey', id: created.metadata.actor.id, name: 'jane@billing' }, reason: 'outage credit' });
    const status = all.find((item) => item.type === 'AccountStatusChanged');
    expect(status.metadata).toMatchObject({ actor: { type: 'apiKey' }, reason: 'fraud review' });
    expect(status.data).toMatchObject({ from: 'active', to: 'suspended', reason: 'fraud review' });
    expect(status.metadata.causationId).toBe(status.metadata.correlationId);
  });

  it("points what a process manager did back to the event that caused it, with the process manager's name", async () => {
    const billed = all.find((item) => item.type === 'PlanInstanceBilled');
    const posted = all.find((item) => item.type === 'ReceivablePosted' && item.data.invoiceId === billed.data.invoice.invoiceId);
    expect(posted.metadata.actor).toEqual({ type: 'system', id: 'receivables-posting' });
    expect(posted.metadata.causationId).toBe(billed.id);
    expect(posted.metadata.correlationId).toBe(billed.metadata.correlationId);
    expect(posted.position).toBeGreaterThan(billed.position);
    const order = all.find((item) => item.type === 'OrderPlaced');
    const orderPosted = all.find((item) => item.type === 'ReceivablePosted' && item.data.invoiceId === order.data.invoice.id);
    expect(orderPosted.metadata).toMatchObject({ actor: { type: 'system', id: 'order-posting' }, causationId: order.id });
  });

  it('pages with cursor and limit as other lists do', async () => {
    const seen: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await history(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual(all);
    const defaults = await history();
    expect(defaults.body.items).toEqual(all.slice(0, 100));
  });

  it('filters by type (a comma list) and by business-date range', async () => {
    const money = await history('?type=PaymentRecorded,CreditMemoIssued');
    expect(money.body.items.map((item: any) => item.type)).toEqual(['PaymentRecorded', 'CreditMemoIssued']);
    const onTheTwelfth = await history('?from=2024-01-12&to=2024-01-12');
    expect(onTheTwelfth.body.items.map((item: any) => item.position)).toEqual(all.filter((item) => item.businessDate === '2024-01-12').map((item) => item.position));
    expect(onTheTwelfth.body.items.map((item: any) => item.type)).toEqual(expect.arrayContaining(['PaymentRecorded', 'CreditMemoIssued', 'AccountStatusChanged']));
    const fromFifteenth = await history('?from=2024-01-15&type=AccountParented,OrderPlaced,AccountCreated');
    expect(fromFifteenth.body.items.map((item: any) => item.type)).toEqual(['AccountParented', 'OrderPlaced']);
    const untilTenth = await history('?to=2024-01-10&type=AccountCreated,PaymentRecorded');
    expect(untilTenth.body.items.map((item: any) => item.type)).toEqual(['AccountCreated']);
  });

  it.each([
    ['an unknown event type', '?type=PaymentRecorded,NoSuchThing', 'type'],
    ['an event type no history holds', '?type=TimerFired', 'type'],
    ['an empty type', '?type=', 'type'],
    ['a malformed from', '?from=2024-1-1', 'from'],
    ['a malformed to', '?to=tomorrow', 'to'],
    ['from after to', '?from=2024-01-13&to=2024-01-12', 'to'],
    ['a foreign cursor', '?cursor=abc', 'cursor'],
    ['a limit out of range', '?limit=0', 'limit'],
    ['a limit beyond the maximum', '?limit=1001', 'limit'],
    ['an unknown parameter', '?types=PaymentRecorded', 'types'],
  ])('answers 400 naming the parameter for %s', async (_what, query, field) => {
    const response = await history(query);
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field })]);
  });

  it("answers 404 for an unknown account and for another tenant's", async () => {
    expect((await history('', 'nobody')).status).toBe(404);
    const other = await t.createTenant({ name: 'Other' });
    expect((await t.request('GET', '/v1/accounts/hq/history', { key: other.apiKey })).status).toBe(404);
  });
});
