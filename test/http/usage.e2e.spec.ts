import { rmSync } from 'node:fs';
import { createEventStore } from '../../libs/platform/event-store';
import { rebuildProjections } from '../../libs/platform/projection-runner/rebuild';
import { createReadStore } from '../../libs/platform/read-store';
import { tenantsProjection } from '../../libs/tenancy/read-model/tenants.projection';
import { usageProjection } from '../../libs/usage/read-model/usage.projection';
import { hashReadModels } from '../support/read-model-hash';
import { startTestApp, TestApp } from '../support/test-app';

const perUnit = (unitPrice: string) => ({ model: 'perUnit', unitPrice });
const metered = {
  id: 'metered',
  name: 'Metered',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('10.00') },
    { id: 'data', name: 'Data (GB)', type: 'usage', pricing: perUnit('0.50') },
    { id: 'sms', name: 'SMS', type: 'usage', pricing: perUnit('0.01') },
  ],
};
const flat = { ...metered, id: 'flat', name: 'Flat', services: [metered.services[0]] };

/**
 * Every tenant here is a sandbox on 2019-02-10. Account `acme` holds `metered` from 2019-01-02 (bill day 2), so
 * its current period is 2019-02-02 – 2019-03-01: usage dated 2019-02-02 to 2019-02-10 is on time, 2019-01-02 to
 * 2019-02-01 is late, before 2019-01-02 is before the plan started, after 2019-02-10 is in the future.
 */
