import { startTestApp, TestApp } from '../support/test-app';

/** Issue 21, Must have 6: unknown query parameters answer 400 naming each, as unknown body fields do. */
describe('Unknown query parameters', () => {
  let t: TestApp;
  let key: string;
  const details = (body: { details: Array<{ field: string; rule: string }> }) => body.details.map((d) => `${d.field}:${d.rule}`);

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Params', sandbox: true, businessDate: '2026-11-22' }));
    expect((await t.request('POST', '/v1/accounts', { key, body: { id: 'acc-1', name: 'One', currency: 'USD' } })).status).toBe(201);
  });
  afterAll(() => t.close());

  it('refuses a misspelt parameter of a listing, naming it, and takes the declared ones', async () => {
    const misspelt = await t.request('GET', '/v1/plans?limt=5', { key });
    expect(misspelt.status).toBe(400);
    expect(details(misspelt.body)).toEqual(['limt:unknownParameter']);
    expect(misspelt.body.message).toContain('limit');
    expect((await t.request('GET', '/v1/plans?limit=5', { key })).status).toBe(200);
  });

  it('names every unknown parameter, and refuses asOf where a route does not take it', async () => {
    // (GET /v1/accounts/{id} takes them since time travel, decision 0020; its payment responsibility does not.)
    const response = await t.request('GET', '/v1/accounts/acc-1/payment-responsibility?asOf=2026-01-01&asOfPosition=3', { key });
    expect(response.status).toBe(400);
    expect(details(response.body)).toEqual(['asOf:unknownParameter', 'asOfPosition:unknownParameter']);
    expect(response.body.details[0].message).toContain('this route takes no query parameters');
    // A route that declares asOf takes it.
    expect((await t.request('GET', '/v1/accounts/acc-1/ancestors?asOf=2026-11-22', { key })).status).toBe(200);
  });

  it('refuses them on commands too, writing nothing, and a retry without them goes through with the same Idempotency-Key', async () => {
    const head = await t.settledHead();
    const body = { id: 'acc-2', name: 'Two', currency: 'USD' };
    const headers = { 'Idempotency-Key': 'params-1' };
    const refused = await t.request('POST', '/v1/accounts?doWrite=false', { key, body, headers });
    expect(refused.status).toBe(400);
    expect(details(refused.body)).toEqual(['doWrite:unknownParameter']);
    expect(await t.settledHead()).toBe(head);
    expect((await t.request('POST', '/v1/accounts', { key, body, headers })).status).toBe(201);
  });

  it('checks the key first (401), and leaves the portal page alone', async () => {
    expect((await t.request('GET', '/v1/plans?limt=5', { key: null })).status).toBe(401);
    // Outside /v1 nothing is checked: the portal's page reads ?tenant= in the browser.
    const portal = await t.request('GET', '/portal?tenant=abc');
    expect(portal.status).not.toBe(400);
    expect(portal.status).toBe((await t.request('GET', '/portal')).status);
  });
});
