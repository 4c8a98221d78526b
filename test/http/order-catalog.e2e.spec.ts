import { startTestApp, TestApp } from '../support/test-app';

/** Issue 19, the catalog half: one-time items (NSOs) and installment terms (API.md "One-time orders and installments"). */

const kit = { id: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1000.00' };
const monthly = { id: 'monthly-12', name: 'Twelve months', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 12 };
const aligned = { id: 'aligned-6', name: 'With the plan', schedule: 'aligned', installments: 6, lumpSum: { percent: '20' }, daysUntilDue: 10, lumpSumDaysUntilDue: 0 };

describe('One-time items and installment terms over HTTP', () => {
  let t: TestApp;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Seller', sandbox: true, businessDate: '2024-01-31' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other seller' }));
  });
  afterAll(() => t.close());

  const post = (route: string, body: unknown, apiKey = key, headers?: Record<string, string>) => t.request('POST', route, { key: apiKey, body, headers });
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });
  const head = () => t.settledHead();

  describe('items', () => {
    const item = { ...kit, createdOn: '2024-01-31' };

    it('creates an item and reads it back', async () => {
      const created = await post('/v1/items', kit);
      expect(created.status).toBe(201);
      expect(created.body).toEqual(item);
      expect((await get('/v1/items/kit')).body).toEqual(item);
    });

    it("writes the price with exactly the currency's minor digits", async () => {
      expect((await post('/v1/items', { id: 'cable', name: 'Cable', currency: 'USD', unitPrice: '5' })).body.unitPrice).toBe('5.00');
      expect((await post('/v1/items', { id: 'yen', name: 'Yen item', currency: 'JPY', unitPrice: '500' })).body.unitPrice).toBe('500');
      expect((await post('/v1/items', { id: 'dinar', name: 'Dinar item', currency: 'KWD', unitPrice: '1.5' })).body.unitPrice).toBe('1.500');
    });

    it('the same id with the same definition answers the item and writes nothing; with another: 409', async () => {
      const before = await head();
      const same = await post('/v1/items', { ...kit, unitPrice: '1000' });
      expect(same.status).toBe(201);
      expect(same.body).toEqual(item);
      expect(await head()).toBe(before);

      const other = await post('/v1/items', { ...kit, unitPrice: '900.00' });
      expect(other.status).toBe(409);
      expect(other.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'unique' })]);
      expect(other.body.details[0].message).toMatch(/unitPrice/);
      expect(await head()).toBe(before);
      expect((await get('/v1/items/kit')).body).toEqual(item);
    });

    it('generates an id when none is given; a repeated Idempotency-Key names the same item', async () => {
      const headers = { 'idempotency-key': 'item-once' };
      const created = await post('/v1/items', { name: 'Anonymous', currency: 'EUR', unitPrice: '12.50' }, key, headers);
      expect(created.status).toBe(201);
      expect(created.body.id).toMatch(/^item_[0-9a-f]{20}$/);
      const again = await post('/v1/items', { name: 'Anonymous', currency: 'EUR', unitPrice: '12.50' }, key, headers);
      expect(again.body).toEqual(created.body);
    });

    it('lists items sorted by id, a page at a time', async () => {
      const all = await get('/v1/items');
      expect(all.status).toBe(200);
      const ids = all.body.items.map((i: any) => i.id);
      expect(ids).toEqual([...ids].sort());
      expect(ids).toEqual(expect.arrayContaining(['cable', 'dinar', 'kit', 'yen']));
      expect(all.body.items.find((i: any) => i.id === 'kit')).toEqual(item);
      expect(all.body.nextCursor).toBeUndefined();

      const first = await get('/v1/items?limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await get(`/v1/items?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect([...first.body.items, ...second.body.items].map((i: any) => i.id)).toEqual(ids.slice(0, 4));
      expect((await get('/v1/items?limit=0')).body.details[0]).toMatchObject({ field: 'limit', rule: 'range' });
      expect((await get('/v1/items?cursor=nonsense')).status).toBe(400);
    });

    it("another tenant's items are not found, and its list is its own", async () => {
      expect((await get('/v1/items/kit', otherKey)).status).toBe(404);
      expect((await get('/v1/items', otherKey)).body).toEqual({ items: [] });
      expect((await get('/v1/items/nope')).status).toBe(404);
      // The same id is free in another tenant.
      expect((await post('/v1/items', { ...kit, unitPrice: '1.00' }, otherKey)).status).toBe(201);
      expect((await get('/v1/items/kit')).body).toEqual(item);
    });

    it.each<[string, Record<string, unknown>, string, string]>([
      ['an unknown field', { ...kit, color: 'red' }, 'color', 'unknownField'],
      ['a bad id', { ...kit, id: 'a b' }, 'id', 'matches'],
      ['no name', { ...kit, name: undefined }, 'name', 'required'],
      ['a blank name', { ...kit, name: '  ' }, 'name', 'notBlank'],
      ['a name over 200 characters', { ...kit, name: 'n'.repeat(201) }, 'name', 'maxLength'],
      ['a name that is not text', { ...kit, name: 42 }, 'name', 'type'],
      ['no currency', { ...kit, currency: undefined }, 'currency', 'isoCurrency'],
      ['an unknown currency', { ...kit, currency: 'usd' }, 'currency', 'isoCurrency'],
      ['no price', { ...kit, unitPrice: undefined }, 'unitPrice', 'decimal'],
      ['a price as a number', { ...kit, unitPrice: 1000 }, 'unitPrice', 'decimal'],
      ['a price that is not a decimal', { ...kit, unitPrice: '1e3' }, 'unitPrice', 'decimal'],
      ['a zero price', { ...kit, unitPrice: '0' }, 'unitPrice', 'positive'],
      ['a negative price', { ...kit, unitPrice: '-1.00' }, 'unitPrice', 'positive'],
      ['a price finer than cents', { ...kit, unitPrice: '10.005' }, 'unitPrice', 'minorUnits'],
      ['a fractional yen price', { ...kit, currency: 'JPY', unitPrice: '10.5' }, 'unitPrice', 'minorUnits'],
      ['a price over the largest', { ...kit, unitPrice: '10000000001' }, 'unitPrice', 'amountRange'],
    ])('refuses %s (400 with the field and the rule), writing nothing', async (_name, body, field, rule) => {
      const before = await head();
      const response = await post('/v1/items', { ...body, id: body.id === 'a b' ? 'a b' : 'refused' });
      expect(response.status).toBe(400);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
      expect(await head()).toBe(before);
      expect((await get('/v1/items/refused')).status).toBe(404);
    });

    it('reports every bad field at once', async () => {
      const response = await post('/v1/items', { id: 'refused', name: '', currency: 'EUR', unitPrice: '0.001' });
      expect(response.status).toBe(400);
      expect(response.body.details.map((d: any) => `${d.field}:${d.rule}`)).toEqual(['name:notBlank', 'unitPrice:minorUnits']);
    });
  });

  describe('installment terms', () => {
    const nulls = { frequency: null, lumpSum: null, daysUntilDue: null, lumpSumDaysUntilDue: null };

    it('creates an independent term, with nulls for what was not given, and reads it back', async () => {
      const created = await post('/v1/installment-terms', monthly);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ ...nulls, ...monthly, createdOn: '2024-01-31' });
      expect(Object.keys(created.body)).toEqual(['id', 'name', 'schedule', 'frequency', 'installments', 'lumpSum', 'daysUntilDue', 'lumpSumDaysUntilDue', 'createdOn']);
      expect((await get('/v1/installment-terms/monthly-12')).body).toEqual(created.body);
    });

    it('creates an aligned term with a lump sum and its own days until due', async () => {
      const created = await post('/v1/installment-terms', aligned);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ ...aligned, frequency: null, createdOn: '2024-01-31' });
      expect((await get('/v1/installment-terms/aligned-6')).body).toEqual(created.body);
      const amount = await post('/v1/installment-terms', { id: 'weekly-lump', name: 'Weekly', schedule: 'independent', frequency: { unit: 'week', count: 2 }, installments: 4, lumpSum: { amount: '150.00' } });
      expect(amount.body).toMatchObject({ frequency: { unit: 'week', count: 2 }, lumpSum: { amount: '150.00' } });
    });

    it('the same id with the same term answers it and writes nothing; with another: 409', async () => {
      const before = await head();
      const same = await post('/v1/installment-terms', { ...monthly, name: ' Twelve months ' });
      expect(same.status).toBe(201);
      expect(same.body).toEqual({ ...nulls, ...monthly, createdOn: '2024-01-31' });
      expect(await head()).toBe(before);

      const other = await post('/v1/installment-terms', { ...monthly, installments: 6 });
      expect(other.status).toBe(409);
      expect(other.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'unique' })]);
      expect(await head()).toBe(before);
      expect((await get('/v1/installment-terms/monthly-12')).body.installments).toBe(12);
    });

    it('generates an id when none is given', async () => {
      const { id: _id, ...rest } = monthly;
      const created = await post('/v1/installment-terms', rest);
      expect(created.status).toBe(201);
      expect(created.body.id).toMatch(/^term_[0-9a-f]{20}$/);
    });

    it('lists terms sorted by id, a page at a time', async () => {
      const all = await get('/v1/installment-terms');
      expect(all.status).toBe(200);
      const ids = all.body.items.map((i: any) => i.id);
      expect(ids).toEqual([...ids].sort());
      expect(ids).toEqual(expect.arrayContaining(['aligned-6', 'monthly-12', 'weekly-lump']));
      expect(all.body.items.find((i: any) => i.id === 'aligned-6')).toEqual({ ...aligned, frequency: null, createdOn: '2024-01-31' });
      const first = await get('/v1/installment-terms?limit=1');
      expect(first.body.items.map((i: any) => i.id)).toEqual([ids[0]]);
      const second = await get(`/v1/installment-terms?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.items.map((i: any) => i.id)).toEqual([ids[1]]);
    });

    it("another tenant's terms are not found, and its list is its own", async () => {
      expect((await get('/v1/installment-terms/monthly-12', otherKey)).status).toBe(404);
      expect((await get('/v1/installment-terms', otherKey)).body).toEqual({ items: [] });
      expect((await get('/v1/installment-terms/nope')).status).toBe(404);
    });

    it.each<[string, Record<string, unknown>, string, string]>([
      ['an unknown field', { ...monthly, currency: 'USD' }, 'currency', 'unknownField'],
      ['a bad id', { ...monthly, id: '-x' }, 'id', 'matches'],
      ['no name', { ...monthly, name: undefined }, 'name', 'required'],
      ['a blank name', { ...monthly, name: ' ' }, 'name', 'notBlank'],
      ['no schedule', { ...monthly, schedule: undefined }, 'schedule', 'oneOf'],
      ['an unknown schedule', { ...monthly, schedule: 'weekly' }, 'schedule', 'oneOf'],
      ['zero installments', { ...monthly, installments: 0 }, 'installments', 'range'],
      ['negative installments', { ...monthly, installments: -1 }, 'installments', 'range'],
      ['more than 120 installments', { ...monthly, installments: 121 }, 'installments', 'range'],
      ['installments as text', { ...monthly, installments: '12' }, 'installments', 'range'],
      ['fractional installments', { ...monthly, installments: 1.5 }, 'installments', 'range'],
      ['an independent term without a frequency', { ...monthly, frequency: undefined }, 'frequency', 'required'],
      ['a frequency on an aligned term', { ...aligned, frequency: { unit: 'month', count: 1 } }, 'frequency', 'notAllowed'],
      ['a frequency that is not an object', { ...monthly, frequency: 'monthly' }, 'frequency', 'object'],
      ['a frequency unit outside day/week/month', { ...monthly, frequency: { unit: 'year', count: 1 } }, 'frequency.unit', 'oneOf'],
      ['a zero frequency count', { ...monthly, frequency: { unit: 'day', count: 0 } }, 'frequency.count', 'range'],
      ['53 weeks between installments', { ...monthly, frequency: { unit: 'week', count: 53 } }, 'frequency.count', 'range'],
      ['an unknown frequency field', { ...monthly, frequency: { unit: 'day', count: 1, anchor: 1 } }, 'frequency.anchor', 'unknownField'],
      ['a lump sum that is not an object', { ...monthly, lumpSum: '20' }, 'lumpSum', 'object'],
      ['a lump sum with both', { ...monthly, lumpSum: { percent: '10', amount: '5.00' } }, 'lumpSum', 'exactlyOne'],
      ['an empty lump sum', { ...monthly, lumpSum: {} }, 'lumpSum', 'exactlyOne'],
      ['an unknown lump-sum field', { ...monthly, lumpSum: { percent: '10', due: 3 } }, 'lumpSum.due', 'unknownField'],
      ['a percent of 100', { ...monthly, lumpSum: { percent: '100' } }, 'lumpSum.percent', 'percentRange'],
      ['a percent of zero', { ...monthly, lumpSum: { percent: '0' } }, 'lumpSum.percent', 'percentRange'],
      ['a percent as a number', { ...monthly, lumpSum: { percent: 20 } }, 'lumpSum.percent', 'decimal'],
      ['a percent too fine', { ...monthly, lumpSum: { percent: '1.23456' } }, 'lumpSum.percent', 'maxDecimalPlaces'],
      ['a zero lump-sum amount', { ...monthly, lumpSum: { amount: '0' } }, 'lumpSum.amount', 'positive'],
      ['a lump-sum amount that is not a decimal', { ...monthly, lumpSum: { amount: 'ten' } }, 'lumpSum.amount', 'decimal'],
      ['a lump-sum amount over the largest', { ...monthly, lumpSum: { amount: '10000000001' } }, 'lumpSum.amount', 'amountRange'],
      ['negative days until due', { ...monthly, daysUntilDue: -1 }, 'daysUntilDue', 'range'],
      ['366 days until due', { ...monthly, daysUntilDue: 366 }, 'daysUntilDue', 'range'],
      ['lump-sum days until due on an independent term', { ...monthly, lumpSum: { percent: '10' }, lumpSumDaysUntilDue: 3 }, 'lumpSumDaysUntilDue', 'alignedOnly'],
      ['lump-sum days until due without a lump sum', { ...aligned, lumpSum: undefined }, 'lumpSumDaysUntilDue', 'requiresLumpSum'],
      ['lump-sum days until due over a year', { ...aligned, lumpSumDaysUntilDue: 400 }, 'lumpSumDaysUntilDue', 'range'],
    ])('refuses %s (400 with the field and the rule), writing nothing', async (_name, body, field, rule) => {
      const before = await head();
      const response = await post('/v1/installment-terms', { ...body, id: field === 'id' ? body.id : 'refused' });
      expect(response.status).toBe(400);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
      expect(await head()).toBe(before);
      expect((await get('/v1/installment-terms/refused')).status).toBe(404);
    });

    it('reports every bad field at once, and says what is allowed', async () => {
      const response = await post('/v1/installment-terms', { id: 'refused', name: 'X', schedule: 'independent', frequency: { unit: 'fortnight', count: 1 }, installments: 0, daysUntilDue: 999 });
      expect(response.status).toBe(400);
      expect(response.body.details.map((d: any) => `${d.field}:${d.rule}`)).toEqual(['frequency.unit:oneOf', 'installments:range', 'daysUntilDue:range']);
      expect(response.body.details[1].message).toBe('installments must be a whole number from 1 to 120 (got 0)');
    });
  });
});
