import { PAYMENT_GATEWAY, SandboxGateway } from '../../libs/payments/gateway';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

const monthly = monthlyPlan;

/**
 * Payment methods and automatic collection over HTTP (API.md "Payments, credits and balances", DOMAIN.md §8), on
 * the sandbox gateway, which answers by token: an invoice posting for an account with a default method is
 * collected at once; declines and gateway errors are recorded with their reason; gateway errors are retried on
 * durable timers; a timeout is settled by asking the gateway, never by charging again.
 */
describe('Payment methods and automatic collection over HTTP', () => {
  let t: TestApp;
  let key: string;
  let gateway: SandboxGateway;
  const get = async (route: string) => (await t.request('GET', route, { key })).body;
  const post = (route: string, body: Record<string, unknown>) => t.request('POST', route, { key, body });
  const account = async (id: string, token?: string) => {
    expect((await post('/v1/accounts', { id, name: id, currency: 'USD' })).status).toBe(201);
    if (token) expect((await post(`/v1/accounts/${id}/payment-methods`, { id: `${id}-card`, type: 'card', token })).status).toBe(201);
  };
  const assign = async (accountId: string) => {
    expect((await post(`/v1/accounts/${accountId}/plan-instances`, { id: `${accountId}-pi`, planId: 'sixty' })).status).toBe(201);
    await t.settledHead(); // collection follows the invoice through process managers
    return (await get(`/v1/accounts/${accountId}/invoices`)).items[0];
  };
  const payments = async (accountId: string) => (await get(`/v1/accounts/${accountId}/payments`)).items;

  beforeAll(async () => {
    t = await startTestApp();
    gateway = t.app.get(PAYMENT_GATEWAY);
    ({ apiKey: key } = await t.createTenant({ name: 'Collections', sandbox: true, businessDate: '2019-02-10' }));
    expect((await post('/v1/plans', monthly('sixty', '60.00'))).status).toBe(201);
  });
  afterAll(() => t.close());

  it('adds, lists and removes payment methods; the gateway verifies the token; the token is never shown', async () => {
    await account('wallet');
    const added = await post('/v1/accounts/wallet/payment-methods', { id: 'visa', type: 'card', token: 'tok_approve' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: 'visa', accountId: 'wallet', type: 'card', last4: '4242', status: 'active', isDefault: true });
    expect((await post('/v1/accounts/wallet/payment-methods', { id: 'debit', type: 'bankDebit', token: 'tok_decline', makeDefault: false })).body).toMatchObject({ isDefault: false });
    const listed = await get('/v1/accounts/wallet/payment-methods');
    expect(listed.items.map((m: { id: string; isDefault: boolean }) => [m.id, m.isDefault])).toEqual([['visa', true], ['debit', false]]);
    expect(JSON.stringify(listed)).not.toContain('tok_');

    const before = await t.settledHead();
    const refused = await post('/v1/accounts/wallet/payment-methods', { type: 'card', token: 'tok_stolen' });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'token', rule: 'gatewayAccepts' })]);
    expect((await post('/v1/accounts/wallet/payment-methods', { type: 'cash', token: 'tok_approve' })).body.details).toEqual([expect.objectContaining({ field: 'type', rule: 'oneOf' })]);
    expect((await post('/v1/accounts/nobody/payment-methods', { type: 'card', token: 'tok_approve' })).status).toBe(404);
    expect(await t.settledHead()).toBe(before);

    const removed = await t.request('DELETE', '/v1/accounts/wallet/payment-methods/visa', { key });
    expect(removed.body).toEqual({ id: 'visa', accountId: 'wallet', type: 'card', last4: '4242', status: 'removed', isDefault: false });
    expect((await get('/v1/accounts/wallet/payment-methods')).items.map((m: { id: string; status: string; isDefault: boolean }) => [m.id, m.status, m.isDefault])).toEqual([
      ['visa', 'removed', false],
      ['debit', 'active', false], // no default left: net terms
    ]);
    expect((await t.request('DELETE', '/v1/accounts/wallet/payment-methods/visa', { key })).status).toBe(404);
  });

  it('collects the balance when an invoice posts for an account with a default card, once', async () => {
    await account('carded', 'tok_approve');
    const invoice = await assign('carded');
    expect(invoice).toMatchObject({ total: 6000, balance: 0, status: 'paid' });
    const [payment] = await payments('carded');
    expect(payment).toMatchObject({ id: `col:${invoice.id}:1`, amount: 6000, status: 'succeeded', source: 'paymentMethod', paymentMethodId: 'carded-card' });
    expect(payment.reference).toMatch(/^ch_sandbox_/);
    expect(gateway.charges().filter((charge) => charge.amount === 6000 && charge.status === 'succeeded' && charge.description.includes('carded'))).toHaveLength(1);
    expect(await get('/v1/accounts/carded/balance')).toMatchObject({ balance: 0 });
  });

  it('keeps payment methods of the same id apart per account, and collects each account by its own', async () => {
    for (const id of ['twin-a', 'twin-b']) {
      await account(id);
      expect((await post(`/v1/accounts/${id}/payment-methods`, { id: 'card', type: 'card', token: 'tok_approve' })).status).toBe(201);
    }
    for (const id of ['twin-a', 'twin-b']) {
      expect((await get(`/v1/accounts/${id}/payment-methods`)).items).toEqual([{ id: 'card', accountId: id, type: 'card', last4: '4242', status: 'active', isDefault: true }]);
      expect(await assign(id)).toMatchObject({ status: 'paid' });
    }
  });

  it('records a decline with its reason and leaves the invoice open (no retry: dunning takes it)', async () => {
    await account('declined', 'tok_insufficient_funds');
    const invoice = await assign('declined');
    expect(invoice).toMatchObject({ balance: 6000, status: 'unpaid' });
    expect(await payments('declined')).toEqual([expect.objectContaining({ status: 'failed', failureReason: 'insufficientFunds', amount: 6000 })]);
    expect((await post('/v1/clock/advance', { to: '2019-02-14' })).status).toBe(200);
    expect(await payments('declined')).toHaveLength(1);
  });

  it('retries a gateway error on durable timers, one day and then two later, three attempts in all', async () => {
    await account('flaky', 'tok_gateway_error');
    await assign('flaky');
    const attempts = async () => (await payments('flaky')).map((p: { id: string; date: string; status: string }) => [p.id.slice(-2), p.date, p.status]);
    expect(await attempts()).toEqual([[':1', '2019-02-14', 'failed']]);
    expect((await post('/v1/clock/advance', { to: '2019-02-15' })).status).toBe(200);
    expect((await post('/v1/clock/advance', { to: '2019-02-18' })).status).toBe(200);
    expect(await attempts()).toEqual([
      [':3', '2019-02-17', 'failed'],
      [':2', '2019-02-15', 'failed'],
      [':1', '2019-02-14', 'failed'],
    ]);
  });

  it('settles a timed-out charge by asking the gateway, never by charging again', async () => {
    await account('slow', 'tok_timeout');
    const invoice = await assign('slow');
    expect(invoice).toMatchObject({ status: 'paid' });
    const key = gateway.charges().find((charge) => charge.description.includes('slow'))!.idempotencyKey;
    expect(gateway.chargeCount(key)).toBe(1);
  });

  it("does not collect below the tenant's minimum collection threshold, nor without a default method", async () => {
    expect((await t.request('PATCH', '/v1/settings', { key, body: { minimumCollectionThreshold: 10000 } })).status).toBe(200);
    await account('small', 'tok_approve');
    expect(await assign('small')).toMatchObject({ status: 'unpaid' });
    expect(await payments('small')).toEqual([]);
    expect((await t.request('PATCH', '/v1/settings', { key, body: { minimumCollectionThreshold: 0 } })).status).toBe(200);
    await account('net-terms');
    expect(await assign('net-terms')).toMatchObject({ status: 'unpaid' });
    expect(await payments('net-terms')).toEqual([]);
  });

  it('takes a one-off card payment through POST /v1/payments; a decline answers failed with the reason; a repeat charges nothing more', async () => {
    expect((await post('/v1/accounts/small/payment-methods', { id: 'small-bad', type: 'card', token: 'tok_decline', makeDefault: false })).status).toBe(201);
    const body = { id: 'one-off-1', accountId: 'small', amount: 2500, currency: 'USD', source: 'paymentMethod' };
    const preview = await post('/v1/payments', { ...body, doWrite: false });
    expect(preview.status).toBe(200);
    const paid = await post('/v1/payments', body);
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ id: 'one-off-1', status: 'succeeded', applications: [{ amount: 2500 }] });
    const chargeId = (await get('/v1/payments/one-off-1')).reference; // the gateway's charge id
    expect(preview.body).toEqual(paid.body);
    expect((await post('/v1/payments', body)).body).toEqual(paid.body);
    expect(gateway.charges().filter((charge) => charge.description.includes('one-off-1'))).toHaveLength(1);

    // Refunded through the gateway (a charge's money goes back the way it came), once however often it is sent.
    const refund = { amount: 1000, reason: 'goodwill' };
    const refunded = await t.request('POST', '/v1/payments/one-off-1/refunds', { key, body: refund, headers: { 'idempotency-key': 'refund-1' } });
    expect(refunded.status).toBe(201);
    expect((await t.request('POST', '/v1/payments/one-off-1/refunds', { key, body: refund, headers: { 'idempotency-key': 'refund-1' } })).body).toEqual(refunded.body);
    expect(gateway.refunds().filter((r) => r.chargeId === chargeId)).toEqual([expect.objectContaining({ amount: 1000 })]);

    const declined = await post('/v1/payments', { ...body, id: 'one-off-2', paymentMethodId: 'small-bad' });
    expect(declined.status).toBe(201);
    expect(declined.body).toMatchObject({ status: 'failed', failureReason: 'declined', applications: [] });
    expect((await post('/v1/payments', { ...body, id: 'one-off-3', paymentMethodId: 'nope' })).body.details).toEqual([
      expect.objectContaining({ field: 'paymentMethodId', rule: 'activePaymentMethod' }),
    ]);
  });
});
