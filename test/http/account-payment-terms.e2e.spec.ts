import { loadAccount } from '../../libs/accounts/commands/account-lookup';
import { accountStream } from '../../libs/accounts/domain/account.decider';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { startTestApp, TestApp } from '../support/test-app';

describe('Account payment terms over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let log: EventStore;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Terms', sandbox: true, businessDate: '2019-02-10' }));
    log = t.app.get(EVENT_STORE);
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>) => t.request('POST', '/v1/accounts', { key, body: { name: 'T', currency: 'USD', ...body } });
  const putTerms = (id: string, body: unknown, headers?: Record<string, string>) =>
    t.request('PUT', `/v1/accounts/${id}/payment-terms`, { key, body, headers });
  const history = async (id: string) => (await t.request('GET', `/v1/accounts/${id}/history`, { key })).body.items as any[];

  describe('on creation', () => {
    it('records the terms given, shows them on the account and carries them in loadAccount', async () => {
      const created = await create({ id: 'net-30', paymentTermsDays: 30 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: 'net-30', paymentTermsDays: 30 });
      expect((await t.request('GET', '/v1/accounts/net-30', { key })).body.paymentTermsDays).toBe(30);
      expect((await history('net-30'))[0]).toMatchObject({ type: 'AccountCreated', data: { accountId: 'net-30', paymentTermsDays: 30 } });
      expect((await loadAccount(log, tenantId, 'net-30'))?.paymentTermsDays).toBe(30);
    });

    it('defaults to 0 days (due on the invoice date) when none or null is given', async () => {
      for (const [id, body] of [['net-0', {}], ['net-null', { paymentTermsDays: null }]] as const) {
        const created = await create({ id, ...body });
        expect(created.status).toBe(201);
        expect(created.body.paymentTermsDays).toBe(0);
        expect((await t.request('GET', `/v1/accounts/${id}`, { key })).body.paymentTermsDays).toBe(0);
        expect((await history(id))[0].data.paymentTermsDays).toBe(0);
        expect((await loadAccount(log, tenantId, id))?.paymentTermsDays).toBe(0);
      }
    });

    it.each<[string, unknown]>([
      ['negative terms', -1],
      ['terms over 365 days', 366],
      ['fractional terms', 1.5],
      ['terms as a string', '30'],
      ['terms as a boolean', true],
    ])('refuses %s: 400 naming paymentTermsDays and the rule, nothing written', async (_name, paymentTermsDays) => {
      const before = await t.settledHead();
      const response = await create({ id: 'bad-terms', paymentTermsDays });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.details).toEqual([
        { field: 'paymentTermsDays', rule: 'integerRange', message: expect.stringMatching(/^paymentTermsDays must be a whole number of days from 0 to 365 \(got .+\)$/) },
      ]);
      expect(await t.settledHead()).toBe(before);
      expect((await t.request('GET', '/v1/accounts/bad-terms', { key })).status).toBe(404);
    });
  });

  describe('PUT /v1/accounts/{id}/payment-terms', () => {
    it('changes the terms: 200 with the account, one AccountPaymentTermsChanged, read model and loadAccount follow', async () => {
      const created = await create({ id: 'change-1', email: 'c@example.com' });
      const changed = await putTerms('change-1', { paymentTermsDays: 45 });
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ ...created.body, paymentTermsDays: 45 });
      expect(Number(changed.headers.get('x-log-position'))).toBeGreaterThan(Number(created.headers.get('x-log-position')));
      expect((await t.request('GET', '/v1/accounts/change-1', { key })).body).toEqual(changed.body);
      const events = await history('change-1');
      expect(events.map((e) => [e.revision, e.type])).toEqual([
        [0, 'AccountCreated'],
        [1, 'AccountPaymentTermsChanged'],
      ]);
      expect(events[1].data).toEqual({ accountId: 'change-1', from: 0, to: 45 });
      expect((await loadAccount(log, tenantId, 'change-1'))?.paymentTermsDays).toBe(45);

      const back = await putTerms('change-1', { paymentTermsDays: 0 });
      expect(back.status).toBe(200);
      expect(back.body.paymentTermsDays).toBe(0);
      expect((await history('change-1'))[2].data).toEqual({ accountId: 'change-1', from: 45, to: 0 });
      expect((await t.request('GET', '/v1/accounts/change-1', { key })).body.paymentTermsDays).toBe(0);
    });

    it('writes nothing when the terms are already those (an idempotent repeat)', async () => {
      await create({ id: 'same-terms', paymentTermsDays: 14 });
      const before = await t.settledHead();
      const same = await putTerms('same-terms', { paymentTermsDays: 14 });
      expect(same.status).toBe(200);
      expect(same.body.paymentTermsDays).toBe(14);
      expect(await t.settledHead()).toBe(before);

      const first = await putTerms('same-terms', { paymentTermsDays: 60 });
      const afterFirst = await t.settledHead();
      const repeat = await putTerms('same-terms', { paymentTermsDays: 60 });
      expect([first.status, repeat.status]).toEqual([200, 200]);
      expect(repeat.body).toEqual(first.body);
      expect(await t.settledHead()).toBe(afterFirst);
      expect((await history('same-terms')).map((e) => e.type)).toEqual(['AccountCreated', 'AccountPaymentTermsChanged']);
    });

    it('returns the first answer to a repeat with the same Idempotency-Key, writing nothing', async () => {
      await create({ id: 'idem-terms' });
      const headers = { 'idempotency-key': 'terms-k1' };
      const first = await putTerms('idem-terms', { paymentTermsDays: 30 }, headers);
      expect(first.status).toBe(200);
      const before = await t.settledHead();
      const repeat = await putTerms('idem-terms', { paymentTermsDays: 30 }, headers);
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(await t.settledHead()).toBe(before);
    });

    it("answers 404 for an unknown account and for another tenant's account, writing nothing", async () => {
      const other = await t.createTenant({ name: 'Other' });
      await create({ id: 'mine' });
      const before = await t.settledHead();
      const unknown = await putTerms('missing', { paymentTermsDays: 30 });
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe('Account missing was not found');
      const foreign = await t.request('PUT', '/v1/accounts/mine/payment-terms', { key: other.apiKey, body: { paymentTermsDays: 30 } });
      expect(foreign.status).toBe(404);
      expect(await t.settledHead()).toBe(before);
      expect(await log.readStream(accountStream(tenantId, 'missing'))).toEqual([]);
    });

    describe('bad input', () => {
      beforeAll(async () => expect((await create({ id: 'bad-put', paymentTermsDays: 10 })).status).toBe(201));

      it.each<[string, unknown, string]>([
        ['negative terms', { paymentTermsDays: -5 }, 'integerRange'],
        ['terms over 365 days', { paymentTermsDays: 400 }, 'integerRange'],
        ['fractional terms', { paymentTermsDays: 0.5 }, 'integerRange'],
        ['terms as a string', { paymentTermsDays: '30' }, 'integerRange'],
        ['null terms', { paymentTermsDays: null }, 'isDefined'],
        ['no terms', {}, 'isDefined'],
        ['an unknown field', { paymentTermsDays: 30, graceDays: 5 }, 'unknownField'],
      ])('refuses %s: 400 naming the field and the rule, nothing written', async (_name, body, rule) => {
        const before = await t.settledHead();
        const response = await putTerms('bad-put', body);
        expect(response.status).toBe(400);
        const field = rule === 'unknownField' ? 'graceDays' : 'paymentTermsDays';
        expect(response.body.details).toEqual([{ field, rule, message: expect.stringContaining(field) }]);
        expect(await t.settledHead()).toBe(before);
        expect((await t.request('GET', '/v1/accounts/bad-put', { key })).body.paymentTermsDays).toBe(10);
      });
    });
  });

  it('reads an account created before payment terms existed (no field in its AccountCreated) as 0 days', async () => {
    const metadata = { tenantId, commandId: 'legacy-cmd', correlationId: 'legacy', causationId: 'legacy', actor: 'test', businessDate: '2019-02-10' };
    const data = {
      accountId: 'legacy-1',
      name: 'Legacy',
      currency: 'USD',
      status: 'active',
      parentAccountId: null,
      contact: { email: 'l@example.com' },
      email: 'l@example.com',
      country: null,
      language: null,
      channel: null,
      createdOn: '2019-02-10',
    };
    await log.appendToStream(accountStream(tenantId, 'legacy-1'), [{ id: '00000000-0000-4000-8000-00000000001e', type: 'AccountCreated', data, metadata }], 'no_stream');
    await t.settledHead();
    expect((await t.request('GET', '/v1/accounts/legacy-1', { key })).body.paymentTermsDays).toBe(0);
    expect((await loadAccount(log, tenantId, 'legacy-1'))?.paymentTermsDays).toBe(0);

    const before = await t.settledHead();
    expect((await putTerms('legacy-1', { paymentTermsDays: 0 })).status).toBe(200);
    expect(await t.settledHead()).toBe(before);
    const changed = await putTerms('legacy-1', { paymentTermsDays: 7 });
    expect(changed.body.paymentTermsDays).toBe(7);
    expect((await history('legacy-1'))[1].data).toEqual({ accountId: 'legacy-1', from: 0, to: 7 });
    expect((await t.request('GET', '/v1/accounts/legacy-1', { key })).body.paymentTermsDays).toBe(7);
  });
});
