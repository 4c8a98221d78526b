import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

/** Issue 15, "Must have 4": what the HTTP edge refuses before any handler, validator or store sees it. */
describe('Body limits at the HTTP edge', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Edge', sandbox: true, businessDate: '2019-02-10' }));
  });
  afterAll(() => t.close());

  const head = async (): Promise<number> => (await t.request('GET', '/health')).body.logPosition;
  const nested = (levels: number, inner = '1') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

  describe('JSON nesting depth', () => {
    it('refuses 5,000 nested arrays with 400 maxDepth on every write route of the OpenAPI document, writing nothing', async () => {
      const openapi = (await t.request('GET', '/openapi.json')).body;
      const routes: Array<[string, string]> = [];
      for (const [path, operations] of Object.entries<Record<string, unknown>>(openapi.paths)) {
        for (const method of ['post', 'put', 'patch']) {
          if (operations[method]) routes.push([method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x')]);
        }
      }
      expect(routes.length).toBeGreaterThanOrEqual(15);
      const before = await t.settledHead();
      const rawBody = `{"name":${nested(5000)}}`;
      for (const [method, route] of routes) {
        const response = await t.request(method, route, { key, rawBody });
        expect([method, route, response.status]).toEqual([method, route, 400]);
        expect(response.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          message: expect.stringContaining('32'),
          details: [{ field: 'body', rule: 'maxDepth', message: expect.stringContaining('nested deeper than 32') }],
        });
      }
      expect(await t.settledHead()).toBe(before);
    });

    it('refuses 33 levels, also with an Idempotency-Key (whose fingerprint reads the body)', async () => {
      const before = await t.settledHead();
      const rawBody = `{"accountId":"a","serviceId":"s","quantity":${nested(32)},"occurredAt":"2019-02-10","idempotencyKey":"k"}`;
      const response = await t.request('POST', '/v1/usage', { key, rawBody, headers: { 'idempotency-key': 'deep-1' } });
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'body', rule: 'maxDepth' })]);
      expect(await t.settledHead()).toBe(before);
    });

    it('lets 32 levels through to the DTO check, and does not count brackets inside strings', async () => {
      const atLimit = `{"accountId":"a","serviceId":"s","quantity":${nested(31)},"occurredAt":"2019-02-10","idempotencyKey":"k"}`;
      const checked = await t.request('POST', '/v1/usage', { key, rawBody: atLimit });
      expect(checked.status).toBe(400);
      expect(checked.body.details.map((d: any) => d.rule)).not.toContain('maxDepth');
      expect(checked.body.details.map((d: any) => d.field)).toContain('quantity');

      const name = `${'['.repeat(100)}\\"{`;
      const created = await t.request('POST', '/v1/accounts', { key, rawBody: `{"id":"brackets","name":"${name}","currency":"USD"}` });
      expect(created.status).toBe(201);
      expect((await t.request('GET', '/v1/accounts/brackets', { key })).body.name).toBe(name.replace('\\"', '"'));
    });
  });

  describe('only application/json bodies on writes', () => {
    it('refuses a form-encoded account with 415 naming the type sent and the one accepted, writing nothing', async () => {
      const before = await t.settledHead();
      const response = await t.request('POST', '/v1/accounts', {
        key,
        rawBody: 'id=form-1&name=x&currency=USD',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(415);
      expect(response.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: expect.stringMatching(/application\/x-www-form-urlencoded.*application\/json/),
        details: [{ field: 'Content-Type', rule: 'mediaType', message: expect.stringContaining('application/json') }],
      });
      expect(response.headers.get('x-correlation-id')).toBeTruthy();
      expect((await t.request('GET', '/v1/accounts/form-1', { key })).status).toBe(404);
      expect(await t.settledHead()).toBe(before);
    });

    it.each([
      ['PUT', '/v1/accounts/x/payment-terms', 'text/plain', '{"paymentTermsDays":30}'],
      ['PATCH', '/v1/accounts/x/contact', 'application/xml', '<contact/>'],
      ['POST', '/v1/usage', 'multipart/form-data; boundary=b', '--b--'],
      ['POST', '/v1/accounts', 'application/jsonx', '{}'],
    ])('%s %s with %s → 415', async (method, route, type, rawBody) => {
      const before = await t.settledHead();
      const response = await t.request(method, route, { key, rawBody, headers: { 'content-type': type } });
      expect(response.status).toBe(415);
      expect(response.body.message).toContain(type.split(';')[0]);
      expect(response.body.details[0]).toMatchObject({ field: 'Content-Type', rule: 'mediaType' });
      expect(await t.settledHead()).toBe(before);
    });

    it('refuses a body sent without any Content-Type', async () => {
      const response = await fetch(`${t.url}/v1/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: new Blob(['{"name":"x","currency":"USD"}']),
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { message: string }).message).toMatch(/no Content-Type/);
    });

    it('accepts application/json with a charset, in any letter case', async () => {
      for (const [id, type] of [
        ['utf8-1', 'application/json; charset=utf-8'],
        ['utf8-2', 'Application/JSON;charset=UTF-8'],
      ]) {
        const response = await t.request('POST', '/v1/accounts', { key, body: { id, name: 'U', currency: 'USD' }, headers: { 'content-type': type } });
        expect([type, response.status]).toEqual([type, 201]);
      }
    });

    it('keeps routes that take no body working, with or without an (empty) typed body', async () => {
      const bare = await t.request('POST', `/v1/tenants/${tenantId}/api-key`, { key: ADMIN_KEY });
      expect(bare.status).toBe(200);
      // What `curl -X POST -d ''` sends: a form type and an empty body.
      const empty = await t.request('POST', `/v1/tenants/${tenantId}/api-key`, {
        key: ADMIN_KEY,
        rawBody: '',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(empty.status).toBe(200);
      key = empty.body.apiKey;
      expect((await t.request('GET', '/v1/clock', { key })).status).toBe(200);
    });
  });

  describe('ISO 3166 country codes', () => {
    it.each([
      ['the account', { id: 'cc-1', name: 'X', currency: 'USD', country: 'XX' }, 'country'],
      ['a reserved code', { id: 'cc-2', name: 'X', currency: 'USD', country: 'UK' }, 'country'],
      ['the address', { id: 'cc-3', name: 'X', currency: 'USD', contact: { address: { country: 'XX' } } }, 'contact.address.country'],
    ])('refuses an unassigned code on %s with 400 iso3166Alpha2, writing nothing', async (_name, body, field) => {
      const before = await t.settledHead();
      const response = await t.request('POST', '/v1/accounts', { key, body });
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([{ field, rule: 'iso3166Alpha2', message: expect.stringMatching(new RegExp(`^${field} must be an ISO 3166-1 alpha-2`)) }]);
      expect((await t.request('GET', `/v1/accounts/${body.id}`, { key })).status).toBe(404);
      expect(await t.settledHead()).toBe(before);
    });

    it('refuses it on a contact patch too, and accepts assigned codes and XK', async () => {
      const created = await t.request('POST', '/v1/accounts', { key, body: { id: 'cc-ok', name: 'X', currency: 'EUR', country: 'XK', contact: { address: { country: 'GB' } } } });
      expect(created.status).toBe(201);
      const before = await t.settledHead();
      const patch = await t.request('PATCH', '/v1/accounts/cc-ok/contact', { key, body: { address: { country: 'ZZ' } } });
      expect(patch.status).toBe(400);
      expect(patch.body.details).toEqual([expect.objectContaining({ field: 'address.country', rule: 'iso3166Alpha2' })]);
      expect(await t.settledHead()).toBe(before);
      const account = (await t.request('GET', '/v1/accounts/cc-ok', { key })).body;
      expect(account).toMatchObject({ country: 'XK', contact: { address: { country: 'GB' } } });
    });
  });

  describe('X-Min-Position beyond the log', () => {
    it('answers 409 at once naming the current position; the head itself still answers 200', async () => {
      await t.request('POST', '/v1/accounts', { key, body: { id: 'pos-1', name: 'P', currency: 'USD' } });
      const current = await head();
      const started = Date.now();
      const beyond = await t.request('GET', '/v1/accounts/pos-1', { key, headers: { 'x-min-position': '99999999999' } });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(beyond.status).toBe(409);
      expect(beyond.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringContaining(`current position is ${current}`),
        details: [{ field: 'X-Min-Position', rule: 'logHead', message: expect.stringContaining(`${current}`) }],
      });
      expect(beyond.body.message).toMatch(/X-Log-Position/);

      const atHead = await t.request('GET', '/v1/accounts/pos-1', { key, headers: { 'x-min-position': String(current) } });
      expect(atHead.status).toBe(200);
      expect(atHead.headers.get('x-read-model-behind')).toBeNull();
      const next = await t.request('GET', '/v1/accounts/pos-1', { key, headers: { 'x-min-position': String(current + 1) } });
      expect(next.status).toBe(409);
    });
  });

  describe('found by the fuzz suite (test/fuzz)', () => {
    it('refuses an email holding a lone UTF-16 surrogate with 400 isEmail (it used to answer 500), writing nothing', async () => {
      const head = await t.settledHead();
      const created = await t.request('POST', '/v1/accounts', { key, rawBody: '{"name":"S","currency":"USD","email":"a\\ud800@b.co"}' });
      expect(created.status).toBe(400);
      expect(created.body.details).toEqual([expect.objectContaining({ field: 'email', rule: 'isEmail' })]);
      const patched = await t.request('PATCH', '/v1/accounts/pos-1/contact', { key, rawBody: '{"email":"\\ud800"}' });
      expect(patched.status).toBe(400);
      expect(await t.settledHead()).toBe(head);
    });

    it('answers a path with an invalid percent-escape in the API error shape', async () => {
      const response = await t.request('POST', '/v1/accounts/%FF/parent', { key, body: { parentAccountId: null } });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ field: 'path', rule: 'urlEncoding' }] });
      expect(response.body.message).toMatch(/percent-escape/);
    });
  });
});
