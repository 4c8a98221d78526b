import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { startTestApp, TestApp } from '../support/test-app';

describe('Accounts over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let log: EventStore;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Acme', sandbox: true, businessDate: '2019-02-10' }));
    log = t.app.get(EVENT_STORE);
  });
  afterAll(() => t.close());

  it('creates an account whose event lands in the log and whose read model is built by the projector', async () => {
    const created = await t.request('POST', '/v1/accounts', {
      key,
      body: { id: 'acme-hq', name: 'Acme HQ', currency: 'USD', email: 'billing@acme.example', country: 'US', language: 'en', channel: 'web' },
      headers: { 'x-correlation-id': 'corr-create-1', 'x-actor': 'ada@ops' },
    });
    expect(created.status).toBe(201);
    const account = {
      id: 'acme-hq',
      name: 'Acme HQ',
      currency: 'USD',
      status: 'active',
      parentAccountId: null,
      contact: { email: 'billing@acme.example' },
      email: 'billing@acme.example',
      country: 'US',
      language: 'en',
      channel: 'web',
      paymentTermsDays: 0,
      createdOn: '2019-02-10',
    };
    expect(created.body).toEqual(account);
    expect(created.headers.get('x-correlation-id')).toBe('corr-create-1');
    const position = Number(created.headers.get('x-log-position'));
    expect(position).toBeGreaterThan(0);

    // Read your writes: the all-in-one answer waited for the projector.
    const read = await t.request('GET', '/v1/accounts/acme-hq', { key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(account);

    const history = await t.request('GET', '/v1/accounts/acme-hq/history', { key });
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.nextCursor).toBeUndefined();
    expect(history.body.items[0]).toMatchObject({
      position,
      revision: 0,
      type: 'AccountCreated',
      businessDate: '2019-02-10',
      data: { accountId: 'acme-hq', name: 'Acme HQ', currency: 'USD' },
      metadata: { tenantId, correlationId: 'corr-create-1', causationId: 'corr-create-1', businessDate: '2019-02-10' },
    });
    expect(history.body.items[0].metadata.actor).toEqual({ type: 'apiKey', id: expect.stringMatching(/^[0-9a-f]{12}$/), name: 'ada@ops' });
    expect(history.body.items[0].metadata.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(history.body.items[0].recordedAt).toString()).not.toBe('Invalid Date');
  });

  it('generates an id when none is given', async () => {
    const created = await t.request('POST', '/v1/accounts', { key, body: { name: 'No Id', currency: 'JPY' } });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^acc_[0-9a-f]{20}$/);
    expect((await t.request('GET', `/v1/accounts/${created.body.id}`, { key })).body.currency).toBe('JPY');
  });

  it('updates the contact: given fields replace, null clears, absent fields stay; history keeps both events', async () => {
    await t.request('POST', '/v1/accounts', {
      key,
      body: { id: 'contact-1', name: 'C', currency: 'EUR', contact: { firstName: 'Ada', phone: '+33 1 23', address: { city: 'Paris', country: 'FR' } } },
    });
    const patched = await t.request('PATCH', '/v1/accounts/contact-1/contact', {
      key,
      body: { firstName: 'Grace', phone: null, email: 'grace@example.com', address: { postalCode: '75001' } },
    });
    expect(patched.status).toBe(200);
    const contact = { firstName: 'Grace', email: 'grace@example.com', address: { city: 'Paris', postalCode: '75001', country: 'FR' } };
    expect(patched.body.contact).toEqual(contact);
    expect(patched.body.email).toBe('grace@example.com');
    const read = await t.request('GET', '/v1/accounts/contact-1', { key });
    expect(read.body.contact).toEqual(contact);
    expect(read.body.email).toBe('grace@example.com');
    const history = await t.request('GET', '/v1/accounts/contact-1/history', { key });
    expect(history.body.items.map((e: any) => [e.revision, e.type])).toEqual([
      [0, 'AccountCreated'],
      [1, 'AccountContactUpdated'],
    ]);
    expect(history.body.items[1].data.changed).toEqual(['firstName', 'email', 'phone', 'address.postalCode']);
  });

  it('writes nothing when a contact change changes nothing', async () => {
    await t.request('POST', '/v1/accounts', { key, body: { id: 'same-1', name: 'S', currency: 'USD', contact: { firstName: 'Ada' } } });
    const before = await t.settledHead();
    const patched = await t.request('PATCH', '/v1/accounts/same-1/contact', { key, body: { firstName: 'Ada' } });
    expect(patched.status).toBe(200);
    expect(await t.settledHead()).toBe(before);
  });

  describe('Idempotency-Key', () => {
    it('returns the first response to a repeat and writes nothing', async () => {
      const body = { id: 'idem-1', name: 'Idem', currency: 'USD' };
      const first = await t.request('POST', '/v1/accounts', { key, body, headers: { 'idempotency-key': 'k-1' } });
      expect(first.status).toBe(201);
      const before = await t.settledHead();
      const repeat = await t.request('POST', '/v1/accounts', { key, body: { currency: 'USD', name: 'Idem', id: 'idem-1' }, headers: { 'idempotency-key': 'k-1' } });
      expect(repeat.status).toBe(201);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(repeat.headers.get('x-log-position')).toBe(first.headers.get('x-log-position'));
      expect(await t.settledHead()).toBe(before);
    });

    it('gives a generated id once: a repeat without an id in the body names the same account', async () => {
      const body = { name: 'Gen', currency: 'USD' };
      const first = await t.request('POST', '/v1/accounts', { key, body, headers: { 'idempotency-key': 'k-gen' } });
      const repeat = await t.request('POST', '/v1/accounts', { key, body, headers: { 'idempotency-key': 'k-gen' } });
      expect(repeat.body.id).toBe(first.body.id);
    });

    it('answers 409 to the same key with a different body, writing nothing', async () => {
      await t.request('POST', '/v1/accounts', { key, body: { id: 'idem-2', name: 'A', currency: 'USD' }, headers: { 'idempotency-key': 'k-2' } });
      const before = await t.settledHead();
      const other = await t.request('POST', '/v1/accounts', { key, body: { id: 'idem-3', name: 'B', currency: 'USD' }, headers: { 'idempotency-key': 'k-2' } });
      expect(other.status).toBe(409);
      expect(other.body.details[0]).toMatchObject({ field: 'Idempotency-Key', rule: 'sameRequest' });
      expect(await t.settledHead()).toBe(before);
      expect((await t.request('GET', '/v1/accounts/idem-3', { key })).status).toBe(404);
    });

    it('applies a command once when two requests with one key race', async () => {
      const body = { id: 'race-1', name: 'Race', currency: 'USD' };
      const headers = { 'idempotency-key': 'k-race' };
      const answers = await Promise.all([1, 2, 3].map(() => t.request('POST', '/v1/accounts', { key, body, headers })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
      const history = await t.request('GET', '/v1/accounts/race-1/history', { key });
      expect(history.body.items).toHaveLength(1);
    });

    it('keeps keys per tenant: another tenant may use the same key', async () => {
      const other = await t.createTenant({ name: 'Other' });
      const headers = { 'idempotency-key': 'shared-key' };
      const a = await t.request('POST', '/v1/accounts', { key, body: { id: 'k-a', name: 'A', currency: 'USD' }, headers });
      const b = await t.request('POST', '/v1/accounts', { key: other.apiKey, body: { id: 'k-b', name: 'B', currency: 'USD' }, headers });
      expect([a.status, b.status]).toEqual([201, 201]);
    });
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    // Every row has four cells: with fewer, Jest would pass its `done` callback as the missing argument.
    const cases: Array<[string, unknown, string, string | null]> = [
      ['missing name', { currency: 'USD' }, 'name', null],
      ['missing currency', { name: 'X' }, 'currency', null],
      ['unknown currency', { name: 'X', currency: 'XYZ' }, 'currency', 'isoCurrency'],
      ['lower-case currency', { name: 'X', currency: 'usd' }, 'currency', null],
      ['mistyped name', { name: 42, currency: 'USD' }, 'name', null],
      ['unknown field', { name: 'X', currency: 'USD', plan: 'gold' }, 'plan', 'unknownField'],
      ['bad id', { id: 'has space', name: 'X', currency: 'USD' }, 'id', null],
      ['bad email', { name: 'X', currency: 'USD', email: 'not-an-email' }, 'email', null],
      ['bad country', { name: 'X', currency: 'USD', country: 'usa' }, 'country', null],
      ['bad language', { name: 'X', currency: 'USD', language: 'English' }, 'language', null],
      ['unknown nested field', { name: 'X', currency: 'USD', contact: { nickname: 'x' } }, 'contact.nickname', 'unknownField'],
      ['bad nested field', { name: 'X', currency: 'USD', contact: { address: { country: 'France' } } }, 'contact.address.country', null],
      ['array body', [], 'body', null],
    ];
    it.each(cases)('%s', async (_name, body, field, rule) => {
      const before = await t.settledHead();
      const response = await t.request('POST', '/v1/accounts', { key, body });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const fields = response.body.details.map((d: any) => d.field);
      if (field !== 'body') expect(fields).toContain(field);
      if (rule) expect(response.body.details.find((d: any) => d.field === field).rule).toBe(rule);
      expect(await t.settledHead()).toBe(before);
    });

    it('malformed JSON', async () => {
      const before = await t.settledHead();
      const response = await t.request('POST', '/v1/accounts', { key, rawBody: '{"name": "X", "currency": ' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ field: 'body', rule: 'json' }] });
      expect(await t.settledHead()).toBe(before);
    });

    it('a contact patch with an unknown or mistyped field', async () => {
      await t.request('POST', '/v1/accounts', { key, body: { id: 'bad-patch', name: 'B', currency: 'USD' } });
      const before = await t.settledHead();
      const unknown = await t.request('PATCH', '/v1/accounts/bad-patch/contact', { key, body: { nickname: 'x' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details[0]).toMatchObject({ field: 'nickname', rule: 'unknownField' });
      const mistyped = await t.request('PATCH', '/v1/accounts/bad-patch/contact', { key, body: { firstName: 7 } });
      expect(mistyped.status).toBe(400);
      expect(mistyped.body.details[0].field).toBe('firstName');
      expect(await t.settledHead()).toBe(before);
    });
  });

  it('answers 409 when the id is taken, and 404 for unknown ids', async () => {
    await t.request('POST', '/v1/accounts', { key, body: { id: 'taken', name: 'T', currency: 'USD' } });
    const again = await t.request('POST', '/v1/accounts', { key, body: { id: 'taken', name: 'T2', currency: 'USD' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already exists/);
    const long = 'x'.repeat(300);
    for (const [method, route, body] of [
      ['GET', `/v1/accounts/${long}`, undefined],
      ['GET', '/v1/accounts/missing', undefined],
      ['GET', '/v1/accounts/missing/history', undefined],
      ['PATCH', '/v1/accounts/missing/contact', { firstName: 'x' }],
      ['PUT', '/v1/accounts/missing/payment-terms', { paymentTermsDays: 30 }],
    ] as const) {
      const response = await t.request(method, route, { key, body });
      expect(response.status).toBe(404);
      expect(response.body.message).toMatch(/^Account (missing|x{300}) was not found$/);
    }
  });

  it("answers 404 for another tenant's account, on every route", async () => {
    const other = await t.createTenant({ name: 'Intruder' });
    await t.request('POST', '/v1/accounts', { key, body: { id: 'private-1', name: 'P', currency: 'USD' } });
    expect((await t.request('GET', '/v1/accounts/private-1', { key: other.apiKey })).status).toBe(404);
    expect((await t.request('GET', '/v1/accounts/private-1/history', { key: other.apiKey })).status).toBe(404);
    expect((await t.request('PATCH', '/v1/accounts/private-1/contact', { key: other.apiKey, body: { firstName: 'x' } })).status).toBe(404);
    // The same id in the other tenant is a different account.
    expect((await t.request('POST', '/v1/accounts', { key: other.apiKey, body: { id: 'private-1', name: 'Mine', currency: 'EUR' } })).status).toBe(201);
    expect((await t.request('GET', '/v1/accounts/private-1', { key })).body.name).toBe('P');
    expect((await t.request('GET', '/v1/accounts/private-1', { key: other.apiKey })).body.name).toBe('Mine');
  });

  it('loses no update when many requests change one account at once (conflicts are retried, never a 500)', async () => {
    await t.request('POST', '/v1/accounts', { key, body: { id: 'busy', name: 'Busy', currency: 'USD' } });
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => t.request('PATCH', '/v1/accounts/busy/contact', { key, body: { phone: `+1 555 ${1000 + i}` } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
    const history = await t.request('GET', '/v1/accounts/busy/history', { key });
    expect(history.body.items).toHaveLength(26);
    expect(history.body.items.map((e: any) => e.revision)).toEqual(Array.from({ length: 26 }, (_, i) => i));
  });

  it('waits for a position given in X-Min-Position, and refuses a malformed one', async () => {
    const created = await t.request('POST', '/v1/accounts', { key, body: { id: 'min-pos', name: 'M', currency: 'USD' } });
    const position = created.headers.get('x-log-position')!;
    const read = await t.request('GET', '/v1/accounts/min-pos', { key, headers: { 'x-min-position': position } });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-read-model-behind')).toBeNull();
    const bad = await t.request('GET', '/v1/accounts/min-pos', { key, headers: { 'x-min-position': 'soon' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('X-Min-Position');
  });
});
