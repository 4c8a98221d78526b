import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

/**
 * API keys are authenticated from memory (libs/tenancy/api-key-cache.ts, decision 0019), kept current by the tenants
 * read model: a key used a moment ago and then rotated stops at once, and a sandbox tenant's business date follows
 * its clock. With the projectors inline and on their thread (PROJECTORS=thread runs the build in dist/).
 */
describe.each(['inline', 'thread'])('API keys from memory (PROJECTORS=%s)', (projectors) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { PROJECTORS: projectors } });
  });
  afterAll(() => t.close());

  it('a key in use, once rotated, answers 401 on the very next request; the new key works', async () => {
    const tenant = await t.createTenant({ name: 'Rotating in use' });
    for (let i = 0; i < 3; i++) expect((await t.request('GET', '/v1/clock', { key: tenant.apiKey })).status).toBe(200);
    const rotated = await t.request('POST', `/v1/tenants/${tenant.id}/api-key`, { key: ADMIN_KEY });
    expect(rotated.status).toBe(200);
    expect((await t.request('GET', '/v1/clock', { key: tenant.apiKey })).status).toBe(401);
    expect((await t.request('GET', '/v1/clock', { key: rotated.body.apiKey })).status).toBe(200);
    // Rotated again: the second key, now cached, stops too.
    const again = await t.request('POST', `/v1/tenants/${tenant.id}/api-key`, { key: ADMIN_KEY });
    expect((await t.request('GET', '/v1/clock', { key: rotated.body.apiKey })).status).toBe(401);
    expect((await t.request('GET', '/v1/clock', { key: again.body.apiKey })).status).toBe(200);
  });

  it("a sandbox tenant's business date, read with its key a moment ago, follows its clock at once", async () => {
    const { apiKey } = await t.createTenant({ name: 'Clocked', sandbox: true, businessDate: '2019-02-10' });
    expect((await t.request('GET', '/v1/clock', { key: apiKey })).body.businessDate).toBe('2019-02-10');
    expect((await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-12' } })).status).toBe(200);
    expect((await t.request('GET', '/v1/clock', { key: apiKey })).body.businessDate).toBe('2019-02-12');
    const account = await t.request('POST', '/v1/accounts', { key: apiKey, body: { name: 'Dated', currency: 'USD' } });
    expect(account.body.createdOn).toBe('2019-02-12');
  });
});
