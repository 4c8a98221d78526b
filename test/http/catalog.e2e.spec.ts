import { startTestApp, TestApp } from '../support/test-app';

const base = { unit: 'month', count: 1 };
const perUnit = (unitPrice: string) => ({ model: 'perUnit', unitPrice });
const gbTiers = [
  { upTo: '10', unitPrice: '5.00' },
  { upTo: '50', unitPrice: '3.00' },
  { upTo: null, unitPrice: '1.00', flatPrice: '2.50' },
];
const gold = {
  name: 'Gold',
  currency: 'USD',
  billingInterval: base,
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('100.00') },
    { id: 'data', name: 'Data (GB)', type: 'usage', pricing: { model: 'tiered', tiers: gbTiers } },
  ],
};
const withPricing = (pricing: unknown) => ({ ...gold, services: [{ id: 's', name: 'S', type: 'usage', pricing }] });
const tiered = (...tiers: unknown[]) => withPricing({ model: 'tiered', tiers });

describe('Catalog (plans) over HTTP', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Acme', sandbox: true, businessDate: '2019-02-10' }));
  });
  afterAll(() => t.close());

  const post = (body: unknown, headers?: Record<string, string>) => t.request('POST', '/v1/plans', { key, body, headers });
  const put = (id: string, body: unknown, headers?: Record<string, string>) => t.request('PUT', `/v1/plans/${id}`, { key, body, headers });
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });

  it('creates a plan (version 1) that reads back as created', async () => {
    const created = await post({ id: 'gold', ...gold });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'gold', ...gold, version: 1 });
    expect(Number(created.headers.get('x-log-position'))).toBeGreaterThan(0);
    const read = await get('/v1/plans/gold');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect((await get('/v1/plans/gold/versions/1')).body).toEqual(created.body);
  });

  it('keeps fine prices, weekly intervals and volume pricing exactly as given', async () => {
    const body = {
      id: 'metered',
      name: 'Metered',
      currency: 'KWD',
      billingInterval: { unit: 'week', count: 2 },
      services: [
        { id: 'calls', name: 'Calls', type: 'usage', pricing: perUnit('0.0035') },
        { id: 'seats', name: 'Seats', type: 'recurring', pricing: { model: 'volume', tiers: [{ upTo: '5', unitPrice: '10', flatPrice: '0.000' }, { upTo: null, unitPrice: '8.5' }] } },
      ],
    };
    const created = await post(body);
    expect(created.status).toBe(201);
    expect((await get('/v1/plans/metered')).body).toEqual({ ...body, version: 1 });
  });

  it('generates an id when none is given', async () => {
    const created = await post(gold);
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^plan_[0-9a-f]{20}$/);
    expect((await get(`/v1/plans/${created.body.id}`)).body.name).toBe('Gold');
  });

  describe('listing', () => {
    let listKey: string;
    beforeAll(async () => {
      ({ apiKey: listKey } = await t.createTenant({ name: 'Lister' }));
      for (const id of ['p-c', 'p-a', 'p-e', 'p-b', 'p-d']) {
        await t.request('POST', '/v1/plans', { key: listKey, body: { id, ...gold, name: `Plan ${id}` } });
      }
    });
    const list = (query = '') => get(`/v1/plans${query}`, listKey);

    it('lists current versions sorted by id, without a cursor when all fit', async () => {
      const page = await list();
      expect(page.status).toBe(200);
      expect(page.body.items.map((p: any) => p.id)).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
      expect(page.body.items[0]).toEqual({ id: 'p-a', ...gold, name: 'Plan p-a', version: 1 });
      expect(page.body.nextCursor).toBeUndefined();
    });

    it('pages with limit and cursor', async () => {
      const ids: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.status).toBe(200);
        ids.push(page.body.items.map((p: any) => p.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(ids).toEqual([['p-a', 'p-b'], ['p-c', 'p-d'], ['p-e']]);
    });

    it.each([['0'], ['101'], ['ten'], ['-1'], ['1.5']])('refuses limit=%s', async (limit) => {
      const page = await list(`?limit=${limit}`);
      expect(page.status).toBe(400);
      expect(page.body.details[0]).toMatchObject({ field: 'limit', rule: 'range' });
    });

    it('refuses a cursor that is not one of ours', async () => {
      const page = await list('?cursor=not-a-cursor');
      expect(page.status).toBe(400);
      expect(page.body.details[0]).toMatchObject({ field: 'cursor' });
    });

    it("shows no other tenant's plans", async () => {
      expect((await get('/v1/plans?limit=100')).body.items.map((p: any) => p.id)).not.toContain('p-a');
    });
  });

  describe('revisions', () => {
    const cheaper = { ...gold, name: 'Gold 2019', services: [{ ...gold.services[0], pricing: perUnit('90.00') }, gold.services[1]] };

    beforeAll(async () => {
      await post({ id: 'rev', ...gold });
    });

    it('writes version 2 with the full definition; version 1 stays readable', async () => {
      const revised = await put('rev', cheaper);
      expect(revised.status).toBe(200);
      expect(revised.body).toEqual({ id: 'rev', ...cheaper, version: 2 });
      expect((await get('/v1/plans/rev')).body).toEqual({ id: 'rev', ...cheaper, version: 2 });
      expect((await get('/v1/plans/rev/versions/1')).body).toEqual({ id: 'rev', ...gold, version: 1 });
      expect((await get('/v1/plans/rev/versions/2')).body).toEqual({ id: 'rev', ...cheaper, version: 2 });
    });

    it('writes nothing for a revision identical to the current version', async () => {
      const before = await t.settledHead();
      const same = await put('rev', cheaper);
      expect(same.status).toBe(200);
      expect(same.body).toEqual({ id: 'rev', ...cheaper, version: 2 });
      expect(await t.settledHead()).toBe(before);
    });

    it('refuses a change of currency with 422, writing nothing', async () => {
      const before = await t.settledHead();
      const response = await put('rev', { ...cheaper, currency: 'EUR' });
      expect(response.status).toBe(422);
      expect(response.body.details[0]).toMatchObject({ field: 'currency', rule: 'currencyFixed' });
      expect(await t.settledHead()).toBe(before);
      expect((await get('/v1/plans/rev')).body.version).toBe(2);
    });

    it('answers 404 for a version that does not exist and 400 for one that is not a number', async () => {
      expect((await get('/v1/plans/rev/versions/3')).status).toBe(404);
      expect((await get('/v1/plans/missing/versions/1')).status).toBe(404);
      const bad = await get('/v1/plans/rev/versions/first');
      expect(bad.status).toBe(400);
      expect(bad.body.details[0]).toMatchObject({ field: 'version', rule: 'positiveInteger' });
    });

    it('refuses an invalid revision with 400, writing nothing', async () => {
      const before = await t.settledHead();
      const response = await put('rev', tiered({ upTo: '10', unitPrice: '1' }));
      expect(response.status).toBe(400);
      expect(response.body.details[0]).toMatchObject({ field: 'services[0].pricing.tiers[0].upTo', rule: 'lastTierOpen' });
      const withId = await put('rev', { id: 'rev', ...cheaper });
      expect(withId.status).toBe(400);
      expect(withId.body.details[0]).toMatchObject({ field: 'id', rule: 'unknownField' });
      expect(await t.settledHead()).toBe(before);
    });
  });

  describe('bad input: 400 naming the field and rule, nothing written', () => {
    // Every row has four cells: with fewer, Jest would pass its `done` callback as the missing argument.
    const cases: Array<[string, unknown, string, string]> = [
      ['unknown currency', { ...gold, currency: 'XYZ' }, 'currency', 'isoCurrency'],
      ['empty services', { ...gold, services: [] }, 'services', 'notEmpty'],
      ['duplicate service ids', { ...gold, services: [gold.services[0], { ...gold.services[1], id: 'base' }] }, 'services[1].id', 'unique'],
      ['negative price', withPricing(perUnit('-1.00')), 'services[0].pricing.unitPrice', 'nonNegative'],
      ['non-decimal price', withPricing(perUnit('abc')), 'services[0].pricing.unitPrice', 'decimal'],
      ['float-looking price', withPricing(perUnit('1e3')), 'services[0].pricing.unitPrice', 'decimal'],
      ['numeric price', withPricing({ model: 'perUnit', unitPrice: 100 }), 'services[0].pricing.unitPrice', 'decimal'],
      ['too many decimal places', withPricing(perUnit('0.00000000001')), 'services[0].pricing.unitPrice', 'maxDecimalPlaces'],
      [
        'tiers not ascending',
        tiered({ upTo: '50', unitPrice: '5' }, { upTo: '10', unitPrice: '3' }, { upTo: null, unitPrice: '1' }),
        'services[0].pricing.tiers[1].upTo',
        'ascending',
      ],
      [
        'two open tiers',
        tiered({ upTo: '10', unitPrice: '5' }, { upTo: null, unitPrice: '3' }, { upTo: null, unitPrice: '1' }),
        'services[0].pricing.tiers[2].upTo',
        'oneOpenTier',
      ],
      ['open tier not last', tiered({ upTo: null, unitPrice: '5' }, { upTo: '10', unitPrice: '3' }), 'services[0].pricing.tiers[0].upTo', 'openTierLast'],
      ['no open tier', tiered({ upTo: '10', unitPrice: '5' }, { upTo: '50', unitPrice: '3' }), 'services[0].pricing.tiers[1].upTo', 'lastTierOpen'],
      ['negative flat price', tiered({ upTo: null, unitPrice: '1', flatPrice: '-2' }), 'services[0].pricing.tiers[0].flatPrice', 'nonNegative'],
      ['empty tiers', tiered(), 'services[0].pricing.tiers', 'notEmpty'],
      ['unknown pricing model', withPricing({ model: 'stairstep', unitPrice: '1' }), 'services[0].pricing.model', 'oneOf'],
      ['unknown field', { ...gold, color: 'gold' }, 'color', 'unknownField'],
      ['unknown nested field', withPricing({ ...perUnit('1'), discount: '5' }), 'services[0].pricing.discount', 'unknownField'],
      ['unknown service type', { ...gold, services: [{ ...gold.services[0], type: 'oneTime' }] }, 'services[0].type', 'oneOf'],
      ['unknown interval unit', { ...gold, billingInterval: { unit: 'day', count: 1 } }, 'billingInterval.unit', 'oneOf'],
      ['interval too long', { ...gold, billingInterval: { unit: 'month', count: 37 } }, 'billingInterval.count', 'range'],
      ['blank name', { ...gold, name: '  ' }, 'name', 'notBlank'],
      ['missing name', { ...gold, name: undefined }, 'name', 'isString'],
      ['bad id', { id: 'has space', ...gold }, 'id', 'matches'],
    ];
    it.each(cases)('%s', async (_name, body, field, rule) => {
      const before = await t.settledHead();
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.details.map((d: any) => [d.field, d.rule])).toContainEqual([field, rule]);
      expect(await t.settledHead()).toBe(before);
    });
  });

  it('answers 409 when the id is taken, and 404 for unknown ids', async () => {
    await post({ id: 'taken', ...gold });
    const before = await t.settledHead();
    const again = await post({ id: 'taken', ...gold, name: 'Other' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already exists/);
    expect(await t.settledHead()).toBe(before);
    for (const response of [await get('/v1/plans/missing'), await put('missing', gold)]) {
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Plan missing was not found');
    }
  });

  it("answers 404 for another tenant's plan, on every route", async () => {
    const other = await t.createTenant({ name: 'Intruder' });
    await post({ id: 'private-plan', ...gold });
    expect((await get('/v1/plans/private-plan', other.apiKey)).status).toBe(404);
    expect((await get('/v1/plans/private-plan/versions/1', other.apiKey)).status).toBe(404);
    expect((await t.request('PUT', '/v1/plans/private-plan', { key: other.apiKey, body: gold })).status).toBe(404);
    // The same id in the other tenant is a different plan.
    expect((await t.request('POST', '/v1/plans', { key: other.apiKey, body: { id: 'private-plan', ...gold, name: 'Mine' } })).status).toBe(201);
    expect((await get('/v1/plans/private-plan')).body.name).toBe('Gold');
    expect((await get('/v1/plans/private-plan', other.apiKey)).body.name).toBe('Mine');
  });

  describe('Idempotency-Key', () => {
    it('returns the first response to a repeated create and writes nothing', async () => {
      const first = await post(gold, { 'idempotency-key': 'plan-k1' });
      expect(first.status).toBe(201);
      const before = await t.settledHead();
      const repeat = await post(gold, { 'idempotency-key': 'plan-k1' });
      expect(repeat.status).toBe(201);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(await t.settledHead()).toBe(before);
    });

    it('returns the first response to a repeated revision, even after a later one', async () => {
      await post({ id: 'idem-rev', ...gold });
      const first = await put('idem-rev', { ...gold, name: 'Gold B' }, { 'idempotency-key': 'plan-k2' });
      expect(first.body.version).toBe(2);
      await put('idem-rev', { ...gold, name: 'Gold C' });
      const before = await t.settledHead();
      const repeat = await put('idem-rev', { ...gold, name: 'Gold B' }, { 'idempotency-key': 'plan-k2' });
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual({ id: 'idem-rev', ...gold, name: 'Gold B', version: 2 });
      expect(await t.settledHead()).toBe(before);
      expect((await get('/v1/plans/idem-rev')).body.version).toBe(3);
    });

    it('answers 409 to the same key with a different body', async () => {
      await post({ id: 'idem-a', ...gold }, { 'idempotency-key': 'plan-k3' });
      const other = await post({ id: 'idem-b', ...gold }, { 'idempotency-key': 'plan-k3' });
      expect(other.status).toBe(409);
      expect((await get('/v1/plans/idem-b')).status).toBe(404);
    });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/plans', '/v1/plans/{id}', '/v1/plans/{id}/versions/{version}']),
    );
    expect(doc.body.paths['/v1/plans'].post).toBeDefined();
    expect(doc.body.paths['/v1/plans/{id}'].put).toBeDefined();
  });
});
