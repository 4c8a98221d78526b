import { INVOICES } from '../../libs/plan-instances/read-model/invoices.projection';
import { USAGE_LATE_TOTALS } from '../../libs/usage/read-model/usage.projection';
import { expectSameAsRebuild } from '../support/read-model-hash';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Usage billed by the bill run over real HTTP (DOMAIN.md §6, §7): usage recorded, a sandbox clock advanced past
 * the period end, the invoice read back with its usage line; late usage on the next invoice, once; parent pays
 * recurring and the child its usage with one setting.
 */
const family = {
  id: 'family',
  name: 'Family',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '20.00' } },
    {
      id: 'gb',
      name: 'Data (GB)',
      type: 'usage',
      pricing: {
        model: 'tiered',
        tiers: [
          { upTo: '10', unitPrice: '5.00' },
          { upTo: '50', unitPrice: '3.00' },
          { upTo: null, unitPrice: '1.00' },
        ],
      },
    },
  ],
};

interface Line {
  type: string;
  serviceId: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  amount: number;
  late?: true;
  payers?: { accountId: string; amount: number }[];
}

describe('Usage on invoices over HTTP', () => {
  let t: TestApp;
  let key: string;
  let records = 0;
  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Usage billing', sandbox: true, businessDate: '2019-02-10', settings: { allowLateUsage: true } }));
    expect((await t.request('POST', '/v1/plans', { key, body: family })).status).toBe(201);
  });
  afterAll(() => t.close());

  const post = async (route: string, body: unknown, status = 201) => {
    const response = await t.request<any>('POST', route, { key, body });
    expect({ route, status: response.status, body: response.body }).toMatchObject({ route, status });
    return response.body;
  };
  const account = (id: string, parentAccountId?: string) => post('/v1/accounts', { id, name: id, currency: 'USD', ...(parentAccountId ? { parentAccountId } : {}) });
  const use = (accountId: string, quantity: string, occurredAt: string) => post('/v1/usage', { accountId, serviceId: 'gb', quantity, occurredAt, idempotencyKey: `r-${++records}` });
  const advance = async (to: string) => expect((await t.request('POST', '/v1/clock/advance', { key, body: { to } })).status).toBe(200);
  const invoices = async (accountId: string) => (await t.request<any>('GET', `/v1/accounts/${accountId}/invoices`, { key })).body.items as { id: string; invoiceDate: string; total: number; lines: Line[] }[];
  const invoiceOn = async (accountId: string, date: string) => {
    const found = (await invoices(accountId)).filter((invoice) => invoice.invoiceDate === date);
    expect(found).toHaveLength(1);
    const { body } = await t.request<any>('GET', `/v1/invoices/${found[0].id}`, { key });
    return body as { total: number; lines: Line[]; ancestors?: string[] };
  };
  const brief = (lines: Line[]) => lines.map(({ type, serviceId, periodStart, periodEnd, quantity, amount, late, payers }) => ({ type, serviceId, periodStart, periodEnd, quantity, amount, ...(late ? { late } : {}), ...(payers ? { payers } : {}) }));

  it('bills usage in arrears at the period end, late usage once on the next invoice, and splits payment between parent and child', async () => {
    // DOMAIN.md §6 unpooled (three members: 8, 12 and 30 GB), and §7 (parent pays recurring, child pays usage).
    await account('parent');
    for (const id of ['m1', 'm2', 'm3']) await account(id, 'parent');
    const setting = { recurring: [{ payerAccountId: 'parent', percent: '100' }] };
    expect((await t.request('PUT', '/v1/accounts/m1/payment-responsibility', { key, body: setting })).status).toBe(200);
    for (const id of ['m1', 'm2', 'm3']) await post(`/v1/accounts/${id}/plan-instances`, { planId: 'family' });

    // Usage may not be dated after the business date: the clock moves with it.
    await advance('2019-02-12');
    await use('m1', '8', '2019-02-12');
    await advance('2019-03-09');
    await use('m2', '2', '2019-02-28');
    await use('m2', '10', '2019-03-09');
    await use('m3', '30', '2019-03-01');
    await advance('2019-03-10');

    const m1 = await invoiceOn('m1', '2019-03-10');
    expect(brief(m1.lines)).toEqual([
      { type: 'usage', serviceId: 'gb', periodStart: '2019-02-10', periodEnd: '2019-03-09', quantity: '8', amount: 4000 },
      { type: 'recurring', serviceId: 'base', periodStart: '2019-03-10', periodEnd: '2019-04-09', quantity: '1', amount: 2000, payers: [{ accountId: 'parent', amount: 2000 }] },
    ]);
    expect(m1.total).toBe(6000);
    expect(m1.ancestors).toEqual(['parent']);
    const usageOf = async (id: string) => (await invoiceOn(id, '2019-03-10')).lines.filter((line) => line.type === 'usage').map((line) => line.amount);
    expect([...(await usageOf('m1')), ...(await usageOf('m2')), ...(await usageOf('m3'))]).toEqual([4000, 5600, 11000]); // 206.00 in all

    // Late usage (dated in the closed period) and on-time usage of the new period.
    const late = await use('m1', '3', '2019-03-01');
    expect(late.record.late).toBe(true);
    await advance('2019-03-20');
    await use('m1', '2', '2019-03-20');
    await advance('2019-04-10');
    expect(brief((await invoiceOn('m1', '2019-04-10')).lines)).toEqual([
      { type: 'usage', serviceId: 'gb', periodStart: '2019-03-10', periodEnd: '2019-04-09', quantity: '2', amount: 1000 },
      { type: 'recurring', serviceId: 'base', periodStart: '2019-04-10', periodEnd: '2019-05-09', quantity: '1', amount: 2000, payers: [{ accountId: 'parent', amount: 2000 }] },
      { type: 'usage', serviceId: 'gb', periodStart: '2019-03-01', periodEnd: '2019-03-01', quantity: '3', amount: 1500, late: true },
    ]);

    // Nothing more used: no usage line, and the late usage is not billed again.
    await advance('2019-05-10');
    expect(brief((await invoiceOn('m1', '2019-05-10')).lines).map((line) => line.type)).toEqual(['recurring']);
  }, 120_000);

  it('an account holding the usage service through two plan instances is billed its usage once, by the one that started first', async () => {
    await post('/v1/plans', { ...family, id: 'family-plus', name: 'Family Plus' });
    await account('twice');
    const today = (await t.request<any>('GET', '/v1/clock', { key })).body.businessDate as string;
    await post('/v1/accounts/twice/plan-instances', { planId: 'family' });
    await advance(nextDay(today));
    await post('/v1/accounts/twice/plan-instances', { planId: 'family-plus' });
    await use('twice', '4', nextDay(today));
    await advance(nextDay(nextDay(today)));
    const instances = (await t.request<any>('GET', '/v1/accounts/twice/plan-instances', { key })).body.items as { id: string; planId: string }[];
    const cancels = [];
    for (const instance of instances) cancels.push(await post(`/v1/plan-instances/${instance.id}/cancel`, {}));
    const usage = cancels.flatMap((answer) => brief(answer.invoice.lines).filter((line) => line.type === 'usage'));
    expect(usage).toEqual([expect.objectContaining({ quantity: '4', amount: 2000 })]);
    expect(cancels.map((answer) => answer.invoice.lines.some((line: Line) => line.type === 'usage'))).toEqual(instances.map((instance) => instance.planId === 'family'));
  }, 60_000);

  it('a cancellation bills the final partial period, and its preview shows the same', async () => {
    await account('c1');
    const assigned = await post('/v1/accounts/c1/plan-instances', { planId: 'family' });
    const today = (await t.request<any>('GET', '/v1/clock', { key })).body.businessDate as string;
    await use('c1', '12', today);
    await advance(nextDay(today));
    const preview = await post(`/v1/plan-instances/${assigned.planInstanceId}/cancel`, { doWrite: false }, 200);
    const commit = await post(`/v1/plan-instances/${assigned.planInstanceId}/cancel`, {});
    expect(commit).toEqual(preview);
    expect(brief(commit.invoice.lines)).toEqual([
      { type: 'usage', serviceId: 'gb', periodStart: today, periodEnd: today, quantity: '12', amount: 5600 },
      expect.objectContaining({ type: 'credit', serviceId: 'base' }),
    ]);
  }, 60_000);
});

