import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A customer session on the tenant's `/v1` routes (issue 20, DOMAIN.md §11, API.md "Self-service"): its own
 * account only (another account's ids answer 404, like ids that do not exist), only what customers may do
 * (anything else 403), the tenant's self-service rules, previews equal to the confirmed change, the customer
 * named as the actor of what it does, and nothing written by a refused request.
 */
describe('Self-service scoping over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let alice: string;
  let aliceUserId: string;
  let bob: string;
  const as = (token: string) => ({
    get: (route: string) => t.request('GET', route, { key: token }),
    post: (route: string, body: Record<string, unknown>, headers?: Record<string, string>) => t.request('POST', route, { key: token, body, headers }),
    patch: (route: string, body: Record<string, unknown>) => t.request('PATCH', route, { key: token, body }),
    put: (route: string, body: Record<string, unknown>) => t.request('PUT', route, { key: token, body }),
    delete: (route: string) => t.request('DELETE', route, { key: token }),
  });
  const tenant = () => as(key);
  const signIn = async (email: string) => {
    const answer = await t.request('POST', '/v1/self-service/sessions', { key: null, body: { tenantId, email, password: 'correct horse battery' } });
    expect(answer.status).toBe(201);
    return answer.body as { token: string; userId: string };
  };
  /** The request changed nothing: the log's head is where it was. */
  const writesNothing = async (request: () => Promise<{ status: number }>, status: number) => {
    const head = await t.settledHead();
    expect((await request()).status).toBe(status);
    expect(await t.settledHead()).toBe(head);
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Scoping', sandbox: true, businessDate: '2019-02-10' }));
    for (const plan of [monthlyPlan('basic', '10.00'), monthlyPlan('pro', '30.00'), monthlyPlan('hidden', '5.00')]) expect((await tenant().post('/v1/plans', plan)).status).toBe(201);
    for (const account of [{ id: 'acme' }, { id: 'acme-child', parentAccountId: 'acme' }, { id: 'other' }]) {
      expect((await tenant().post('/v1/accounts', { name: account.id, currency: 'USD', ...account })).status).toBe(201);
    }
    for (const [account, id] of [['acme', 'acme-basic'], ['acme-child', 'child-basic'], ['other', 'other-basic']]) {
      expect((await tenant().post(`/v1/accounts/${account}/plan-instances`, { id, planId: 'basic' })).status).toBe(201);
    }
    expect((await tenant().post('/v1/items', { id: 'widget', name: 'Widget', currency: 'USD', unitPrice: '25.00' })).status).toBe(201);
    expect((await tenant().patch('/v1/settings', { selfService: { planIds: ['basic', 'pro'], paymentMethodTypes: ['card'] } })).status).toBe(200);
    const users = [
      { account: 'acme', email: 'alice@acme.test' },
      { account: 'acme', email: 'bob@acme.test', scope: 'descendants' },
    ];
    for (const { account, ...user } of users) {
      expect((await tenant().post(`/v1/accounts/${account}/customer-users`, { ...user, password: 'correct horse battery' })).status).toBe(201);
    }
    ({ token: alice, userId: aliceUserId } = await signIn('alice@acme.test'));
    ({ token: bob } = await signIn('bob@acme.test'));
  });
  afterAll(() => t.close());

  it("reads its own account's account, plans, invoices, balance, ledger and statements", async () => {
    for (const route of ['accounts/acme', 'accounts/acme/plan-instances', 'plan-instances/acme-basic', 'accounts/acme/invoices', 'accounts/acme/balance', 'accounts/acme/transactions', 'accounts/acme/statements', 'accounts/acme/payments', 'accounts/acme/payment-methods', 'accounts/acme/orders']) {
      expect([route, (await as(alice).get(`/v1/${route}`)).status]).toEqual([route, 200]);
    }
    const invoices = (await as(alice).get('/v1/accounts/acme/invoices')).body.items;
    expect(invoices).toHaveLength(1);
    expect((await as(alice).get(`/v1/invoices/${invoices[0].id}`)).body).toMatchObject({ accountId: 'acme', total: 1000 });
  });

  it("answers another account's ids 404, exactly as ids that do not exist, and its own reads and writes of them too", async () => {
    const other = await as(alice).get('/v1/accounts/other');
    const unknown = await as(alice).get('/v1/accounts/nobody');
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(other.body.message).toBe('Account other was not found');
    expect(unknown.body.message).toBe('Account nobody was not found');

    const otherInvoice = (await tenant().get('/v1/accounts/other/invoices')).body.items[0].id;
    for (const route of [`invoices/${otherInvoice}`, 'plan-instances/other-basic', 'accounts/other/invoices', 'accounts/other/balance', 'accounts/other/plan-instances']) {
      expect([route, (await as(alice).get(`/v1/${route}`)).status]).toEqual([route, 404]);
    }
    expect((await as(alice).get(`/v1/invoices/${otherInvoice}`)).body.message).toBe(`Invoice ${otherInvoice} was not found`);
    await writesNothing(() => as(alice).post('/v1/plan-instances/other-basic/quantity', { quantity: 5 }), 404);
    await writesNothing(() => as(alice).patch('/v1/accounts/other/contact', { email: 'x@evil.test' }), 404);
    await writesNothing(() => as(alice).post('/v1/payments', { accountId: 'other', amount: 100, currency: 'USD', source: 'paymentMethod', paymentMethodId: 'pm' }), 404);
  });

  it('a parent administrator (scope descendants) acts on the accounts below its own; a plain user does not', async () => {
    expect((await as(bob).get('/v1/accounts/acme-child')).status).toBe(200);
    expect((await as(bob).get('/v1/plan-instances/child-basic')).status).toBe(200);
    expect((await as(alice).get('/v1/accounts/acme-child')).status).toBe(404);
    expect((await as(alice).get('/v1/plan-instances/child-basic')).status).toBe(404);
    expect((await as(bob).get('/v1/accounts/other')).status).toBe(404);
  });

  it("answers 403 on routes customers may not use: the tenant's catalog, settings, other accounts' lists, operators' corrections", async () => {
    const refused: Array<[string, string, Record<string, unknown>?]> = [
      ['POST', '/v1/plans', monthlyPlan('mine', '0.01')],
      ['GET', '/v1/settings'],
      ['PATCH', '/v1/settings', { prorationRule: 'none' }],
      ['POST', '/v1/accounts', { id: 'new', name: 'New', currency: 'USD' }],
      ['GET', '/v1/webhook-endpoints'],
      ['POST', '/v1/clock/advance', { to: '2019-03-01' }],
      ['GET', '/v1/accounts/acme/history'],
      ['POST', '/v1/accounts/acme/credit-memos', { amount: 100, reason: 'free money' }],
      ['PUT', '/v1/accounts/acme/status', { status: 'active', reason: 'me' }],
      ['POST', '/v1/accounts/acme/customer-users', { email: 'mallory@acme.test', password: 'correct horse battery' }],
      ['POST', '/v1/tenants', { name: 'Mine' }],
    ];
    const head = await t.settledHead();
    for (const [method, route, body] of refused) {
      const answer = await t.request(method, route, { key: alice, body });
      expect([method, route, answer.status]).toEqual([method, route, 403]);
    }
    expect(await t.settledHead()).toBe(head);
    // And the other way round: the session's own routes are not an API key's.
    expect((await tenant().get('/v1/self-service/me')).status).toBe(403);
  });

  it("sees and chooses only the plans the tenant offers, and cannot set what the tenant's rules decide", async () => {
    expect((await as(alice).get('/v1/plans')).body.items.map((plan: { id: string }) => plan.id)).toEqual(['basic', 'pro']);
    expect((await tenant().get('/v1/plans')).body.items.map((plan: { id: string }) => plan.id)).toEqual(['basic', 'hidden', 'pro']);
    expect((await as(alice).get('/v1/plans/hidden')).status).toBe(404);
    await writesNothing(() => as(alice).post('/v1/accounts/acme/plan-instances', { planId: 'hidden' }), 404);
    await writesNothing(() => as(alice).post('/v1/plan-instances/acme-basic/switch', { planId: 'hidden' }), 404);

    const head = await t.settledHead();
    const overridden = await as(alice).post('/v1/plan-instances/acme-basic/quantity', { quantity: 2, prorationRule: 'none' });
    expect(overridden.status).toBe(403);
    expect(overridden.body.details).toEqual([{ field: 'prorationRule', rule: 'operatorOnly', message: expect.stringContaining('prorationRule') }]);
    const backdated = await as(alice).post('/v1/accounts/acme/plan-instances', { planId: 'pro', retroactiveStartDate: '2019-01-01' });
    expect([backdated.status, backdated.body.details[0].field]).toEqual([403, 'retroactiveStartDate']);
    expect(await t.settledHead()).toBe(head);
  });

  it('previews every plan change first, and the preview is what the confirmed change answers', async () => {
    const changes: Array<[string, Record<string, unknown>]> = [
      ['/v1/plan-instances/acme-basic/quantity', { quantity: 3 }],
      ['/v1/plan-instances/acme-basic/switch', { planId: 'pro' }],
      ['/v1/accounts/acme/plan-instances', { id: 'acme-pro-2', planId: 'pro' }],
      ['/v1/plan-instances/acme-pro-2/cancel', {}],
    ];
    for (const [route, body] of changes) {
      const head = await t.settledHead();
      const preview = await as(alice).post(route, { ...body, doWrite: false });
      expect([route, preview.status]).toEqual([route, 200]);
      expect(await t.settledHead()).toBe(head);
      const confirmed = await as(alice).post(route, body);
      expect([route, confirmed.status]).toEqual([route, 201]);
      expect(confirmed.body).toEqual(preview.body);
    }
  });

  it('adds only the payment-method types the tenant takes, pays with its own method only, and orders only when ordering is offered', async () => {
    const debit = await as(alice).post('/v1/accounts/acme/payment-methods', { type: 'bankDebit', token: 'tok_approve' });
    expect([debit.status, debit.body.details[0]]).toEqual([422, expect.objectContaining({ field: 'type', rule: 'paymentMethodTypeNotAccepted' })]);
    const card = await as(alice).post('/v1/accounts/acme/payment-methods', { type: 'card', token: 'tok_approve', makeDefault: true });
    expect(card.status).toBe(201);

    const external = await as(alice).post('/v1/payments', { accountId: 'acme', amount: 100, currency: 'USD', source: 'external' });
    expect([external.status, external.body.details[0].field]).toEqual([403, 'source']);
    const { balance } = (await as(alice).get('/v1/accounts/acme/balance')).body;
    const paid = await as(alice).post('/v1/payments', { accountId: 'acme', amount: balance, currency: 'USD', source: 'paymentMethod', paymentMethodId: card.body.id });
    expect([paid.status, paid.body.status]).toEqual([201, 'succeeded']);
    expect((await as(alice).get('/v1/accounts/acme/balance')).body.balance).toBe(0);

    const order = await as(alice).post('/v1/accounts/acme/orders', { items: [{ itemId: 'widget', quantity: 1 }] });
    expect(order.status).toBe(201);
    // An order's invoice is only in the ledger: its own customer reads it, another account's customer does not.
    expect((await as(alice).get(`/v1/invoices/${order.body.invoice.id}`)).body).toMatchObject({ id: order.body.invoice.id, total: 2500 });
    const othersOrder = await tenant().post('/v1/accounts/other/orders', { items: [{ itemId: 'widget', quantity: 1 }] });
    expect((await as(alice).get(`/v1/invoices/${othersOrder.body.invoice.id}`)).status).toBe(404);
    expect((await as(alice).get('/v1/self-service/me')).body.rules).toEqual({ planIds: ['basic', 'pro'], paymentMethodTypes: ['card'], ordering: true });
    expect((await tenant().patch('/v1/settings', { selfService: { planIds: ['basic', 'pro'], paymentMethodTypes: ['card'], ordering: false } })).status).toBe(200);
    await writesNothing(() => as(alice).post('/v1/accounts/acme/orders', { items: [{ itemId: 'widget', quantity: 1 }] }), 403);
    expect((await as(alice).get('/v1/items')).status).toBe(403);
  });

  it("names the customer as the actor of what it does, and keeps its Idempotency-Keys apart from the tenant's", async () => {
    const changed = await as(alice).patch('/v1/accounts/acme/contact', { email: 'alice@acme.test' });
    expect(changed.status).toBe(200);
    const history = (await tenant().get('/v1/accounts/acme/history')).body;
    const events = history.items ?? history;
    const contact = events.filter((event: { type: string }) => event.type === 'AccountContactUpdated').pop();
    expect(contact.metadata.actor).toEqual({ type: 'customer', id: aliceUserId });

    // The same key from the tenant and from the customer: two requests, neither replays the other's answer.
    const headers = { 'Idempotency-Key': 'same-key' };
    const byTenant = await tenant().post('/v1/plan-instances/acme-basic/quantity', { quantity: 4 }, headers);
    const byCustomer = await as(alice).post('/v1/plan-instances/acme-basic/quantity', { quantity: 5 }, headers);
    expect([byTenant.status, byCustomer.status]).toEqual([201, 201]);
    expect(Number(byCustomer.headers.get('x-log-position'))).toBeGreaterThan(Number(byTenant.headers.get('x-log-position')));
    expect((await tenant().get('/v1/plan-instances/acme-basic')).body.quantity).toBe(5);
    // Its own repeat is replayed.
    const again = await as(alice).post('/v1/plan-instances/acme-basic/quantity', { quantity: 5 }, headers);
    expect(again.headers.get('x-log-position')).toBe(byCustomer.headers.get('x-log-position'));
  });

  it('a signed-out session is refused everywhere at once', async () => {
    const { token } = await signIn('alice@acme.test');
    expect((await as(token).get('/v1/accounts/acme')).status).toBe(200);
    expect((await as(token).delete('/v1/self-service/sessions/current')).status).toBe(204);
    for (const route of ['/v1/accounts/acme', '/v1/self-service/me', '/v1/plans']) expect((await as(token).get(route)).status).toBe(401);
  });
});