describe('Usage recording over HTTP', () => {
  let t: TestApp;
  let key: string;
  let lenientKey: string;

  async function tenantWithPlans(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { apiKey } = await t.createTenant({ name, sandbox: true, businessDate: '2019-02-10', ...extra });
    for (const id of ['acme', 'bare', 'flat-only', 'late-joiner']) {
      expect((await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: id, currency: 'USD' } })).status).toBe(201);
    }
    for (const plan of [metered, flat]) expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
    const assign = async (accountId: string, body: Record<string, unknown>) =>
      expect((await t.request('POST', `/v1/accounts/${accountId}/plan-instances`, { key: apiKey, body })).status).toBe(201);
    await assign('acme', { planId: 'metered', retroactiveStartDate: '2019-01-02' });
    await assign('flat-only', { planId: 'flat', retroactiveStartDate: '2019-01-02' });
    await assign('late-joiner', { planId: 'metered' }); // from today, 2019-02-10
    return apiKey;
  }

  beforeAll(async () => {
    t = await startTestApp();
    key = await tenantWithPlans('Usage');
    lenientKey = await tenantWithPlans('Usage, late allowed', { settings: { allowLateUsage: true } });
  });
  afterAll(() => t.close());

  const record = (overrides: Record<string, unknown> = {}) => ({
    accountId: 'acme',
    serviceId: 'data',
    quantity: '1',
    occurredAt: '2019-02-05',
    idempotencyKey: `k-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  });
  const post = (body: unknown, apiKey = key, headers?: Record<string, string>) => t.request('POST', '/v1/usage', { key: apiKey, body, headers });
  const batch = (records: unknown[], apiKey = key, headers?: Record<string, string>) => t.request('POST', '/v1/usage/batch', { key: apiKey, body: { records }, headers });
  const totals = (accountId: string, query = '', apiKey = key) => t.request('GET', `/v1/accounts/${accountId}/usage${query}`, { key: apiKey });
  const detailsOf = (body: { details: Array<{ field: string; rule: string }> }) => body.details.map((d) => `${d.field}:${d.rule}`);

  /** Runs `act`, asserts nothing was written to the log, and returns its response. */
  async function writesNothing<T>(act: () => Promise<T>): Promise<T> {
    const before = await t.settledHead();
    const result = await act();
    expect(await t.settledHead()).toBe(before);
    return result;
  }

  it('records one usage record (201) and shows it in the totals', async () => {
    const sent = record({ quantity: '12.50', idempotencyKey: 'single-1' });
    const response = await post(sent);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      accepted: 1,
      duplicates: 0,
      record: { accountId: 'acme', serviceId: 'data', quantity: '12.5', occurredOn: '2019-02-05', idempotencyKey: 'single-1', late: false },
    });
    expect(response.headers.get('x-log-position')).toMatch(/^\d+$/);
    const read = await totals('acme', '?from=2019-02-05&to=2019-02-05');
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ accountId: 'acme', from: '2019-02-05', to: '2019-02-05', services: [{ serviceId: 'data', total: '12.5', count: 1, lateTotal: '0', lateCount: 0 }] });
  });

  it('counts a repeated key as a duplicate and writes nothing, whatever the quantity (the key is in the stream, so this holds after a restart too)', async () => {
    const first = await post(record({ idempotencyKey: 'dup-1', quantity: '3' }));
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const again = await writesNothing(() => post(record({ idempotencyKey: 'dup-1', quantity: '300' })));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, record: { idempotencyKey: 'dup-1' } });
    // Also as part of a batch, beside new records.
    const mixed = await batch([record({ idempotencyKey: 'dup-1' }), record({ idempotencyKey: 'dup-2' })]);
    expect(mixed.body).toEqual({ accepted: 1, duplicates: 1 });
  });

  it('takes the same key again in another month of occurrence or on another account: keys are unique per account and month', async () => {
    const response = await batch([
      record({ idempotencyKey: 'monthly-key', occurredAt: '2019-02-03' }),
      record({ idempotencyKey: 'monthly-key', occurredAt: '2019-02-10', accountId: 'late-joiner' }),
    ]);
    expect(response.body).toEqual({ accepted: 2, duplicates: 0 });
  });

  it('records a batch (200) of several accounts, services and days, counting keys repeated inside it once', async () => {
    const records = [
      record({ accountId: 'acme', serviceId: 'sms', quantity: '10', occurredAt: '2019-02-06', idempotencyKey: 'b-1' }),
      record({ accountId: 'acme', serviceId: 'sms', quantity: '5', occurredAt: '2019-02-07', idempotencyKey: 'b-2' }),
      record({ accountId: 'acme', serviceId: 'sms', quantity: '99', occurredAt: '2019-02-07', idempotencyKey: 'b-1' }), // same stream, same key
      record({ accountId: 'late-joiner', serviceId: 'data', quantity: '2', occurredAt: '2019-02-10', idempotencyKey: 'b-1' }),
    ];
    const response = await batch(records);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accepted: 3, duplicates: 1 });
    expect((await totals('acme', '?serviceId=sms&from=2019-02-06&to=2019-02-07')).body.services).toEqual([
      { serviceId: 'sms', total: '15', count: 2, lateTotal: '0', lateCount: 0 },
    ]);
    expect((await totals('late-joiner', '?from=2019-02-10&to=2019-02-10')).body.services).toEqual([
      { serviceId: 'data', total: '3', count: 2, lateTotal: '0', lateCount: 0 }, // with 1 of 'monthly-key' above
    ]);
    const replay = await writesNothing(() => batch(records));
    expect(replay.body).toEqual({ accepted: 0, duplicates: 4 });
  });

  it('sums decimals exactly: 0.1 + 0.2 is 0.3', async () => {
    await batch([
      record({ accountId: 'acme', serviceId: 'data', quantity: '0.1', occurredAt: '2019-02-08', idempotencyKey: 'dec-1' }),
      record({ accountId: 'acme', serviceId: 'data', quantity: '0.2', occurredAt: '2019-02-08', idempotencyKey: 'dec-2' }),
    ]);
    await post(record({ quantity: '0.0000000001', occurredAt: '2019-02-08', idempotencyKey: 'dec-3' }));
    expect((await totals('acme', '?serviceId=data&from=2019-02-08&to=2019-02-08')).body.services).toEqual([
      { serviceId: 'data', total: '0.3000000001', count: 3, lateTotal: '0', lateCount: 0 },
    ]);
  });

  it('refuses malformed input with 400 naming each field, and writes nothing', async () => {
    for (const [change, field, rule] of [
      [{ quantity: '-1' }, 'quantity', 'positive'],
      [{ quantity: '0' }, 'quantity', 'positive'],
      [{ quantity: 'ten' }, 'quantity', 'decimal'],
      [{ quantity: '1e3' }, 'quantity', 'decimal'],
      [{ quantity: 2 }, 'quantity', 'decimal'],
      [{ quantity: '0.12345678901' }, 'quantity', 'maxDecimals'],
      [{ occurredAt: '2019-02-30' }, 'occurredAt', 'isoDateOrInstant'],
      [{ occurredAt: '2019-02-05T10:00:00' }, 'occurredAt', 'isoDateOrInstant'],
      [{ idempotencyKey: '' }, 'idempotencyKey', 'length'],
      [{ idempotencyKey: 'x'.repeat(256) }, 'idempotencyKey', 'length'],
      [{ accountId: undefined }, 'accountId', 'required'],
      [{ unit: 'GB' }, 'unit', 'unknownField'],
    ] as const) {
      const response = await writesNothing(() => post(record(change)));
      expect(response.status).toBe(400);
      expect(detailsOf(response.body)).toEqual([`${field}:${rule}`]);
    }
  });

  it('checks a batch whole: every bad record is reported with its index, and nothing of it is written', async () => {
    const records = [
      record({ idempotencyKey: 'whole-1' }),
      record({ quantity: '-2' }),
      record({ idempotencyKey: 'whole-2' }),
      record({ quantity: '1.5e2', occurredAt: 'yesterday' }),
      record({ extra: true }),
    ];
    const response = await writesNothing(() => batch(records));
    expect(response.status).toBe(400);
    expect(detailsOf(response.body)).toEqual([
      'records[1].quantity:positive',
      'records[3].quantity:decimal',
      'records[3].occurredAt:isoDateOrInstant',
      'records[4].extra:unknownField',
    ]);
    // The good records were not written: they are new when sent alone.
    expect((await batch([records[0], records[2]])).body).toEqual({ accepted: 2, duplicates: 0 });
  });

  it('takes 1 to 10,000 records per batch', async () => {
    expect((await writesNothing(() => batch([]))).status).toBe(400);
    const tooMany = await writesNothing(() => batch(Array.from({ length: 10_001 }, () => record())));
    expect(tooMany.status).toBe(400);
    expect(detailsOf(tooMany.body)).toEqual(['records:count']);
    expect((await writesNothing(() => t.request('POST', '/v1/usage/batch', { key, body: { records: 'many' } }))).status).toBe(400);
    const extra = await writesNothing(() => t.request('POST', '/v1/usage/batch', { key, body: { records: [record()], dryRun: true } }));
    expect(extra.status).toBe(400);
    expect(detailsOf(extra.body)).toEqual(['dryRun:unknownField']);
    expect((await writesNothing(() => t.request('POST', '/v1/usage/batch', { key, body: [record()] }))).status).toBe(400);
    const full = await batch(Array.from({ length: 10_000 }, (_, i) => record({ serviceId: 'sms', occurredAt: '2019-02-09', quantity: '0.5', idempotencyKey: `full-${i}` })));
    expect(full.body).toEqual({ accepted: 10_000, duplicates: 0 });
    expect((await totals('acme', '?serviceId=sms&from=2019-02-09&to=2019-02-09')).body.services).toEqual([
      { serviceId: 'sms', total: '5000', count: 10_000, lateTotal: '0', lateCount: 0 },
    ]);
  });

  it("answers 404 for an unknown account and for another tenant's account, and writes nothing", async () => {
    const unknown = await writesNothing(() => post(record({ accountId: 'ghost' })));
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Account ghost was not found');
    // `acme` exists in the lenient tenant too, but `only-mine` exists only in the first one.
    await t.request('POST', '/v1/accounts', { key, body: { id: 'only-mine', name: 'Mine', currency: 'USD' } });
    const foreign = await writesNothing(() => post(record({ accountId: 'only-mine' }), lenientKey));
    expect(foreign.status).toBe(404);
    const inBatch = await writesNothing(() => batch([record(), record({ accountId: 'ghost' })]));
    expect(inBatch.status).toBe(404);
    expect(detailsOf(inBatch.body)).toEqual(['records[1].accountId:exists']);
  });

  it('refuses a service the account does not hold as a usage service (422 naming serviceId)', async () => {
    for (const [accountId, serviceId] of [['acme', 'base'], ['acme', 'voice'], ['flat-only', 'data'], ['bare', 'data']]) {
      const response = await writesNothing(() => post(record({ accountId, serviceId })));
      expect(response.status).toBe(422);
      expect(detailsOf(response.body)).toEqual(['serviceId:serviceExists']);
    }
    const response = await writesNothing(() => batch([record(), record({ serviceId: 'base' }), record(), record({ accountId: 'bare' })]));
    expect(response.status).toBe(422);
    expect(detailsOf(response.body)).toEqual(['records[1].serviceId:serviceExists', 'records[3].serviceId:serviceExists']);
    expect(response.body.details[0].message).toMatch(/its usage services: data, sms/);
  });

  it('refuses usage dated after the business date, or before the plan instance started (422)', async () => {
    const future = await writesNothing(() => post(record({ occurredAt: '2019-02-11' })));
    expect(future.status).toBe(422);
    expect(detailsOf(future.body)).toEqual(['occurredAt:future']);
    const beforeStart = await writesNothing(() => post(record({ accountId: 'late-joiner', occurredAt: '2019-02-09' })));
    expect(beforeStart.status).toBe(422);
    expect(detailsOf(beforeStart.body)).toEqual(['occurredAt:beforePlanStart']);
  });

  it('refuses usage dated in a closed billing period (422 closedPeriod) when the tenant does not allow late usage', async () => {
    const late = await writesNothing(() => post(record({ occurredAt: '2019-02-01' })));
    expect(late.status).toBe(422);
    expect(detailsOf(late.body)).toEqual(['occurredAt:closedPeriod']);
    expect(late.body.message).toMatch(/began 2019-02-02.*allowLateUsage/);
    // The first day of the current period is on time.
    expect((await post(record({ occurredAt: '2019-02-02' }))).status).toBe(201);
  });

  it('accepts late usage, marked late, when the tenant allows it', async () => {
    const response = await post(record({ occurredAt: '2019-01-15', quantity: '4', idempotencyKey: 'late-1' }), lenientKey);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ accepted: 1, record: { occurredOn: '2019-01-15', late: true } });
    await batch([record({ occurredAt: '2019-01-15', quantity: '1', idempotencyKey: 'late-2' }), record({ occurredAt: '2019-02-05', quantity: '2' })], lenientKey);
    expect((await totals('acme', '?from=2019-01-01&to=2019-02-28', lenientKey)).body.services).toEqual([
      { serviceId: 'data', total: '7', count: 3, lateTotal: '5', lateCount: 2 },
    ]);
    // Still not before the plan started, nor in the future.
    expect((await post(record({ occurredAt: '2019-01-01' }), lenientKey)).status).toBe(422);
    expect((await post(record({ occurredAt: '2019-02-11' }), lenientKey)).status).toBe(422);
  });

  it("takes an instant as the date it was in the tenant's time zone", async () => {
    const { apiKey } = await t.createTenant({ name: 'New York', sandbox: true, businessDate: '2019-02-10', timeZone: 'America/New_York' });
    await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'nyc', name: 'NYC', currency: 'USD' } });
    await t.request('POST', '/v1/plans', { key: apiKey, body: metered });
    expect((await t.request('POST', '/v1/accounts/nyc/plan-instances', { key: apiKey, body: { planId: 'metered', retroactiveStartDate: '2019-02-01' } })).status).toBe(201);
    const evening = await post(record({ accountId: 'nyc', occurredAt: '2019-02-10T03:30:00Z' }), apiKey); // 22:30 on the 9th in New York
    expect(evening.body.record.occurredOn).toBe('2019-02-09');
    const tomorrowInUtc = await post(record({ accountId: 'nyc', occurredAt: '2019-02-11T04:59:59Z' }), apiKey); // 23:59:59 on the 10th
    expect(tomorrowInUtc.body.record.occurredOn).toBe('2019-02-10');
    const future = await post(record({ accountId: 'nyc', occurredAt: '2019-02-11T05:00:00Z' }), apiKey); // midnight on the 11th
    expect(detailsOf(future.body)).toEqual(['occurredAt:future']);
  });

  it('repeats the first answer for a repeated Idempotency-Key header on a batch', async () => {
    const records = [record({ idempotencyKey: 'hdr-1' }), record({ idempotencyKey: 'hdr-2' })];
    const first = await batch(records, key, { 'idempotency-key': 'usage-batch-1' });
    expect(first.body).toEqual({ accepted: 2, duplicates: 0 });
    const again = await writesNothing(() => batch(records, key, { 'idempotency-key': 'usage-batch-1' }));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual({ accepted: 2, duplicates: 0 });
  });

  it('documents the usage routes in the OpenAPI document', async () => {
    const openapi = await t.request('GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/v1/usage', '/v1/usage/batch', '/v1/accounts/{id}/usage']));
    expect(openapi.body.paths['/v1/usage/batch'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/UsageBatchDto' });
  });

  it('answers the totals per service over an inclusive range, for this month by default', async () => {
    const all = await totals('acme', '?from=2019-02-01&to=2019-02-10');
    expect(all.body.services.map((s: { serviceId: string }) => s.serviceId)).toEqual(['data', 'sms']);
    const byDefault = await totals('acme');
    expect(byDefault.body).toMatchObject({ from: '2019-02-01', to: '2019-02-10' });
    expect(byDefault.body.services).toEqual(all.body.services);
    expect((await totals('acme', '?from=2019-03-01&to=2019-03-31')).body.services).toEqual([]);
    expect((await totals('bare')).body.services).toEqual([]);
    expect(detailsOf((await totals('acme', '?from=2019-02-10&to=2019-02-01')).body)).toEqual(['to:range']);
    expect(detailsOf((await totals('acme', '?from=2019-02-30')).body)).toEqual(['from:isoDate']);
    expect(detailsOf((await totals('acme', '?serviceId=a%20b')).body)).toEqual(['serviceId:id']);
    expect((await totals('ghost')).status).toBe(404);
    expect((await totals('only-mine', '', lenientKey)).status).toBe(404);
  });
});

describe('Usage totals after a rebuild', () => {
  it('are identical to the ones built live, whatever the chunking of the replay', async () => {
    const t = await startTestApp();
    const { apiKey } = await t.createTenant({ name: 'Rebuild', sandbox: true, businessDate: '2019-02-10', settings: { allowLateUsage: true } });
    for (const id of ['a', 'b']) {
      await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: id, currency: 'USD' } });
    }
    await t.request('POST', '/v1/plans', { key: apiKey, body: metered });
    for (const id of ['a', 'b']) {
      expect((await t.request('POST', `/v1/accounts/${id}/plan-instances`, { key: apiKey, body: { planId: 'metered', retroactiveStartDate: '2019-01-02' } })).status).toBe(201);
    }
    try {
      for (let n = 0; n < 12; n++) {
        const records = Array.from({ length: 25 }, (_, i) => ({
          accountId: i % 2 ? 'a' : 'b',
          serviceId: i % 3 ? 'data' : 'sms',
          quantity: `${n}.${i}`.replace(/^0\.0$/, '0.01'),
          occurredAt: i % 2 ? `2019-01-1${i % 9}` : `2019-02-0${2 + (i % 8)}`, // late in January, on time in February
          idempotencyKey: `r-${n}-${i}`,
        }));
        expect((await t.request('POST', '/v1/usage/batch', { key: apiKey, body: { records } })).status).toBe(200);
      }
      await t.settledHead();
    } finally {
      await t.close({ keepData: true });
    }

    const events = createEventStore({ kind: 'sqlite', dataDir: t.dataDir });
    const store = createReadStore({ kind: 'sqlite', dataDir: t.dataDir });
    try {
      await store.ensureCollections(tenantsProjection.collections); // the hash walks every tenant
      const live = await hashReadModels(store, [usageProjection]);
      expect(live.documents).toBe(17 + 9); // (account, service, day) triples used, and the 9 of them with late usage
      for (const chunkSize of [1, 7, 10_000]) {
        await rebuildProjections(events, store, [usageProjection], () => Date.now(), chunkSize);
        expect(await hashReadModels(store, [usageProjection])).toEqual(live);
      }
    } finally {
      await events.close();
      await store.close();
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  });
});
