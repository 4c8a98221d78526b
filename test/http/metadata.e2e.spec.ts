import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { streamName } from '../../libs/shared-kernel/streams';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * metadata on accounts, plans and plan instances (issue 22) over real HTTP: given on create, changed with
 * PATCH …/metadata (null removes a key), shown on the GET of each (only when it holds something), bounded (400
 * naming metadata.<key> and the rule), operators only, and another tenant's ids 404.
 */
describe('Metadata on accounts, plans and plan instances', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherKey: string;
  let customer: string;
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });
  const post = (route: string, body: unknown, apiKey = key) => t.request('POST', route, { key: apiKey, body });
  const patch = (route: string, body: unknown, apiKey = key) => t.request('PATCH', route, { key: apiKey, body });
  const put = (route: string, body: unknown, apiKey = key) => t.request('PUT', route, { key: apiKey, body });

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Metadata', sandbox: true, businessDate: '2019-02-10' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other', sandbox: true, businessDate: '2019-02-10' }));
    expect((await post('/v1/accounts', { id: 'plain', name: 'Plain', currency: 'USD' })).status).toBe(201);
    expect((await post('/v1/plans', monthlyPlan('basic', '10.00'))).status).toBe(201);
    expect((await post('/v1/accounts/plain/customer-users', { email: 'c@plain.test', password: 'correct horse battery' })).status).toBe(201);
    const session = await t.request('POST', '/v1/self-service/sessions', { key: null, body: { tenantId, email: 'c@plain.test', password: 'correct horse battery' } });
    expect(session.status).toBe(201);
    customer = session.body.token;
  });
  afterAll(() => t.close());

  describe('accounts', () => {
    it('takes metadata on create, shows it on the GET and the list, and changes it with PATCH', async () => {
      const created = await post('/v1/accounts', { id: 'acme', name: 'Acme', currency: 'USD', metadata: { crmId: 'C-1042', 'region.code': 'eu-1' } });
      expect(created.status).toBe(201);
      expect(created.body.metadata).toEqual({ crmId: 'C-1042', 'region.code': 'eu-1' });
      await t.settledHead();
      expect((await get('/v1/accounts/acme')).body.metadata).toEqual({ crmId: 'C-1042', 'region.code': 'eu-1' });
      expect((await get('/v1/accounts/plain')).body).not.toHaveProperty('metadata');

      const changed = await patch('/v1/accounts/acme/metadata', { metadata: { crmId: 'C-2000', 'region.code': null, tier: 'gold' } });
      expect(changed.status).toBe(200);
      expect(changed.body.metadata).toEqual({ crmId: 'C-2000', tier: 'gold' });
      await t.settledHead();
      expect((await get('/v1/accounts/acme')).body.metadata).toEqual({ crmId: 'C-2000', tier: 'gold' });
      const listed = (await get('/v1/accounts?q=acme')).body.items;
      expect(listed).toEqual([expect.objectContaining({ id: 'acme', metadata: { crmId: 'C-2000', tier: 'gold' } })]);

      // The same change again writes nothing.
      const head = await t.settledHead();
      expect((await patch('/v1/accounts/acme/metadata', { metadata: { tier: 'gold' } })).status).toBe(200);
      expect(await t.settledHead()).toBe(head);

      // Removing every key: the GET leaves metadata out.
      expect((await patch('/v1/accounts/acme/metadata', { metadata: { crmId: null, tier: null } })).body).not.toHaveProperty('metadata');
      await t.settledHead();
      expect((await get('/v1/accounts/acme')).body).not.toHaveProperty('metadata');
    });

    it('records AccountMetadataChanged', async () => {
      expect((await patch('/v1/accounts/plain/metadata', { metadata: { note: 'x' } })).status).toBe(200);
      const recorded = await t.app.get<EventStore>(EVENT_STORE).readStream(streamName('account', tenantId, 'plain'));
      expect(recorded.at(-1)).toMatchObject({ type: 'AccountMetadataChanged', data: { accountId: 'plain', metadata: { note: 'x' }, changed: { note: 'x' } } });
    });
  });

  describe('plans', () => {
    it('keeps metadata outside versions: PATCH makes no version, PUT keeps it', async () => {
      const created = await post('/v1/plans', { ...monthlyPlan('gold', '50.00'), metadata: { sku: 'G-1' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: 'gold', version: 1, metadata: { sku: 'G-1' } });
      const changed = await patch('/v1/plans/gold/metadata', { metadata: { sku: 'G-2', family: 'metal' } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ version: 1, metadata: { sku: 'G-2', family: 'metal' } });
      const revised = await put('/v1/plans/gold', { ...monthlyPlan('gold', '60.00'), id: undefined });
      expect(revised.status).toBe(200);
      expect(revised.body).toMatchObject({ version: 2, metadata: { sku: 'G-2', family: 'metal' } });
      await t.settledHead();
      expect((await get('/v1/plans/gold')).body).toMatchObject({ version: 2, metadata: { sku: 'G-2', family: 'metal' } });
      expect((await get('/v1/plans/gold/versions/1')).body).not.toHaveProperty('metadata');
      expect((await get('/v1/plans/basic')).body).not.toHaveProperty('metadata');
    });

    it('refuses metadata on PUT (a version holds none)', async () => {
      const response = await put('/v1/plans/gold', { ...monthlyPlan('gold', '60.00'), id: undefined, metadata: { a: 'b' } });
      expect(response.status).toBe(400);
    });
  });

  describe('plan instances', () => {
    it('takes metadata on assignment (operators), shows it on the GET and the lists, and changes it with PATCH', async () => {
      const assigned = await post('/v1/accounts/plain/plan-instances', { id: 'pi-1', planId: 'basic', metadata: { contract: 'K-77' } });
      expect(assigned.status).toBe(201);
      await t.settledHead();
      expect((await get('/v1/plan-instances/pi-1')).body.metadata).toEqual({ contract: 'K-77' });
      const changed = await patch('/v1/plan-instances/pi-1/metadata', { metadata: { contract: null, owner: 'ops' } });
      expect(changed).toMatchObject({ status: 200, body: { id: 'pi-1', metadata: { owner: 'ops' } } });
      await t.settledHead();
      expect((await get('/v1/plan-instances/pi-1')).body.metadata).toEqual({ owner: 'ops' });
      expect((await get('/v1/plan-instances?accountId=plain')).body.items).toEqual([expect.objectContaining({ id: 'pi-1', metadata: { owner: 'ops' } })]);
    });

    it('is for operators only: a customer may not set it (403) nor change it', async () => {
      const byCustomer = await post('/v1/accounts/plain/plan-instances', { planId: 'basic', metadata: { a: 'b' } }, customer);
      expect(byCustomer.status).toBe(403);
      expect(byCustomer.body.details).toEqual([expect.objectContaining({ field: 'metadata', rule: 'operatorOnly' })]);
      expect([403, 404]).toContain((await patch('/v1/plan-instances/pi-1/metadata', { metadata: { a: 'b' } }, customer)).status);
      expect([403, 404]).toContain((await patch('/v1/accounts/plain/metadata', { metadata: { a: 'b' } }, customer)).status);
    });

    it('the tenant-wide lists are not for customer sessions (403)', async () => {
      for (const route of ['/v1/accounts', '/v1/invoices', '/v1/plan-instances']) expect((await get(route, customer)).status).toBe(403);
    });
  });

  describe('bad input', () => {
    const bad = (metadata: unknown) => ({ metadata });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    it.each([
      ['/v1/accounts/plain/metadata', bad({ 'has space': 'x' }), 'metadata.has space', 'keyPattern'],
      ['/v1/accounts/plain/metadata', bad({ ['k'.repeat(41)]: 'x' }), `metadata.${'k'.repeat(41)}`, 'keyLength'],
      ['/v1/accounts/plain/metadata', bad({ long: 'v'.repeat(501) }), 'metadata.long', 'valueLength'],
      ['/v1/accounts/plain/metadata', bad({ n: 5 }), 'metadata.n', 'type'],
      ['/v1/accounts/plain/metadata', bad(many), 'metadata', 'maxKeys'],
      ['/v1/plans/basic/metadata', bad({ 'a/b': 'x' }), 'metadata.a/b', 'keyPattern'],
      ['/v1/plan-instances/pi-1/metadata', bad({ v: 'v'.repeat(501) }), 'metadata.v', 'valueLength'],
    ])('PATCH %s: 400 naming the key and the rule', async (route, body, field, rule) => {
      const head = await t.settledHead();
      const response = await patch(route, body);
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      expect(await t.settledHead()).toBe(head);
    });

    it.each([
      ['/v1/accounts', { id: 'bad1', name: 'Bad', currency: 'USD', metadata: { 'x y': 'z' } }, 'metadata.x y'],
      ['/v1/plans', { ...monthlyPlan('bad2', '1.00'), metadata: { k: 'v'.repeat(501) } }, 'metadata.k'],
      ['/v1/accounts/plain/plan-instances', { planId: 'basic', metadata: { k: 7 } }, 'metadata.k'],
    ])('POST %s: 400 naming the key', async (route, body, field) => {
      const response = await post(route, body);
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('a PATCH without metadata, or with a list, is 400; unknown ids and another tenant’s are 404', async () => {
      expect((await patch('/v1/accounts/plain/metadata', {})).status).toBe(400);
      expect((await patch('/v1/accounts/plain/metadata', { metadata: ['a'] })).status).toBe(400);
      expect((await patch('/v1/accounts/plain/metadata', { metadata: {}, other: 1 })).status).toBe(400);
      expect((await patch('/v1/accounts/nobody/metadata', { metadata: { a: 'b' } })).status).toBe(404);
      expect((await patch('/v1/accounts/plain/metadata', { metadata: { a: 'b' } }, otherKey)).status).toBe(404);
      expect((await patch('/v1/plans/basic/metadata', { metadata: { a: 'b' } }, otherKey)).status).toBe(404);
      expect((await patch('/v1/plan-instances/pi-1/metadata', { metadata: { a: 'b' } }, otherKey)).status).toBe(404);
    });
  });
});
