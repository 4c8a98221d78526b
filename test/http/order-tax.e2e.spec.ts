import { startTestApp, TestApp } from '../support/test-app';

/**
 * Coupons and tax on one-time orders over real HTTP (DOMAIN.md §10, §13; decision 0021): the order's invoice is taxed
 * on its items and discounted by a whole-invoice `forever` coupon; an installment schedule divides the taxed total,
 * and its installments are never taxed again.
 */
describe('Orders with coupons and tax over HTTP', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Taxed seller', sandbox: true, businessDate: '2024-01-31' }));
    for (const body of [
      { id: 'uk', name: 'UK buyer', currency: 'USD', country: 'GB' },
      { id: 'uk-coupon', name: 'UK buyer with a coupon', currency: 'USD', country: 'GB' },
      { id: 'uk-once', name: 'UK buyer with a once coupon', currency: 'USD', country: 'GB' },
      { id: 'uk-exempt', name: 'UK charity', currency: 'USD', country: 'GB', taxExempt: true },
      { id: 'jp', name: 'JP buyer', currency: 'JPY', contact: { address: { country: 'JP' } } },
      { id: 'us', name: 'US buyer', currency: 'USD', country: 'US' },
    ]) {
      expect((await post('/v1/accounts', body)).status).toBe(201);
    }
    for (const body of [
      { id: 'vat', name: 'VAT', percent: '20', country: 'GB' },
      { id: 'vat-books', name: 'VAT books', percent: '5', country: 'GB', taxCategory: 'ebooks' },
      { id: 'jct', name: 'JCT', percent: '10', country: 'JP' },
    ]) {
      expect((await post('/v1/tax-rates', body)).status).toBe(201);
    }
    for (const body of [
      { id: 'router', name: 'Router', currency: 'USD', unitPrice: '100.01' },
      { id: 'manual', name: 'Manual (e-book)', currency: 'USD', unitPrice: '10.00', taxCategory: 'ebooks' },
      { id: 'yen-kit', name: 'Yen kit', currency: 'JPY', unitPrice: '1000' },
    ]) {
      expect((await post('/v1/items', body)).status).toBe(201);
    }
    expect((await post('/v1/installment-terms', { id: 'three', name: 'Three months', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 3 })).status).toBe(201);
    expect((await post('/v1/coupons', { id: 'welcome', name: 'Welcome', percentOff: '10', duration: 'forever' })).status).toBe(201);
    expect((await post('/v1/coupons', { id: 'fifteen', name: 'Fifteen', percentOff: '15', duration: 'forever' })).status).toBe(201);
    expect((await post('/v1/coupons', { id: 'first', name: 'First invoice', percentOff: '50', duration: 'once' })).status).toBe(201);
    expect((await post('/v1/accounts/uk-coupon/coupons', { couponId: 'welcome' })).status).toBe(201);
    expect((await post('/v1/accounts/uk-once/coupons', { couponId: 'first' })).status).toBe(201);
    expect((await post('/v1/accounts/jp/coupons', { couponId: 'fifteen' })).status).toBe(201);
  });
  afterAll(() => t.close());

  const post = (route: string, body: unknown) => t.request('POST', route, { key, body });
  const get = async (route: string) => (await t.request('GET', route, { key })).body;
  const amounts = (lines: Array<{ type: string; amount: number }>) => lines.map((line) => [line.type, line.amount]);

  it('an item keeps its tax category (POST and GET /v1/items)', async () => {
    expect(await get('/v1/items/manual')).toMatchObject({ id: 'manual', taxCategory: 'ebooks' });
    expect(await get('/v1/items/router')).not.toHaveProperty('taxCategory');
    const bad = await post('/v1/items', { name: 'Bad', currency: 'USD', unitPrice: '1.00', taxCategory: 'not a category!' });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'taxCategory', rule: 'id' })]);
  });

  it('3 installments divide the taxed total exactly (100.01 + 20.00 = 120.01: 40.01, 40.00, 40.00); the preview shows the tax; installments are not taxed again', async () => {
    const body = { id: 'o-inst', items: [{ itemId: 'router', quantity: 1 }], installmentTermId: 'three' };
    const before = await t.settledHead();
    const preview = await post('/v1/accounts/uk/orders', { ...body, doWrite: false });
    expect(preview.status).toBe(200);
    expect(await t.settledHead()).toBe(before);
    expect(preview.body).toMatchObject({
      lines: [{ itemId: 'router', quantity: 1, unitPrice: '100.01', amount: 10001 }],
      subtotal: 10001,
      tax: 2000,
      total: 12001,
      invoice: { id: 'ord:o-inst', total: 12001 },
    });
    expect(amounts(preview.body.adjustments)).toEqual([['tax', 2000]]);
    expect(preview.body.adjustments[0]).toMatchObject({ tax: { taxRateId: 'vat', percent: '20', inclusive: false, taxable: 10001 } });
    expect(preview.body.installmentSchedule.installments.map((row: { amount: number }) => row.amount)).toEqual([4001, 4000, 4000]);

    const placed = await post('/v1/accounts/uk/orders', body);
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual(preview.body);
    expect(await get('/v1/orders/o-inst')).toMatchObject({ subtotal: 10001, tax: 2000, total: 12001 });

    await post('/v1/clock/advance', { to: '2024-03-31' });
    await t.settledHead();
    const schedule = await get('/v1/installment-schedules/o-inst');
    expect(schedule).toMatchObject({ total: 12001, status: 'active' });
    expect(schedule.installments.map((row: { amount: number; status: string }) => [row.amount, row.status])).toEqual([
      [4001, 'invoiced'],
      [4000, 'invoiced'],
      [4000, 'invoiced'],
    ]);
    for (const [number, amount] of [[1, 4001], [2, 4000], [3, 4000]]) {
      const installment = await get(`/v1/invoices/ins:o-inst:${number}`);
      expect(installment).toMatchObject({ kind: 'installment', total: amount, lines: [] });
      expect(installment.tax ?? 0).toBe(0);
    }
    expect((await get('/v1/accounts/uk/balance')).balance).toBe(12001);
  });

  it('a whole-invoice forever coupon and 20% tax: 100.01 + 2 × 10.00 e-books = 120.01 − 12.00 = 108.01 + 18.00 + 0.90 = 126.91, owed once posted', async () => {
    const placed = await post('/v1/accounts/uk-coupon/orders', { id: 'o-coupon', items: [{ itemId: 'router', quantity: 1 }, { itemId: 'manual', quantity: 2 }] });
    expect(placed.status).toBe(201);
    expect(amounts(placed.body.adjustments)).toEqual([
      ['discount', -1200],
      ['tax', 1800],
      ['tax', 90],
    ]);
    expect(placed.body.adjustments[0]).toMatchObject({ couponId: 'welcome', description: 'Welcome (10% off)' });
    expect(placed.body.adjustments.slice(1).map((line: { tax: { taxRateId: string; taxable: number } }) => [line.tax.taxRateId, line.tax.taxable])).toEqual([
      ['vat', 9001],
      ['vat-books', 1800],
    ]);
    expect(placed.body).toMatchObject({ subtotal: 10801, tax: 1890, total: 12691, invoice: { total: 12691 } });
    await t.settledHead();
    expect((await get('/v1/accounts/uk-coupon/balance')).balance).toBe(12691);
    expect(await get('/v1/invoices/ord:o-coupon')).toMatchObject({ kind: 'order', total: 12691 });
  });

  it('a once coupon does not discount an order; a tax-exempt account is not taxed; no rate where the account is: as before', async () => {
    const once = await post('/v1/accounts/uk-once/orders', { id: 'o-once', items: [{ itemId: 'router', quantity: 1 }] });
    expect(once.body).toMatchObject({ subtotal: 10001, tax: 2000, total: 12001 });
    expect(amounts(once.body.adjustments)).toEqual([['tax', 2000]]);
    const exempt = await post('/v1/accounts/uk-exempt/orders', { id: 'o-exempt', items: [{ itemId: 'router', quantity: 1 }] });
    expect(exempt.body).toMatchObject({ subtotal: 10001, tax: 0, total: 10001, adjustments: [] });
    const plain = await post('/v1/accounts/us/orders', { id: 'o-plain', items: [{ itemId: 'router', quantity: 1 }] });
    expect(plain.body).toEqual({
      id: 'o-plain',
      accountId: 'us',
      currency: 'USD',
      lines: [{ itemId: 'router', name: 'Router', quantity: 1, unitPrice: '100.01', amount: 10001 }],
      total: 10001,
      invoice: { id: 'ord:o-plain', invoiceDate: plain.body.invoice.invoiceDate, dueDate: plain.body.invoice.invoiceDate, total: 10001 },
      planInstanceId: null,
      installmentTermId: null,
      installmentSchedule: null,
    });
  });

  it('JPY: 1,000 with 10% tax and 15% off is 850 + 85 = 935; in 3 installments 312, 312, 311', async () => {
    const placed = await post('/v1/accounts/jp/orders', { id: 'o-yen', items: [{ itemId: 'yen-kit', quantity: 1 }], installmentTermId: 'three' });
    expect(placed.status).toBe(201);
    expect(amounts(placed.body.adjustments)).toEqual([
      ['discount', -150],
      ['tax', 85],
    ]);
    expect(placed.body).toMatchObject({ subtotal: 850, tax: 85, total: 935 });
    expect(placed.body.installmentSchedule.installments.map((row: { amount: number }) => row.amount)).toEqual([312, 312, 311]);
  });
});
