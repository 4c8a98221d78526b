import { startTestApp, TestApp } from '../support/test-app';

const graduatedGb = {
  model: 'tiered',
  tiers: [
    { upTo: '10', unitPrice: '5.00' },
    { upTo: '50', unitPrice: '3.00' },
    { upTo: null, unitPrice: '1.00' },
  ],
};
const dataPlan = (pricing: unknown) => ({
  id: 'data',
  name: 'Data',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Line', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '1.00' } },
    { id: 'gb', name: 'Data (GB)', type: 'usage', pricing },
  ],
});

/**
 * Pools over real HTTP. Sandbox tenants start on 2024-01-01; every account holds the plan `data` from then (bill day 1),
 * so the owner's period is January and the pool is rated on 2024-02-01.
 */
describe('Usage pools over HTTP (DOMAIN.md §6)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function sandbox(name: string, pricing: unknown = graduatedGb): Promise<string> {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate: '2024-01-01' });
    expect((await t.request('POST', '/v1/plans', { key: apiKey, body: dataPlan(pricing) })).status).toBe(201);
    return apiKey;
  }
  async function account(key: string, id: string, parentAccountId?: string, currency = 'USD', plan = true): Promise<void> {
    const created = await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency, ...(parentAccountId ? { parentAccountId } : {}) } });
    expect(created.status).toBe(201);
    if (plan) expect((await t.request('POST', `/v1/accounts/${id}/plan-instances`, { key, body: { planId: 'data' } })).status).toBe(201);
  }
  const advance = async (key: string, to: string) => expect((await t.request('POST', '/v1/clock/advance', { key, body: { to } })).status).toBe(200);
  const use = async (key: string, accountId: string, quantity: string, occurredAt: string) =>
    expect((await t.request('POST', '/v1/usage', { key, body: { accountId, serviceId: 'gb', quantity, occurredAt, idempotencyKey: `${accountId}-${occurredAt}-${quantity}` } })).status).toBe(201);
  const pooledInvoices = async (key: string, accountId: string) =>
    ((await t.request('GET', `/v1/accounts/${accountId}/invoices`, { key })).body.items as any[]).filter((invoice) => String(invoice.planInstanceId).startsWith('pool:'));
  const ownUsageLines = async (key: string, accountId: string, invoiceDate: string) =>
    ((await t.request('GET', `/v1/accounts/${accountId}/invoices`, { key })).body.items as any[])
      .filter((invoice) => !String(invoice.planInstanceId).startsWith('pool:') && invoice.invoiceDate === invoiceDate)
      .flatMap((invoice) => invoice.lines.filter((line: any) => line.type === 'usage'));
  async function writesNothing<T>(act: () => Promise<T>): Promise<T> {
    const before = await t.settledHead();
    const result = await act();
    expect(await t.settledHead()).toBe(before);
    return result;
  }

  it('the worked example: 8, 12 and 30 GB pooled cost 170.00, allocated 27.20, 40.80 and 102.00 on the members’ invoices', async () => {
    const key = await sandbox('Pool example');
    await account(key, 'family');
    await account(key, 'kid-a', 'family');
    await account(key, 'kid-b', 'family');

    const set = await t.request('PUT', '/v1/accounts/family/usage-pools/gb', { key, body: {} });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ accountId: 'family', serviceId: 'gb', currency: 'USD', members: 'descendants', effectiveDate: '2024-01-01', pricing: graduatedGb });

    await advance(key, '2024-01-20');
    await use(key, 'family', '8', '2024-01-05');
    await use(key, 'kid-a', '12', '2024-01-10');
    await use(key, 'kid-b', '30', '2024-01-19');
    await advance(key, '2024-01-31');
    expect(await pooledInvoices(key, 'kid-b')).toEqual([]); // not before the owner's period has ended
    await advance(key, '2024-02-01');

    const shares: Record<string, number> = {};
    for (const member of ['family', 'kid-a', 'kid-b']) {
      const invoices = await pooledInvoices(key, member);
      expect(invoices).toHaveLength(1);
      const [invoice] = invoices;
      expect(invoice).toMatchObject({ accountId: member, invoiceDate: '2024-02-01', currency: 'USD', planInstanceId: 'pool:family:gb' });
      expect(invoice.lines).toHaveLength(1);
      expect(invoice.lines[0]).toMatchObject({
        type: 'usage',
        serviceId: 'gb',
        periodStart: '2024-01-01',
        periodEnd: '2024-01-31',
        pool: { ownerAccountId: 'family', serviceId: 'gb', poolQuantity: '50', poolAmount: 17000 },
      });
      expect(invoice.total).toBe(invoice.lines[0].amount);
      shares[member] = invoice.total;
    }
    expect(shares).toEqual({ family: 2720, 'kid-a': 4080, 'kid-b': 10200 });
    // The pool billed January's usage, so the members' own plan invoices of 2024-02-01 bill none of it.
    for (const member of ['family', 'kid-a', 'kid-b']) expect(await ownUsageLines(key, member, '2024-02-01')).toEqual([]);

    const pools = await t.request('GET', '/v1/accounts/family/usage-pools', { key });
    expect(pools.status).toBe(200);
    expect(pools.body.items).toHaveLength(1);
    expect(pools.body.items[0]).toMatchObject({
      serviceId: 'gb',
      nextPeriodStart: '2024-02-01',
      nextRatingDate: '2024-03-01',
      ratings: [{ periodStart: '2024-01-01', periodEnd: '2024-01-31', totalQuantity: '50', amount: 17000, memberCount: 3, status: 'posted' }],
    });

    // Another day, and the same days again: nothing is rated twice.
    await advance(key, '2024-02-05');
    for (const member of ['family', 'kid-a', 'kid-b']) expect(await pooledInvoices(key, member)).toHaveLength(1);
  });

  it('re-parenting mid-period splits the days: usage counts in the pool of the tree the account was in that day', async () => {
    const key = await sandbox('Pool re-parenting', { model: 'perUnit', unitPrice: '1.00' });
    await account(key, 'family');
    await account(key, 'work');
    await account(key, 'roamer', 'family');
    for (const owner of ['family', 'work']) expect((await t.request('PUT', `/v1/accounts/${owner}/usage-pools/gb`, { key, body: { members: 'descendants' } })).status).toBe(200);
    await advance(key, '2024-01-16');
    expect((await t.request('PUT', '/v1/accounts/roamer/parent', { key, body: { parentAccountId: 'work' } })).status).toBe(200);
    await advance(key, '2024-01-20');
    await use(key, 'roamer', '4', '2024-01-10');
    await use(key, 'roamer', '6', '2024-01-20');
    await advance(key, '2024-02-01');
    const invoices = await pooledInvoices(key, 'roamer');
    expect(invoices.map((invoice) => [invoice.planInstanceId, invoice.lines[0].quantity, invoice.total]).sort()).toEqual([
      ['pool:family:gb', '4', 400],
      ['pool:work:gb', '6', 600],
    ]);
  });

  it('a list pool covers only its owner and the listed descendants', async () => {
    const key = await sandbox('Pool list', { model: 'perUnit', unitPrice: '1.00' });
    await account(key, 'corp');
    await account(key, 'dept-1', 'corp');
    await account(key, 'dept-2', 'corp');
    const set = await t.request('PUT', '/v1/accounts/corp/usage-pools/gb', { key, body: { members: ['dept-1'] } });
    expect(set.status).toBe(200);
    expect(set.body.members).toEqual(['dept-1']);
    await advance(key, '2024-01-20');
    await use(key, 'dept-1', '3', '2024-01-10');
    await use(key, 'dept-2', '5', '2024-01-10');
    await advance(key, '2024-02-01');
    expect((await pooledInvoices(key, 'dept-1')).map((i) => i.total)).toEqual([300]);
    expect(await pooledInvoices(key, 'dept-2')).toEqual([]);
  });

  it('refuses bad pools with the field and the rule, and writes nothing', async () => {
    const key = await sandbox('Pool refusals');
    const other = await sandbox('Pool other tenant');
    await account(key, 'owner');
    await account(key, 'kid', 'owner');
    await account(key, 'euro-kid', 'owner', 'EUR', false);
    await account(key, 'stranger');
    await account(other, 'elsewhere');
    await account(key, 'no-plan', undefined, 'USD', false);
    const put = (accountId: string, serviceId: string, body: unknown) => writesNothing(() => t.request('PUT', `/v1/accounts/${accountId}/usage-pools/${serviceId}`, { key, body }));
    const detail = (response: { body: { details: Array<{ field: string; rule: string }> } }) => response.body.details.map((d) => `${d.field}:${d.rule}`);

    let response = await put('owner', 'nope', {});
    expect(response.status).toBe(422);
    expect(detail(response)).toEqual(['serviceId:serviceExists']);
    response = await put('owner', 'base', {});
    expect(response.status).toBe(422);
    expect(detail(response)).toEqual(['serviceId:usageService']);
    response = await put('no-plan', 'gb', {});
    expect(response.status).toBe(422);
    expect(detail(response)).toEqual(['serviceId:serviceExists']);
    response = await put('ghost', 'gb', {});
    expect(response.status).toBe(404);
    response = await put('owner', 'gb', { members: ['euro-kid'] });
    expect(response.status).toBe(422);
    expect(detail(response)).toEqual(['members[0]:sameCurrency']);
    response = await put('owner', 'gb', { members: ['kid', 'elsewhere'] });
    expect(response.status).toBe(404);
    expect(detail(response)).toEqual(['members[1]:exists']);
    response = await put('owner', 'gb', { members: ['stranger'] });
    expect(response.status).toBe(422);
    expect(detail(response)).toEqual(['members[0]:descendant']);
    response = await put('owner', 'gb', { members: 'everyone', extra: 1 });
    expect(response.status).toBe(400);
    expect(detail(response).sort()).toEqual(['extra:unknownField', 'members:members']);
    response = await put('owner', 'gb', { members: ['kid', 'kid'] });
    expect(response.status).toBe(400);
    expect(detail(response)).toEqual(['members[1]:unique']);
    expect((await t.request('GET', '/v1/accounts/owner/usage-pools', { key })).body).toEqual({ items: [] });
    expect((await t.request('GET', '/v1/accounts/elsewhere/usage-pools', { key })).status).toBe(404);
  });

  it('a pool that used nothing posts no invoice; setting the same pool again writes nothing', async () => {
    const key = await sandbox('Pool idle');
    await account(key, 'quiet');
    expect((await t.request('PUT', '/v1/accounts/quiet/usage-pools/gb', { key, body: {} })).status).toBe(200);
    await writesNothing(() => t.request('PUT', '/v1/accounts/quiet/usage-pools/gb', { key, body: { members: 'descendants' } }));
    await advance(key, '2024-02-01');
    expect(await pooledInvoices(key, 'quiet')).toEqual([]);
    const pools = await t.request('GET', '/v1/accounts/quiet/usage-pools', { key });
    expect(pools.body.items[0]).toMatchObject({ nextPeriodStart: '2024-02-01', ratings: [{ amount: 0, memberCount: 0, status: 'posted' }] });
  });

  it('a pool set mid-period bills the days from its date; the member’s own invoice bills the days before, and late usage', async () => {
    const { apiKey: key } = await t.createTenant({ name: 'Pool mid-period', sandbox: true, businessDate: '2024-01-01', settings: { allowLateUsage: true } });
    expect((await t.request('POST', '/v1/plans', { key, body: dataPlan({ model: 'perUnit', unitPrice: '2.00' }) })).status).toBe(201);
    await account(key, 'family');
    await account(key, 'kid', 'family');
    await advance(key, '2024-01-15');
    expect((await t.request('PUT', '/v1/accounts/family/usage-pools/gb', { key, body: {} })).status).toBe(200);
    await use(key, 'kid', '3', '2024-01-10'); // before the pool: the kid's own plan bills it
    await use(key, 'kid', '5', '2024-01-15'); // the pool's first day
    await advance(key, '2024-01-20');
    await use(key, 'kid', '7', '2024-01-19');
    await advance(key, '2024-02-01');

    const own = await ownUsageLines(key, 'kid', '2024-02-01');
    expect(own.map((line) => [line.quantity, line.amount, Boolean(line.late)])).toEqual([['3', 600, false]]);
    const pooled = await pooledInvoices(key, 'kid');
    expect(pooled).toHaveLength(1);
    expect(pooled[0].lines[0]).toMatchObject({ quantity: '12', amount: 2400, periodStart: '2024-01-15', periodEnd: '2024-01-31' });
    // Every unit billed once: 3 + 12 GB at 2.00.
    expect(own.reduce((sum, line) => sum + line.amount, 0) + pooled[0].total).toBe(3000);

    // Late usage of a pooled day is not pooled (the pool is rated): the kid's own next invoice bills it, apart.
    await use(key, 'kid', '4', '2024-01-20');
    await advance(key, '2024-03-01');
    const march = await ownUsageLines(key, 'kid', '2024-03-01');
    expect(march.map((line) => [line.quantity, line.amount, Boolean(line.late)])).toEqual([['4', 800, true]]);
    expect(await pooledInvoices(key, 'kid')).toHaveLength(1);
  });

  it('usage for a day its pool has already rated is late for the member (its own period still open): refused, or billed apart when allowed', async () => {
    for (const allowLateUsage of [false, true]) {
      const { apiKey: key } = await t.createTenant({ name: `Pool rated ${allowLateUsage}`, sandbox: true, businessDate: '2024-01-01', settings: { allowLateUsage } });
      expect((await t.request('POST', '/v1/plans', { key, body: dataPlan({ model: 'perUnit', unitPrice: '2.00' }) })).status).toBe(201);
      await account(key, 'family');
      await account(key, 'kid', 'family', 'USD', false);
      // The kid's own periods run from the 15th: its period 2024-01-15 – 02-14 is open when the pool rates January.
      expect((await t.request('POST', '/v1/accounts/kid/plan-instances', { key, body: { planId: 'data', retroactiveStartDate: '2023-12-15' } })).status).toBe(201);
      expect((await t.request('PUT', '/v1/accounts/family/usage-pools/gb', { key, body: {} })).status).toBe(200);
      await use(key, 'kid', '5', '2024-01-01');
      await advance(key, '2024-02-05');
      expect((await pooledInvoices(key, 'kid')).map((invoice) => invoice.total)).toEqual([1000]);

      const after = { accountId: 'kid', serviceId: 'gb', quantity: '4', occurredAt: '2024-01-20', idempotencyKey: 'after-rating' };
      if (!allowLateUsage) {
        const refused = await writesNothing(() => t.request('POST', '/v1/usage', { key, body: after }));
        expect(refused.status).toBe(422);
        expect(refused.body.details).toEqual([expect.objectContaining({ field: 'occurredAt', rule: 'closedPeriod' })]);
        expect(refused.body.message).toContain('already rated');
        continue;
      }
      expect((await t.request('POST', '/v1/usage', { key, body: after })).status).toBe(201);
      await advance(key, '2024-02-15');
      const lines = await ownUsageLines(key, 'kid', '2024-02-15');
      expect(lines.map((line) => [line.quantity, line.amount, Boolean(line.late)])).toEqual([['4', 800, true]]);
      expect((await pooledInvoices(key, 'kid')).map((invoice) => invoice.total)).toEqual([1000]);
    }
  });
});
