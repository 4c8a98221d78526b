import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 16: a tenant changes its own settings with `PATCH /v1/settings` (its API key). Each change is a
 * `TenantSettingsChanged` on its stream, in force from the business date it was made for every later command;
 * `GET /v1/settings` shows them and `GET /v1/settings/history` lists the changes, newest first.
 */
describe('Tenant settings over HTTP', () => {
  let t: TestApp;

  const defaults = {
    prorationRule: 'prorate',
    minimumCollectionThreshold: 0,
    netTermsThresholdBalance: 0,
    paymentApplicationMethod: 'fifo',
    allowLateUsage: false,
    customStatuses: [],
    billWhileSuspended: true,
    autoCollectOnOrder: false,
    selfService: { planIds: null, paymentMethodTypes: ['card', 'bankDebit'], ordering: true },
  };
  const plan = {
    id: 'basic',
    name: 'Basic',
    currency: 'USD',
    billingInterval: { unit: 'month', count: 1 },
    services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '1.00' } }],
  };

  /** A sandbox tenant on 2019-02-10 with account `a` (USD) and plan `basic`. */
  async function sandbox(name: string): Promise<string> {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate: '2019-02-10' });
    expect((await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'a', name: 'A', currency: 'USD' } })).status).toBe(201);
    expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
    return apiKey;
  }

  const patch = (key: string, body?: unknown, headers?: Record<string, string>) => t.request('PATCH', '/v1/settings', { key, body, headers });
  const settingsOf = async (key: string) => (await t.request('GET', '/v1/settings', { key })).body;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-22T10:00:00Z' });
  });
  afterAll(() => t.close());

  it('a tenant reads its settings, changes some, and reads them back; the others stay', async () => {
    const { apiKey, id } = await t.createTenant({ name: 'Changer', settings: { minimumCollectionThreshold: 300 } });
    expect(await t.request('GET', '/v1/settings', { key: apiKey })).toMatchObject({ status: 200, body: { ...defaults, minimumCollectionThreshold: 300 } });

    const changed = await patch(apiKey, { paymentApplicationMethod: 'statementFifo', netTermsThresholdBalance: 5000, allowLateUsage: true });

    const after = { ...defaults, minimumCollectionThreshold: 300, paymentApplicationMethod: 'statementFifo', netTermsThresholdBalance: 5000, allowLateUsage: true };
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(after);
    expect(Number(changed.headers.get('x-log-position'))).toBe(await t.settledHead());
    expect(await settingsOf(apiKey)).toEqual(after);
    expect((await t.request('GET', `/v1/tenants/${id}`, { key: ADMIN_KEY })).body.settings).toEqual(after);
  });

  it('every setting may change at once; maxRetroactivePeriods: null removes it again', async () => {
    const { apiKey } = await t.createTenant({ name: 'Everything' });
    const all = {
      prorationRule: 'none',
      minimumCollectionThreshold: 1,
      netTermsThresholdBalance: 2,
      paymentApplicationMethod: 'fdfo',
      allowLateUsage: true,
      customStatuses: [{ name: 'onHold', billable: false }],
      billWhileSuspended: false,
      autoCollectOnOrder: true,
      selfService: { planIds: ['basic'], paymentMethodTypes: ['card'], ordering: false },
      maxRetroactivePeriods: 1200,
    };
    expect(await patch(apiKey, all)).toMatchObject({ status: 200, body: all });
    const { maxRetroactivePeriods: _, ...withoutLimit } = all;
    expect((await patch(apiKey, { maxRetroactivePeriods: null })).body).toEqual(withoutLimit);
    expect(await settingsOf(apiKey)).toEqual(withoutLimit);
  });

  it('is in force for the very next command: a retroactive start 3 periods back is refused once the limit is 1', async () => {
    const key = await sandbox('Strict later');
    const other = await sandbox('Unaffected');
    const assign = (id: string, apiKey = key) =>
      t.request('POST', '/v1/accounts/a/plan-instances', { key: apiKey, body: { id, planId: 'basic', retroactiveStartDate: '2018-11-10' } });
    expect((await assign('before')).status).toBe(201);

    expect((await patch(key, { maxRetroactivePeriods: 1 })).body.maxRetroactivePeriods).toBe(1);

    const refused = await assign('after');
    expect(refused.status).toBe(422);
    expect(refused.body.details[0]).toMatchObject({ field: 'retroactiveStartDate', rule: 'maxRetroactivePeriods' });
    expect(refused.body.details[0].message).toMatch(/at most 1 periods.*earliest is 2019-01-10/);
    expect((await assign('other', other)).status).toBe(201);
    expect(await settingsOf(other)).toEqual(defaults);
  });

  it('an empty body, no body or the current values write nothing and answer the settings', async () => {
    const { apiKey } = await t.createTenant({ name: 'Idle', settings: { prorationRule: 'none' } });
    const before = await t.settledHead();
    for (const body of [{}, undefined, { prorationRule: 'none', allowLateUsage: false }]) {
      const response = await patch(apiKey, body);
      expect({ body, status: response.status, settings: response.body }).toEqual({ body, status: 200, settings: { ...defaults, prorationRule: 'none' } });
    }
    expect(await t.settledHead()).toBe(before);
    expect((await t.request('GET', '/v1/settings/history', { key: apiKey })).body.items).toHaveLength(1);
  });

  it('refuses bad input with 400 naming the field and the rule, and writes nothing', async () => {
    const { apiKey } = await t.createTenant({ name: 'Careful' });
    const before = await t.settledHead();
    const cases: Array<[unknown, string, string]> = [
      [{ prorationRule: 'sometimes' }, 'prorationRule', 'isIn'],
      [{ paymentApplicationMethod: 'lifo' }, 'paymentApplicationMethod', 'isIn'],
      [{ minimumCollectionThreshold: -1 }, 'minimumCollectionThreshold', 'min'],
      [{ netTermsThresholdBalance: 1.5 }, 'netTermsThresholdBalance', 'isInt'],
      [{ allowLateUsage: 'yes' }, 'allowLateUsage', 'isBoolean'],
      [{ maxRetroactivePeriods: 0 }, 'maxRetroactivePeriods', 'min'],
      [{ maxRetroactivePeriods: 1201 }, 'maxRetroactivePeriods', 'max'],
      [{ prorationRule: null }, 'prorationRule', 'oneOf'],
      [{ minimumCollectionThreshold: null }, 'minimumCollectionThreshold', 'nonNegativeInteger'],
      [{ timeZone: 'Europe/Paris' }, 'timeZone', 'unknownField'],
      [{ prorationRule: 'none', settings: { prorationRule: 'none' } }, 'settings', 'unknownField'],
    ];
    for (const [body, field, rule] of cases) {
      const response = await patch(apiKey, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule, message: expect.stringContaining(field) }));
    }
    expect(await t.settledHead()).toBe(before);
    expect(await settingsOf(apiKey)).toEqual(defaults);
  });

  it.each([
    ['[]', 'body', 'isObject'],
    ['"fifo"', 'body', 'isObject'],
    ['3', 'body', 'isObject'],
    ['{"__proto__": {"prorationRule": "none"}}', 'body', 'json'],
    ['{"prorationRule": "none"', 'body', 'json'],
    ['{"minimumCollectionThreshold": 1e21}', 'minimumCollectionThreshold', 'nonNegativeInteger'],
  ])('a body of %s: 400 on %s (%s), in the error format, nothing written', async (rawBody, field, rule) => {
    const { apiKey } = await t.createTenant({ name: 'Odd bodies' });
    const before = await t.settledHead();
    const response = await t.request('PATCH', '/v1/settings', { key: apiKey, rawBody, headers: { 'content-type': 'application/json' } });
    expect(response).toMatchObject({ status: 400, body: { statusCode: 400, details: [expect.objectContaining({ field, rule })] } });
    expect(await t.settledHead()).toBe(before);
    expect(await settingsOf(apiKey)).toEqual(defaults);
  });

  it('a JSON null body is no change, as no body: 200 and the settings', async () => {
    const { apiKey } = await t.createTenant({ name: 'Null body' });
    const before = await t.settledHead();
    const response = await t.request('PATCH', '/v1/settings', { key: apiKey, rawBody: 'null', headers: { 'content-type': 'application/json' } });
    expect(response).toMatchObject({ status: 200, body: defaults });
    expect(await t.settledHead()).toBe(before);
  });

  it('keeps the history: each change with its business date and who made it, newest first', async () => {
    const key = await sandbox('Historian');
    await patch(key, { prorationRule: 'none' }, { 'x-actor': 'ops@acme' });
    expect((await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-02-12' } })).status).toBe(200);
    await patch(key, { paymentApplicationMethod: 'fdfo', prorationRule: 'none' });

    const history = await t.request('GET', '/v1/settings/history', { key });

    expect(history.status).toBe(200);
    expect(history.body.items.map(({ type, effectiveDate, changes }: any) => ({ type, effectiveDate, changes }))).toEqual([
      { type: 'TenantSettingsChanged', effectiveDate: '2019-02-12', changes: { paymentApplicationMethod: 'fdfo' } },
      { type: 'TenantSettingsChanged', effectiveDate: '2019-02-10', changes: { prorationRule: 'none' } },
      { type: 'TenantCreated', effectiveDate: '2019-02-10', changes: defaults },
    ]);
    expect(history.body.items[0].actor).toEqual({ type: 'apiKey', id: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(history.body.items[1].actor).toEqual({ type: 'apiKey', id: expect.stringMatching(/^[0-9a-f]{12}$/), name: 'ops@acme' });
    expect(history.body.items[2].actor).toEqual({ type: 'admin', id: expect.any(String) });
  });

  it('the same Idempotency-Key again writes nothing and answers the same settings', async () => {
    const { apiKey } = await t.createTenant({ name: 'Repeated' });
    const first = await patch(apiKey, { allowLateUsage: true }, { 'idempotency-key': 'settings-1' });
    const head = await t.settledHead();
    const again = await patch(apiKey, { allowLateUsage: true }, { 'idempotency-key': 'settings-1' });
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(await t.settledHead()).toBe(head);
  });

  it("needs a tenant's key: the admin key is 403, none 401", async () => {
    expect((await patch(ADMIN_KEY, { prorationRule: 'none' })).status).toBe(403);
    expect((await t.request('GET', '/v1/settings', { key: ADMIN_KEY })).status).toBe(403);
    expect((await t.request('PATCH', '/v1/settings', { body: { prorationRule: 'none' } })).status).toBe(401);
  });
});