describe('Usage billing read models after a rebuild', () => {
  it('are identical to the ones built live: invoices with usage, late and payers, plan instances, late totals', async () => {
    const t = await startTestApp();
    const { id: tenantId, apiKey: key } = await t.createTenant({ name: 'Rebuild billing', sandbox: true, businessDate: '2019-02-10', settings: { allowLateUsage: true } });
    const ok = async (method: string, route: string, body: unknown) => expect((await t.request(method, route, { key, body })).status).toBeLessThan(300);
    try {
      await ok('POST', '/v1/plans', family);
      await ok('POST', '/v1/accounts', { id: 'p', name: 'p', currency: 'USD' });
      await ok('POST', '/v1/accounts', { id: 'c', name: 'c', currency: 'USD', parentAccountId: 'p' });
      await ok('PUT', '/v1/accounts/c/payment-responsibility', { recurring: [{ payerAccountId: 'p', percent: '60' }, { payerAccountId: 'c', percent: '40' }] });
      await ok('POST', '/v1/accounts/c/plan-instances', { planId: 'family' });
      await ok('POST', '/v1/clock/advance', { to: '2019-03-05' });
      await ok('POST', '/v1/usage', { accountId: 'c', serviceId: 'gb', quantity: '11.5', occurredAt: '2019-03-01', idempotencyKey: 'a' });
      await ok('POST', '/v1/clock/advance', { to: '2019-03-12' });
      await ok('POST', '/v1/usage', { accountId: 'c', serviceId: 'gb', quantity: '2', occurredAt: '2019-03-02', idempotencyKey: 'b' }); // late
      await ok('POST', '/v1/clock/advance', { to: '2019-04-10' });
      await t.settledHead();
    } finally {
      await t.close({ keepData: true });
    }
    await expectSameAsRebuild(t.dataDir, async (store) => {
      expect((await store.find(USAGE_LATE_TOTALS, tenantId)).items).toHaveLength(1);
      const lines = (await store.find<{ lines: Line[] }>(INVOICES, tenantId)).items.flatMap((invoice) => invoice.lines);
      expect(lines.filter((line) => line.late).map((line) => line.amount)).toEqual([1000]);
      expect(lines.filter((line) => line.type === 'usage' && !line.late).map((line) => line.amount)).toEqual([5450]); // 11.5 GB: 10 × 5.00 + 1.5 × 3.00 = 54.50
      expect(lines.filter((line) => line.type === 'recurring').map((line) => line.payers)).toEqual(
        Array(3).fill([{ accountId: 'c', amount: 800 }, { accountId: 'p', amount: 1200 }]),
      );
    });
  }, 120_000);
});

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
