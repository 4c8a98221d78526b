import { startTestApp, TestApp } from '../support/test-app';

describe('Payment responsibility over HTTP', () => {
  let t: TestApp;
  let key: string;
  const self = (id: string) => [{ payerAccountId: id, percent: '100' }];

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Split billing' }));
    for (const [id, currency] of [['parent', 'USD'], ['child', 'USD'], ['sibling', 'USD'], ['euro', 'EUR']]) {
      await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency, email: `${id}@example.com`, contact: { phone: '+1 555' } } });
    }
  });
  afterAll(() => t.close());

  it('shows the default: every class paid by the account itself', async () => {
    const response = await t.request('GET', '/v1/accounts/sibling/payment-responsibility', { key });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accountId: 'sibling', recurring: self('sibling'), usage: self('sibling'), oneTime: self('sibling'), fees: self('sibling') });
  });

  it('sets "parent pays recurring, child pays usage" with one setting, and reads it back', async () => {
    const put = await t.request('PUT', '/v1/accounts/child/payment-responsibility', { key, body: { recurring: [{ payerAccountId: 'parent', percent: '100' }] } });
    expect(put.status).toBe(200);
    const expected = { accountId: 'child', recurring: self('parent'), usage: self('child'), oneTime: self('child'), fees: self('child') };
    expect(put.body).toEqual(expected);
    expect((await t.request('GET', '/v1/accounts/child/payment-responsibility', { key })).body).toEqual(expected);
  });

  it('splits a class by percentages, and replaces the whole setting on each PUT', async () => {
    const body = { usage: [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'sibling', percent: '40' }] };
    const put = await t.request('PUT', '/v1/accounts/child/payment-responsibility', { key, body });
    expect(put.body.usage).toEqual(body.usage);
    expect(put.body.recurring).toEqual(self('child')); // not in this PUT: back to the default
    const before = await t.settledHead();
    expect((await t.request('PUT', '/v1/accounts/child/payment-responsibility', { key, body })).status).toBe(200);
    expect(await t.settledHead()).toBe(before); // the same setting again writes nothing
  });

  describe('refuses bad settings, naming the field, writing nothing', () => {
    const cases: Array<[string, unknown, number, string, string]> = [
      ['shares not summing to 100', { usage: [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'child', percent: '30' }] }, 400, 'usage', 'sumsTo100'],
      ['a payer in another currency', { recurring: [{ payerAccountId: 'euro', percent: '100' }] }, 422, 'recurring[0].payerAccountId', 'sameCurrency'],
      ['an unknown payer', { fees: [{ payerAccountId: 'nobody', percent: '100' }] }, 422, 'fees[0].payerAccountId', 'accountExists'],
      ['a malformed percent', { fees: [{ payerAccountId: 'parent', percent: 'half' }] }, 400, 'fees[0].percent', 'decimal'],
      ['an unknown charge class', { rent: self('parent') }, 400, 'rent', 'unknownField'],
      ['a list that is not a list', { usage: 'parent' }, 400, 'usage', 'nonEmptyList'],
    ];
    it.each(cases)('%s', async (_name, body, status, field, rule) => {
      const before = await t.settledHead();
      const response = await t.request('PUT', '/v1/accounts/child/payment-responsibility', { key, body });
      expect(response.status).toBe(status);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
      expect(await t.settledHead()).toBe(before);
    });
  });

  it("answers 404 for an unknown account and for another tenant's account", async () => {
    expect((await t.request('PUT', '/v1/accounts/missing/payment-responsibility', { key, body: {} })).status).toBe(404);
    expect((await t.request('GET', '/v1/accounts/missing/payment-responsibility', { key })).status).toBe(404);
    const other = await t.createTenant({ name: 'Other' });
    expect((await t.request('GET', '/v1/accounts/child/payment-responsibility', { key: other.apiKey })).status).toBe(404);
    await t.request('POST', '/v1/accounts', { key: other.apiKey, body: { id: 'mine', name: 'M', currency: 'USD' } });
    // A payer from another tenant does not exist here.
    const cross = await t.request('PUT', '/v1/accounts/mine/payment-responsibility', { key: other.apiKey, body: { usage: self('parent') } });
    expect(cross.status).toBe(422);
    expect(cross.body.details[0]).toMatchObject({ field: 'usage[0].payerAccountId', rule: 'accountExists' });
  });
});
