import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Credit memos reverse tax in proportion over HTTP (docs/decisions/0024-credit-memos-reverse-tax.md): a memo on an
 * invoice with tax answers its net (`subtotal`), its `tax` and `taxLines`; its preview answers the same; the ledger
 * entry says its tax; a memo on the account carries none.
 */
describe('Credit memos reverse tax over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function tenant(name: string) {
    const { apiKey: key } = await t.createTenant({ name, sandbox: true, businessDate: '2024-01-01' });
    const post = (route: string, body: Record<string, unknown>) => t.request('POST', route, { key, body });
    const get = async (route: string) => (await t.request('GET', route, { key })).body;
    return { key, post, get };
  }

  it('90.00 + 18.00 of 20% tax: 54.00 credited is 45.00 net + 9.00 tax, the second 54.00 reverses the 9.00 left', async () => {
    const { post, get } = await tenant('Credit memo tax');
    expect((await post('/v1/tax-rates', { id: 'vat', name: 'VAT', percent: '20' })).status).toBe(201);
    expect((await post('/v1/accounts', { id: 'acme', name: 'Acme', currency: 'USD' })).status).toBe(201);
    expect((await post('/v1/plans', monthlyPlan('ninety', '90.00'))).status).toBe(201);
    const assigned = await post('/v1/accounts/acme/plan-instances', { planId: 'ninety' });
    expect(assigned.status).toBe(201);
    expect(assigned.body.invoice).toMatchObject({ subtotal: 9000, tax: 1800, total: 10800 });
    const invoiceId = assigned.body.invoice.id;
    await t.settledHead();

    const body = { id: 'cm-1', amount: 5400, reason: 'outage' };
    const before = await t.settledHead();
    const preview = await post(`/v1/invoices/${invoiceId}/credit-memos`, { ...body, doWrite: false });
    expect(preview.status).toBe(200);
    expect(await t.settledHead()).toBe(before);
    const memo = await post(`/v1/invoices/${invoiceId}/credit-memos`, body);
    expect(memo.status).toBe(201);
    expect(memo.body).toEqual(preview.body);
    expect(memo.body).toMatchObject({
      id: 'cm-1',
      accountId: 'acme',
      invoiceId,
      amount: 5400,
      applications: [{ invoiceId, amount: 5400 }],
      unapplied: 0,
      subtotal: 4500,
      tax: 900,
      taxLines: [{ taxRateId: 'vat', percent: '20', inclusive: false, amount: 900 }],
    });
    const halfCredited = await get(`/v1/invoices/${invoiceId}`);
    expect(halfCredited).toMatchObject({ balance: 5400, tax: 1800, taxCredited: 900 });

    const rest = await post(`/v1/invoices/${invoiceId}/credit-memos`, { id: 'cm-2', amount: 5400, reason: 'cancelled' });
    expect(rest.body).toMatchObject({ subtotal: 4500, tax: 900, taxLines: [{ taxRateId: 'vat', amount: 900 }] });
    expect(await get(`/v1/invoices/${invoiceId}`)).toMatchObject({ balance: 0, taxCredited: 1800 });

    // The ledger says each memo's tax (signed as its amount); other entries keep their fields.
    await t.settledHead();
    const { items } = await get('/v1/accounts/acme/transactions');
    expect(items).toEqual([
      { id: 'cm-2', type: 'creditMemo', date: '2024-01-01', amount: -5400, balanceAfter: 0, reference: invoiceId, tax: -900 },
      { id: 'cm-1', type: 'creditMemo', date: '2024-01-01', amount: -5400, balanceAfter: 5400, reference: invoiceId, tax: -900 },
      { id: invoiceId, type: 'invoice', date: '2024-01-01', amount: 10800, balanceAfter: 10800, reference: invoiceId },
    ]);
    // The event records the split.
    const history = await get('/v1/accounts/acme/history?limit=100');
    const issued = history.items.filter((e: { type: string }) => e.type === 'CreditMemoIssued').map((e: { data: Record<string, unknown> }) => [e.data.creditMemoId, e.data.tax, e.data.taxLines]);
    expect(issued).toEqual(expect.arrayContaining([['cm-1', 900, [{ taxRateId: 'vat', percent: '20', inclusive: false, amount: 900 }]]]));

    // A memo on the account reverses no tax.
    const onAccount = await post('/v1/accounts/acme/credit-memos', { amount: 1000, reason: 'goodwill' });
    expect(onAccount.status).toBe(201);
    expect(onAccount.body).toMatchObject({ invoiceId: null, amount: 1000, unapplied: 1000, subtotal: 1000, tax: 0, taxLines: [] });
  });

  it('JPY (no decimals): 850 + 85 credited 100, 467 and 368 reverses 9, 43 and the 33 left', async () => {
    const { post } = await tenant('Credit memo tax JPY');
    expect((await post('/v1/tax-rates', { id: 'jct', name: 'JCT', percent: '10', country: 'JP' })).status).toBe(201);
    expect((await post('/v1/accounts', { id: 'yen', name: 'Yen', currency: 'JPY', contact: { address: { country: 'JP' } } })).status).toBe(201);
    expect((await post('/v1/plans', monthlyPlan('yen-plan', '850', 'JPY'))).status).toBe(201);
    const assigned = await post('/v1/accounts/yen/plan-instances', { planId: 'yen-plan' });
    expect(assigned.body.invoice).toMatchObject({ subtotal: 850, tax: 85, total: 935 });
    const invoiceId = assigned.body.invoice.id;
    await t.settledHead();
    const taxes = [];
    for (const amount of [100, 467, 368]) {
      const memo = await post(`/v1/invoices/${invoiceId}/credit-memos`, { amount, reason: 'refund' });
      expect(memo.status).toBe(201);
      taxes.push([memo.body.subtotal, memo.body.tax]);
    }
    expect(taxes).toEqual([[91, 9], [424, 43], [335, 33]]);
  });

  it("split billing: a memo on the parent's share reverses tax in proportion to that share's tax", async () => {
    const { key, post, get } = await tenant('Credit memo tax split');
    expect((await post('/v1/tax-rates', { id: 'vat', name: 'VAT', percent: '20' })).status).toBe(201);
    for (const id of ['parent', 'child']) expect((await post('/v1/accounts', { id, name: id, currency: 'USD' })).status).toBe(201);
    await t.request('PUT', '/v1/accounts/child/parent', { key, body: { parentAccountId: 'parent' } });
    const responsibility = { recurring: [{ payerAccountId: 'parent', percent: '80' }, { payerAccountId: 'child', percent: '20' }] };
    expect((await t.request('PUT', '/v1/accounts/child/payment-responsibility', { key, body: responsibility })).status).toBe(200);
    expect((await post('/v1/plans', monthlyPlan('ninety', '90.00'))).status).toBe(201);
    const assigned = await post('/v1/accounts/child/plan-instances', { planId: 'ninety' });
    expect(assigned.body.invoice).toMatchObject({ subtotal: 9000, tax: 1800, total: 10800 });
    const invoiceId = assigned.body.invoice.id;
    await t.settledHead();
    // The parent owes 72.00 + 14.40 of tax = 86.40, the child 18.00 + 3.60 = 21.60.
    expect((await get(`/v1/invoices/${invoiceId}`)).shares).toEqual([
      expect.objectContaining({ accountId: 'child', amount: 2160 }),
      expect.objectContaining({ accountId: 'parent', amount: 8640 }),
    ]);
    const memo = await post(`/v1/invoices/${invoiceId}/credit-memos`, { amount: 4320, reason: 'half', accountId: 'parent' });
    expect(memo.status).toBe(201);
    expect(memo.body).toMatchObject({ accountId: 'parent', amount: 4320, subtotal: 3600, tax: 720, taxLines: [{ taxRateId: 'vat', amount: 720 }] });
    // The child's whole share: exactly its 3.60 of tax.
    const child = await post(`/v1/invoices/${invoiceId}/credit-memos`, { amount: 2160, reason: 'all', accountId: 'child' });
    expect(child.body).toMatchObject({ accountId: 'child', subtotal: 1800, tax: 360 });
    // The invoice says, per share, how much of its tax was credited; the child's own share is the invoice's top level.
    await t.settledHead();
    const invoice = await get(`/v1/invoices/${invoiceId}`);
    expect(invoice).toMatchObject({ accountId: 'child', balance: 0, taxCredited: 360 });
    expect(invoice.shares).toEqual([
      { accountId: 'child', amount: 2160, balance: 0, status: 'paid', taxCredited: 360 },
      { accountId: 'parent', amount: 8640, balance: 4320, status: 'partiallyPaid', taxCredited: 720 },
    ]);
  });
});
