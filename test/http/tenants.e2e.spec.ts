import { EVENT_STORE } from '../../libs/platform/event-store/event-store.port';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

describe('Tenants and API keys over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-22T10:00:00Z' });
  });
  afterAll(() => t.close());

  it('creates a tenant with the admin key and returns its API key once', async () => {
    const response = await t.request('POST', '/v1/tenants', { key: ADMIN_KEY, body: { name: 'Acme Telecom' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name: 'Acme Telecom', sandbox: false, businessDate: null, timeZone: 'UTC' });
    expect(response.body.id).toMatch(/^ten[0-9a-f]{16}$/);
    expect(response.body.apiKey).toMatch(/^bk_/);
    const fetched = await t.request('GET', `/v1/tenants/${response.body.id}`, { key: ADMIN_KEY });
    expect(fetched.status).toBe(200);
    expect(fetched.body.apiKey).toBeUndefined();
    expect(JSON.stringify(fetched.body)).not.toContain(response.body.apiKey);
  });

  it('stores only the hash of keys: no key appears in the event log', async () => {
    const { apiKey, id } = await t.createTenant({ name: 'Hashing' });
    const log = await t.app.get(EVENT_STORE).readAll();
    expect(JSON.stringify(log)).not.toContain(apiKey);
    expect(JSON.stringify(log)).not.toContain(ADMIN_KEY);
    expect(log.some((e: any) => e.type === 'TenantCreated' && e.data.id === id)).toBe(true);
  });

  it('answers 401 without a key or with a wrong one, and 403 with the wrong kind of key', async () => {
    const { apiKey } = await t.createTenant({ name: 'Keys' });
    expect((await t.request('POST', '/v1/tenants', { body: { name: 'x' } })).status).toBe(401);
    const bad = await t.request('POST', '/v1/tenants', { key: 'nope', body: { name: 'x' } });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'The API key is not valid' });
    expect((await t.request('POST', '/v1/tenants', { key: apiKey, body: { name: 'x' } })).status).toBe(403);
    expect((await t.request('GET', '/v1/clock', { key: ADMIN_KEY })).status).toBe(403);
    expect((await t.request('GET', '/v1/clock', { key: 'nope' })).status).toBe(401);
    expect((await t.request('GET', '/v1/clock', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it("shows a sandbox tenant's own business date and a production tenant's date in its time zone", async () => {
    const sandbox = await t.createTenant({ name: 'Sandbox', sandbox: true, businessDate: '2019-02-10' });
    expect(sandbox.body.businessDate).toBe('2019-02-10');
    expect((await t.request('GET', '/v1/clock', { key: sandbox.apiKey })).body).toEqual({
      businessDate: '2019-02-10',
      sandbox: true,
      timeZone: 'UTC',
    });
    // 10:00 UTC on 22 November is still 21 November in Honolulu (UTC-10) and already the 22nd in Tokyo.
    const honolulu = await t.createTenant({ name: 'Honolulu', timeZone: 'Pacific/Honolulu' });
    t.clock.set(new Date('2026-11-22T09:59:00Z'));
    expect((await t.request('GET', '/v1/clock', { key: honolulu.apiKey })).body.businessDate).toBe('2026-11-21');
    t.clock.set(new Date('2026-11-22T10:00:00Z'));
    expect((await t.request('GET', '/v1/clock', { key: honolulu.apiKey })).body.businessDate).toBe('2026-11-22');
  });

  it('refuses bad tenant input with 400 naming the field, and writes nothing', async () => {
    const before = await t.settledHead();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'name'],
      [{ name: 'x', sandbox: 'yes' }, 'sandbox'],
      [{ name: 'x', timeZone: 'Mars/Base' }, 'timeZone'],
      [{ name: 'x', businessDate: '2019-02-10' }, 'businessDate'],
      [{ name: 'x', sandbox: true, businessDate: '2019-02-30' }, 'businessDate'],
      [{ name: 'x', settings: { prorationRule: 'sometimes' } }, 'settings.prorationRule'],
      [{ name: 'x', settings: { minimumCollectionThreshold: 1.5 } }, 'settings.minimumCollectionThreshold'],
      [{ name: 'x', plan: 'gold' }, 'plan'],
    ];
    for (const [body, field] of cases) {
      const response = await t.request('POST', '/v1/tenants', { key: ADMIN_KEY, body });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.details.map((d: any) => d.field)).toContain(field);
    }
    expect(await t.settledHead()).toBe(before);
  });

  it('rotates a tenant key: the new key works and the old one stops', async () => {
    const tenant = await t.createTenant({ name: 'Rotating' });
    const rotated = await t.request('POST', `/v1/tenants/${tenant.id}/api-key`, { key: ADMIN_KEY });
    expect(rotated.status).toBe(200);
    expect(rotated.body.apiKey).toMatch(/^bk_/);
    expect((await t.request('GET', '/v1/clock', { key: rotated.body.apiKey })).status).toBe(200);
    expect((await t.request('GET', '/v1/clock', { key: tenant.apiKey })).status).toBe(401);
    expect((await t.request('POST', '/v1/tenants/ten0000000000000000/api-key', { key: ADMIN_KEY })).status).toBe(404);
  });
});
