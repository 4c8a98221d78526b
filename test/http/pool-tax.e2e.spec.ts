import { startTestApp, TestApp } from '../support/test-app';

/**
 * Coupons and tax on a pool's rating invoices over real HTTP (DOMAIN.md §6, §13; decision 0021). Sandbox tenants start
 * on 2024-01-01; the owner holds the plan `data` from then (bill day 1), so its period is January, rated on
 * 2024-02-01. The usage service is 1.00 (JPY: 1) a unit, so a member's pooled line is its quantity in major units.
 */
const dataPlan = (currency: string, unitPrice: string, taxCategory?: string) => ({
  id: 'data',
  name: 'Data',
  currency,
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Line', type: 'recurring', pricing: { model: 'perUnit', unitPrice } },
    { id: 'gb', name: 'Data (GB)', type: 'usage', pricing: { model: 'perUnit', unitPrice }, ...(taxCategory ? { taxCategory } : {}) },
  ],
});

describe('Pool rating invoices with coupons and tax over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function sandbox(name: string, currency = 'USD', unitPrice = '1.00', taxCategory?: string): Promise<string> {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate: '2024-01-01' });
    expect((await t.request('POST', '/v1/plans', { key: apiKey, body: dataPlan(currency, unitPrice, taxCategory) })).status).toBe(201);
    return apiKey;
  }
  /** An account holding the plan `data` (usage is recorded only for a service of a plan the account holds). */
  async function account(key: string, id: string, body: Record<string, unknown>): Promise<void> {
    expect((await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency: 'USD', ...body } })).status).toBe(201);
    expect((await t.request('POST', `/v1/accounts/${id}/plan-instances`, { key, body: { planId: 'data' } })).status).toBe(201);
  }
  const created = async (key: string, route: string, body: unknown) => expect((await t.request('POST', route, { key, body })).status).toBe(201);
  const advance = async (key: string, to: string) => expect((await t.request('POST', '/v1/clock/advance', { key, body: { to } })).status).toBe(200);
  const use = async (key: string, accountId: string, quantity: string, occurredAt: string) =>
    expect((await t.request('POST', '/v1/usage', { key, body: { accountId, serviceId: 'gb', quantity, occurredAt, idempotencyKey: `${accountId}-${occurredAt}` } })).status).toBe(201);
  async function pooledInvoices(key: string, accountId: string): Promise<any[]> {
    const items = (await t.request('GET', `/v1/accounts/${accountId}/invoices`, { key })).body.items as any[];
    return items.filter((invoice) => String(invoice.planInstanceId).startsWith('pool:')).sort((a, b) => (a.invoiceDate < b.invoiceDate ? -1 : 1));
  }
  const amounts = (invoice: { lines: Array<{ type: string; amount: number }> }) => invoice.lines.map((line) => [line.type, line.amount]);
  const sums = (invoice: { subtotal: number; tax: number; total: number }) => [invoice.subtotal, invoice.tax, invoice.total];

  it('20% exclusive with a whole-invoice 10% coupon inherited from the owner: 100.00 − 10.00 = 90.00 + 18.00 = 108.00; a tax-exempt member untaxed', async () => {
    const key = await sandbox('Pool tax exclusive');
    await created(key, '/v1/tax-rates', { id: 'vat', name: 'VAT', percent: '20', country: 'GB' });
    await created(key, '/v1/coupons', { id: 'ten', name: 'Ten off', percentOff: '10', duration: 'forever' });
    await account(key, 'family', { country: 'GB' });
    await account(key, 'kid', { country: 'GB', parentAccountId: 'family' });
    await account(key, 'charity', { country: 'GB', parentAccountId: 'family', taxExempt: true });
    await created(key, '/v1/accounts/family/coupons', { couponId: 'ten' });
    expect((await t.request('PUT', '/v1/accounts/family/usage-pools/gb', { key, body: {} })).status).toBe(200);

    await advance(key, '2024-01-20');
    await use(key, 'kid', '100', '2024-01-10');
    await use(key, 'charity', '50', '2024-01-12');
    await advance(key, '2024-02-01');

    const [kid] = await pooledInvoices(key, 'kid');
    expect(amounts(kid)).toEqual([
      ['usage', 10000],
      ['discount', -1000],
      ['tax', 1800],
    ]);
    expect(sums(kid)).toEqual([9000, 1800, 10800]);
    expect(kid.lines[1]).toMatchObject({ couponId: 'ten', planInstanceId: 'pool:family:gb', description: 'Ten off (10% off)' });
    expect(kid.lines[2]).toMatchObject({ planInstanceId: 'pool:family:gb', tax: { taxRateId: 'vat', percent: '20', inclusive: false, taxable: 9000 } });
    // The invoice route answers the same, and the member owes it.
    const one = await t.request('GET', `/v1/invoices/${kid.id}`, { key });
    expect(one.status).toBe(200);
    expect(sums(one.body)).toEqual([9000, 1800, 10800]);
    expect(one.body.balance).toBe(10800);

    const [charity] = await pooledInvoices(key, 'charity');
    expect(amounts(charity)).toEqual([
      ['usage', 5000],
      ['discount', -500],
    ]);
    expect(sums(charity)).toEqual([4500, 0, 4500]);
  });

  it('an inclusive 20% rate: a 120.00 pooled line reads 100.00 + 20.00 tax = 120.00', async () => {
    const key = await sandbox('Pool tax inclusive');
    await created(key, '/v1/tax-rates', { id: 'vat-incl', name: 'VAT', percent: '20', country: 'GB', inclusive: true });
    await account(key, 'family', { country: 'GB' });
    expect((await t.request('PUT', '/v1/accounts/family/usage-pools/gb', { key, body: {} })).status).toBe(200);
    await advance(key, '2024-01-20');
    await use(key, 'family', '120', '2024-01-10');
    await advance(key, '2024-02-01');

    const [invoice] = await pooledInvoices(key, 'family');
    expect(amounts(invoice)).toEqual([
      ['usage', 10000],
      ['tax', 2000],
    ]);
    expect(invoice.lines[0]).toMatchObject({ taxIncluded: 2000, pool: { poolAmount: 12000 } });
    expect(sums(invoice)).toEqual([10000, 2000, 12000]);
  });

  it('JPY: 1,000 with 10% exclusive (the service’s tax category) and 15% off is 850 + 85 = 935; a once coupon discounts January’s pool only', async () => {
    const key = await sandbox('Pool tax yen', 'JPY', '1', 'data');
    await created(key, '/v1/tax-rates', { id: 'jct', name: 'JCT', percent: '8', country: 'JP' });
    await created(key, '/v1/tax-rates', { id: 'jct-data', name: 'JCT', percent: '10', country: 'JP', taxCategory: 'data' });
    await created(key, '/v1/coupons', { id: 'fifteen', name: 'Fifteen off', percentOff: '15', duration: 'once', planIds: ['data'] });
    await account(key, 'family', { currency: 'JPY', contact: { address: { country: 'JP' } } });
    await created(key, '/v1/accounts/family/coupons', { couponId: 'fifteen' });
    expect((await t.request('PUT', '/v1/accounts/family/usage-pools/gb', { key, body: {} })).status).toBe(200);
    await advance(key, '2024-01-20');
    await use(key, 'family', '1000', '2024-01-10');
    await advance(key, '2024-02-10');
    await use(key, 'family', '1000', '2024-02-05');
    await advance(key, '2024-03-01');

    const [january, february] = await pooledInvoices(key, 'family');
    expect(amounts(january)).toEqual([
      ['usage', 1000],
      ['discount', -150],
      ['tax', 85],
    ]);
    expect(sums(january)).toEqual([850, 85, 935]);
    // `once` counts the pool's periods: February's rating is the second since it was applied.
    expect(amounts(february)).toEqual([
      ['usage', 1000],
      ['tax', 100],
    ]);
    expect(sums(february)).toEqual([1000, 100, 1100]);
  });

  it('no rate and no coupon: the pooled invoice is as before (subtotal = total, tax 0, one line)', async () => {
    const key = await sandbox('Pool no tax');
    await account(key, 'family', { country: 'GB' });
    expect((await t.request('PUT', '/v1/accounts/family/usage-pools/gb', { key, body: {} })).status).toBe(200);
    await advance(key, '2024-01-20');
    await use(key, 'family', '100', '2024-01-10');
    await advance(key, '2024-02-01');
    const [invoice] = await pooledInvoices(key, 'family');
    expect(amounts(invoice)).toEqual([['usage', 10000]]);
    expect(sums(invoice)).toEqual([10000, 0, 10000]);
  });
});
