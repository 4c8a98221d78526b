import { startTestApp, TestApp } from '../support/test-app';

const perUnit = (unitPrice: string) => ({ model: 'perUnit', unitPrice });
const gbTiers = [
  { upTo: '10', unitPrice: '5.00' },
  { upTo: null, unitPrice: '1.00' },
];
const plan = (currency: string) => ({
  name: `Plan ${currency}`,
  currency,
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('100.00') },
    { id: 'data', name: 'Data (GB)', type: 'usage', pricing: { model: 'tiered', tiers: gbTiers } },
  ],
});
const fromPlan = { accountId: null, kind: 'plan' };
const fromOverride = (accountId: string) => ({ accountId, kind: 'override' });

describe('Price overrides and effective pricing over HTTP', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Special pricing' }));
    for (const [id, currency] of [['acme', 'USD'], ['plain', 'USD'], ['euro', 'EUR']]) {
      await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency } });
    }
    for (const [id, currency] of [['gold', 'USD'], ['silver', 'USD'], ['gold-eur', 'EUR']]) {
      const created = await t.request('POST', '/v1/plans', { key, body: { id, ...plan(currency) } });
      expect(created.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const put = (accountId: string, body: unknown, apiKey = key) => t.request('PUT', `/v1/accounts/${accountId}/price-overrides`, { key: apiKey, body });
  const effective = (accountId: string, planId: string | null, apiKey = key) =>
    t.request('GET', `/v1/accounts/${accountId}/effective-pricing${planId === null ? '' : `?planId=${planId}`}`, { key: apiKey });
  const sourcesOf = (body: { services: Array<{ serviceId: string; source: unknown }> }) => Object.fromEntries(body.services.map((s) => [s.serviceId, s.source]));

  it('shows the plan itself when no override applies', async () => {
    const response = await effective('plain', 'gold');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accountId: 'plain',
      planId: 'gold',
      planVersion: 1,
      currency: 'USD',
      services: [
        { serviceId: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('100.00'), discountPercent: null, source: fromPlan },
        { serviceId: 'data', name: 'Data (GB)', type: 'usage', pricing: { model: 'tiered', tiers: gbTiers }, discountPercent: null, source: fromPlan },
      ],
    });
  });

  it('sets an override, and effective pricing shows it for that service only', async () => {
    const response = await put('acme', { planId: 'gold', serviceId: 'base', pricing: perUnit('80.00') });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'base', pricing: perUnit('80.00'), discountPercent: null });
    const read = await effective('acme', 'gold');
    expect(read.body.services[0]).toEqual({ serviceId: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('80.00'), discountPercent: null, source: fromOverride('acme') });
    expect(read.body.services[1]).toMatchObject({ serviceId: 'data', discountPercent: null, source: fromPlan });
    // Another plan is untouched by an override of gold.
    expect(sourcesOf((await effective('acme', 'silver')).body)).toEqual({ base: fromPlan, data: fromPlan });
  });

  it('changes an override (replaced whole), and setting the same again writes nothing', async () => {
    const tiers = [{ upTo: '10', unitPrice: '4.00' }, { upTo: null, unitPrice: '0.50', flatPrice: '1.00' }];
    const changed = await put('acme', { planId: 'gold', serviceId: 'data', pricing: { model: 'volume', tiers }, discountPercent: '12.50' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'data', pricing: { model: 'volume', tiers }, discountPercent: '12.5' });
    const discountOnly = await put('acme', { planId: 'gold', serviceId: 'data', discountPercent: '20' });
    expect(discountOnly.body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'data', pricing: null, discountPercent: '20' });
    const read = await effective('acme', 'gold');
    expect(read.body.services[1]).toMatchObject({ pricing: { model: 'tiered', tiers: gbTiers }, discountPercent: '20', source: fromOverride('acme') });

    const before = await t.settledHead();
    const again = await put('acme', { planId: 'gold', serviceId: 'data', discountPercent: '20.00' });
    expect(again.status).toBe(200);
    expect(again.body.discountPercent).toBe('20');
    expect(await t.settledHead()).toBe(before);
  });

  it('removes an override when pricing and discountPercent are both null (removing nothing writes nothing)', async () => {
    const removed = await put('acme', { planId: 'gold', serviceId: 'data', pricing: null, discountPercent: null });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'data', pricing: null, discountPercent: null });
    expect(sourcesOf((await effective('acme', 'gold')).body)).toEqual({ base: fromOverride('acme'), data: fromPlan });
    const before = await t.settledHead();
    expect((await put('acme', { planId: 'gold', serviceId: 'data', pricing: null, discountPercent: null })).status).toBe(200);
    expect(await t.settledHead()).toBe(before);
  });

  it('follows plan revisions: the current version, with overrides of dropped services ignored', async () => {
    await put('acme', { planId: 'silver', serviceId: 'data', discountPercent: '50' });
    const revised = await t.request('PUT', '/v1/plans/silver', { key, body: { ...plan('USD'), services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('90.00') }] } });
    expect(revised.status).toBe(200);
    const read = await effective('acme', 'silver');
    expect(read.body).toMatchObject({ planVersion: 2, services: [{ serviceId: 'base', pricing: perUnit('90.00'), source: fromPlan }] });
    expect(read.body.services).toHaveLength(1);
  });

  describe('refuses bad input, naming the field, writing nothing', () => {
    const tiered = (...tiers: unknown[]) => ({ model: 'tiered', tiers });
    const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
      ['an unknown plan', { planId: 'platinum', serviceId: 'base', discountPercent: '10' }, 422, 'planId', 'planExists'],
      ['a service the plan does not have', { planId: 'gold', serviceId: 'sms', discountPercent: '10' }, 422, 'serviceId', 'serviceExists'],
      ['a plan in another currency', { planId: 'gold-eur', serviceId: 'base', discountPercent: '10' }, 422, 'planId', 'sameCurrency'],
      ['a negative price', { planId: 'gold', serviceId: 'base', pricing: perUnit('-1.00') }, 400, 'pricing.unitPrice', 'nonNegative'],
      ['a malformed price', { planId: 'gold', serviceId: 'base', pricing: perUnit('cheap') }, 400, 'pricing.unitPrice', 'decimal'],
      ['a price as a number', { planId: 'gold', serviceId: 'base', pricing: { model: 'perUnit', unitPrice: 80 } }, 400, 'pricing.unitPrice', 'decimal'],
      ['a bad tier price', { planId: 'gold', serviceId: 'data', pricing: tiered({ upTo: '10', unitPrice: '1' }, { upTo: null, unitPrice: '-2' }) }, 400, 'pricing.tiers[1].unitPrice', 'nonNegative'],
      ['tiers without an open last tier', { planId: 'gold', serviceId: 'data', pricing: tiered({ upTo: '10', unitPrice: '1' }) }, 400, 'pricing.tiers[0].upTo', 'lastTierOpen'],
      ['a discount of 0', { planId: 'gold', serviceId: 'base', discountPercent: '0' }, 400, 'discountPercent', 'percent'],
      ['a discount of 101', { planId: 'gold', serviceId: 'base', discountPercent: '101' }, 400, 'discountPercent', 'percent'],
      ['a malformed discount', { planId: 'gold', serviceId: 'base', discountPercent: 'ten' }, 400, 'discountPercent', 'decimal'],
      ['neither pricing nor discount', { planId: 'gold', serviceId: 'base' }, 400, 'body', 'pricingOrDiscount'],
      ['no plan id', { serviceId: 'base', discountPercent: '10' }, 400, 'planId', 'id'],
      ['an unknown field', { planId: 'gold', serviceId: 'base', discountPercent: '10', currency: 'USD' }, 400, 'currency', 'unknownField'],
    ];
    it.each(cases)('%s', async (_name, body, status, field, rule) => {
      const before = await t.settledHead();
      const response = await put('acme', body);
      expect(response.status).toBe(status);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
      expect(await t.settledHead()).toBe(before);
    });
  });

  it('requires planId on effective pricing (400)', async () => {
    const response = await effective('acme', null);
    expect(response.status).toBe(400);
    expect(response.body.details).toContainEqual(expect.objectContaining({ field: 'planId', rule: 'required' }));
  });

  it("answers 404 for an unknown account or plan, and for another tenant's", async () => {
    const before = await t.settledHead();
    expect((await put('nobody', { planId: 'gold', serviceId: 'base', discountPercent: '10' })).status).toBe(404);
    expect(await t.settledHead()).toBe(before);
    expect((await effective('nobody', 'gold')).status).toBe(404);
    expect((await effective('acme', 'platinum')).status).toBe(404);
    const other = await t.createTenant({ name: 'Other' });
    expect((await effective('acme', 'gold', other.apiKey)).status).toBe(404);
    await t.request('POST', '/v1/accounts', { key: other.apiKey, body: { id: 'mine', name: 'Mine', currency: 'USD' } });
    expect((await effective('mine', 'gold', other.apiKey)).status).toBe(404);
    // Another tenant's plan does not exist here.
    const cross = await put('mine', { planId: 'gold', serviceId: 'base', discountPercent: '10' }, other.apiKey);
    expect(cross.status).toBe(422);
    expect(cross.body.details).toEqual([expect.objectContaining({ field: 'planId', rule: 'planExists' })]);
  });

  // Needs the hierarchy write route PUT /v1/accounts/{id}/parent and the hierarchy read model.
  describe('through the hierarchy: the nearest override wins', () => {
    const parent = async (accountId: string, parentAccountId: string) => {
      const response = await t.request('PUT', `/v1/accounts/${accountId}/parent`, { key, body: { parentAccountId } });
      expect(response.status).toBe(200);
    };

    beforeAll(async () => {
      for (const id of ['grandparent', 'parent', 'child', 'stepparent']) await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency: 'USD' } });
      await parent('parent', 'grandparent');
      await parent('child', 'parent');
      await put('grandparent', { planId: 'gold', serviceId: 'base', pricing: perUnit('90.00') });
      await put('grandparent', { planId: 'gold', serviceId: 'data', discountPercent: '5' });
      await put('parent', { planId: 'gold', serviceId: 'base', pricing: perUnit('80.00') });
      await put('stepparent', { planId: 'gold', serviceId: 'base', pricing: perUnit('60.00') });
    });

    it('a child inherits from its nearest ancestor per service', async () => {
      const read = await effective('child', 'gold');
      expect(read.status).toBe(200);
      expect(read.body.services).toEqual([
        { serviceId: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('80.00'), discountPercent: null, source: fromOverride('parent') },
        { serviceId: 'data', name: 'Data (GB)', type: 'usage', pricing: { model: 'tiered', tiers: gbTiers }, discountPercent: '5', source: fromOverride('grandparent') },
      ]);
      expect(sourcesOf((await effective('parent', 'gold')).body)).toEqual({ base: fromOverride('parent'), data: fromOverride('grandparent') });
      expect(sourcesOf((await effective('grandparent', 'gold')).body)).toEqual({ base: fromOverride('grandparent'), data: fromOverride('grandparent') });
    });

    it("the account's own override beats every ancestor's, and removing it falls back to the nearest ancestor", async () => {
      await put('child', { planId: 'gold', serviceId: 'base', pricing: perUnit('70.00') });
      expect((await effective('child', 'gold')).body.services[0]).toMatchObject({ pricing: perUnit('70.00'), source: fromOverride('child') });
      await put('child', { planId: 'gold', serviceId: 'base', pricing: null, discountPercent: null });
      expect((await effective('child', 'gold')).body.services[0]).toMatchObject({ pricing: perUnit('80.00'), source: fromOverride('parent') });
    });

    it("a nearer discount-only override is taken whole: the plan's price with its discount, not a farther override's price", async () => {
      await put('parent', { planId: 'gold', serviceId: 'base', discountPercent: '10' });
      expect((await effective('child', 'gold')).body.services[0]).toMatchObject({ pricing: perUnit('100.00'), discountPercent: '10', source: fromOverride('parent') });
      await put('parent', { planId: 'gold', serviceId: 'base', pricing: perUnit('80.00') });
    });

    it('moving the child under another parent changes what it inherits', async () => {
      await parent('child', 'stepparent');
      const read = await effective('child', 'gold');
      expect(read.body.services[0]).toMatchObject({ pricing: perUnit('60.00'), source: fromOverride('stepparent') });
      expect(read.body.services[1]).toMatchObject({ discountPercent: null, source: fromPlan }); // the grandparent is no longer above it
      await parent('stepparent', 'grandparent');
      expect(sourcesOf((await effective('child', 'gold')).body)).toEqual({ base: fromOverride('stepparent'), data: fromOverride('grandparent') });
    });
  });
});
