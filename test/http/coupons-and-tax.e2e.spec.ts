import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/** Coupons and tax rates over HTTP (API.md "Coupons, tax rates and dated starts", DOMAIN.md §13). */
describe('Coupons and tax rates over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A sandbox tenant on 2024-01-01 with a parent → child → grandchild tree, a 29.00 and a 100.00 plan. */
  async function sandbox(name: string) {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate: '2024-01-01' });
    for (const id of ['parent', 'child', 'grandchild', 'other']) await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: id, currency: 'USD' } });
    await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'yen', name: 'yen', currency: 'JPY', contact: { address: { country: 'JP' } } } });
    await t.request('PUT', '/v1/accounts/child/parent', { key: apiKey, body: { parentAccountId: 'parent' } });
    await t.request('PUT', '/v1/accounts/grandchild/parent', { key: apiKey, body: { parentAccountId: 'child' } });
    for (const plan of [monthlyPlan('pro', '29.00'), monthlyPlan('hundred', '100.00'), monthlyPlan('yen-plan', '1000', 'JPY')]) {
      expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
    }
    return apiKey;
  }

  const amounts = (invoice: { lines: Array<{ type: string; amount: number }> }) => invoice.lines.map((line) => [line.type, line.amount]);

  it('creates coupons, and refuses bad ones with the field and the rule, writing nothing', async () => {
    const key = await sandbox('Coupon definitions');
    const created = await t.request('POST', '/v1/coupons', { key, body: { id: 'spring', name: 'Spring', percentOff: '10', duration: 'repeating', durationInPeriods: 3 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'spring', name: 'Spring', percentOff: '10', amountOff: null, duration: 'repeating', durationInPeriods: 3, redemptions: 0 });

    const before = await t.settledHead();
    for (const [body, field, rule] of [
      [{ percentOff: '10', amountOff: 500, currency: 'USD' }, 'percentOff', 'percentOrAmount'],
      [{ percentOff: '150' }, 'percentOff', 'percent'],
      [{ amountOff: 500 }, 'currency', 'currencyWithAmount'],
      [{ percentOff: '10', colour: 'red' }, 'colour', 'unknownField'],
    ] as const) {
      const refused = await t.request('POST', '/v1/coupons', { key, body: { name: 'Bad', duration: 'once', ...body } });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    }
    expect(await t.settledHead()).toBe(before);
  });

  it('discounts the account and its descendants, the nearest coupon winning; 10% off 29.00 for 3 months, none on the fourth', async () => {
    const key = await sandbox('Coupons in a tree');
    await t.request('POST', '/v1/coupons', { key, body: { id: 'ten', name: 'Ten off', percentOff: '10', duration: 'repeating', durationInPeriods: 3 } });
    await t.request('POST', '/v1/coupons', { key, body: { id: 'five', name: 'Five dollars', amountOff: 500, currency: 'USD', duration: 'forever' } });
    expect((await t.request('POST', '/v1/accounts/parent/coupons', { key, body: { couponId: 'ten' } })).status).toBe(201);
    const applied = await t.request('POST', '/v1/accounts/grandchild/coupons', { key, body: { couponId: 'five' } });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ accountId: 'grandchild', couponId: 'five', appliedOn: '2024-01-01', coupon: { redemptions: 1 } });

    // A preview shows the discount line; the commit then posts exactly it.
    const preview = await t.request('POST', '/v1/accounts/child/plan-instances', { key, body: { id: 'child-pro', planId: 'pro', doWrite: false } });
    expect(preview.status).toBe(200);
    expect(amounts(preview.body.invoice)).toEqual([['recurring', 2900], ['discount', -290]]);
    const child = await t.request('POST', '/v1/accounts/child/plan-instances', { key, body: { id: 'child-pro', planId: 'pro' } });
    expect(child.body.invoice).toEqual(preview.body.invoice);
    expect(child.body.invoice).toMatchObject({ subtotal: 2610, tax: 0, total: 2610 });
    expect(child.body.invoice.lines[1]).toMatchObject({ type: 'discount', couponId: 'ten', description: 'Ten off (10% off)' });

    // The grandchild's own coupon is nearer than its grandparent's: 5.00 off.
    const grandchild = await t.request('POST', '/v1/accounts/grandchild/plan-instances', { key, body: { planId: 'pro' } });
    expect(amounts(grandchild.body.invoice)).toEqual([['recurring', 2900], ['discount', -500]]);
    // An account outside the tree gets none.
    const other = await t.request('POST', '/v1/accounts/other/plan-instances', { key, body: { planId: 'pro' } });
    expect(amounts(other.body.invoice)).toEqual([['recurring', 2900]]);

    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-04-01' } });
    await t.settledHead();
    const invoices = await t.request('GET', '/v1/invoices?accountId=child', { key });
    expect(invoices.status).toBe(200);
    const totals = invoices.body.items.map((invoice: { invoiceDate: string; total: number; subtotal: number; tax: number }) => [invoice.invoiceDate, invoice.subtotal, invoice.tax, invoice.total]);
    expect(totals).toEqual(
      expect.arrayContaining([
        ['2024-01-01', 2610, 0, 2610],
        ['2024-02-01', 2610, 0, 2610],
        ['2024-03-01', 2610, 0, 2610],
        ['2024-04-01', 2900, 0, 2900],
      ]),
    );
    expect(totals).toHaveLength(4);
  });

  it('refuses an expired or exhausted coupon with 422 naming couponId, and an unknown one with 404, writing nothing', async () => {
    const key = await sandbox('Coupon limits');
    await t.request('POST', '/v1/coupons', { key, body: { id: 'one', name: 'Only one', percentOff: '10', duration: 'once', maxRedemptions: 1 } });
    await t.request('POST', '/v1/coupons', { key, body: { id: 'old', name: 'Old', percentOff: '10', duration: 'once', expiresOn: '2023-12-31' } });
    expect((await t.request('POST', '/v1/accounts/parent/coupons', { key, body: { couponId: 'one' } })).status).toBe(201);
    const before = await t.settledHead();
    const exhausted = await t.request('POST', '/v1/accounts/other/coupons', { key, body: { couponId: 'one' } });
    expect(exhausted.status).toBe(422);
    expect(exhausted.body.details).toEqual([expect.objectContaining({ field: 'couponId', rule: 'couponExhausted' })]);
    const expired = await t.request('POST', '/v1/accounts/other/coupons', { key, body: { couponId: 'old' } });
    expect(expired.status).toBe(422);
    expect(expired.body.details).toEqual([expect.objectContaining({ field: 'couponId', rule: 'couponExpired' })]);
    expect((await t.request('POST', '/v1/accounts/other/coupons', { key, body: { couponId: 'nope' } })).status).toBe(404);
    expect((await t.request('POST', '/v1/accounts/nobody/coupons', { key, body: { couponId: 'one' } })).status).toBe(404);
    expect(await t.settledHead()).toBe(before);
  });

  it('taxes by country and category, exclusive and inclusive: 90.00 + 18.00 = 108.00, and JPY 850 + 85 = 935', async () => {
    const key = await sandbox('Tax');
    expect((await t.request('POST', '/v1/tax-rates', { key, body: { id: 'vat', name: 'VAT', percent: '20' } })).status).toBe(201);
    expect((await t.request('POST', '/v1/tax-rates', { key, body: { id: 'jct', name: 'JCT', percent: '10', country: 'JP' } })).status).toBe(201);
    const before = await t.settledHead();
    for (const [body, field, rule] of [
      [{ percent: '101' }, 'percent', 'percentRange'],
      [{ percent: '-1' }, 'percent', 'percentRange'],
    ] as const) {
      const refused = await t.request('POST', '/v1/tax-rates', { key, body: { name: 'Bad', ...body } });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ field, rule })]);
    }
    expect(await t.settledHead()).toBe(before);

    await t.request('POST', '/v1/coupons', { key, body: { id: 'ten', name: 'Ten', percentOff: '10', duration: 'forever' } });
    await t.request('POST', '/v1/accounts/other/coupons', { key, body: { couponId: 'ten' } });
    const taxed = await t.request('POST', '/v1/accounts/other/plan-instances', { key, body: { planId: 'hundred' } });
    expect(amounts(taxed.body.invoice)).toEqual([['recurring', 10000], ['discount', -1000], ['tax', 1800]]);
    expect(taxed.body.invoice).toMatchObject({ subtotal: 9000, tax: 1800, total: 10800 });

    await t.request('POST', '/v1/coupons', { key, body: { id: 'fifteen', name: 'Fifteen', percentOff: '15', duration: 'forever' } });
    await t.request('POST', '/v1/accounts/yen/coupons', { key, body: { couponId: 'fifteen' } });
    const yen = await t.request('POST', '/v1/accounts/yen/plan-instances', { key, body: { planId: 'yen-plan' } });
    // JP: the rate naming no country and the JP rate both apply there, each its own line.
    expect(amounts(yen.body.invoice)).toEqual([['recurring', 1000], ['discount', -150], ['tax', 85], ['tax', 170]]);

    await t.settledHead();
    const invoice = await t.request('GET', `/v1/invoices/${taxed.body.invoice.id}`, { key });
    expect(invoice.body).toMatchObject({ subtotal: 9000, tax: 1800, total: 10800, balance: 10800 });
  });

  it('taxes a service by its taxCategory, carves inclusive rates out of prices, and taxes no tax-exempt account', async () => {
    const key = await sandbox('Tax categories');
    await t.request('POST', '/v1/accounts', { key, body: { id: 'uk', name: 'uk', currency: 'USD', contact: { address: { country: 'GB' } } } });
    await t.request('POST', '/v1/accounts', { key, body: { id: 'charity', name: 'charity', currency: 'USD', country: 'GB', taxExempt: true } });
    const books = {
      id: 'books', name: 'Books', currency: 'USD', billingInterval: { unit: 'month', count: 1 },
      services: [
        { id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '120.00' } },
        { id: 'ebook', name: 'E-book', type: 'recurring', taxCategory: 'ebooks', pricing: { model: 'perUnit', unitPrice: '10.00' } },
      ],
    };
    expect((await t.request('POST', '/v1/plans', { key, body: books })).status).toBe(201);
    await t.request('POST', '/v1/tax-rates', { key, body: { id: 'gb-vat', name: 'VAT', percent: '20', country: 'GB', inclusive: true } });
    await t.request('POST', '/v1/tax-rates', { key, body: { id: 'gb-books', name: 'VAT books', percent: '5', country: 'GB', taxCategory: 'ebooks' } });

    const uk = await t.request('POST', '/v1/accounts/uk/plan-instances', { key, body: { planId: 'books' } });
    // 120.00 including 20% VAT: 100.00 + 20.00; the e-book 10.00 + 5% = 0.50.
    expect(amounts(uk.body.invoice)).toEqual([['recurring', 10000], ['recurring', 1000], ['tax', 50], ['tax', 2000]]);
    expect(uk.body.invoice).toMatchObject({ subtotal: 11000, tax: 2050, total: 13050 });
    expect(uk.body.invoice.lines[0]).toMatchObject({ unitPrice: '120.00', taxIncluded: 2000 });

    const exempt = await t.request('POST', '/v1/accounts/charity/plan-instances', { key, body: { planId: 'books' } });
    expect(amounts(exempt.body.invoice)).toEqual([['recurring', 12000], ['recurring', 1000]]);
    // Taxed again from now on once no longer exempt; a bad value is 400 naming the field.
    const bad = await t.request('PUT', '/v1/accounts/charity/tax-exempt', { key, body: { taxExempt: 'no' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'taxExempt', rule: 'boolean' })]);
    expect((await t.request('PUT', '/v1/accounts/charity/tax-exempt', { key, body: { taxExempt: false } })).status).toBe(200);
    const taxed = await t.request('POST', '/v1/accounts/charity/plan-instances', { key, body: { planId: 'books', doWrite: false } });
    expect(amounts(taxed.body.invoice)).toEqual([['recurring', 10000], ['recurring', 1000], ['tax', 50], ['tax', 2000]]);
  });
});
