import { createEventStore } from '../../libs/platform/event-store';
import { createReadStore } from '../../libs/platform/read-store';
import { rebuildProjections } from '../../libs/platform/projection-runner/rebuild';
import { allProjectors } from '../../apps/contexts';
import { hashReadModels } from '../support/read-model-hash';
import { startTestApp } from '../support/test-app';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { withPayers } from '../../libs/plan-instances/domain/payers';

describe('Rebuilding read models from the log', () => {
  it('gives documents identical to the ones built live', async () => {
    const t = await startTestApp();
    const tenants = [await t.createTenant({ name: 'One' }), await t.createTenant({ name: 'Two', sandbox: true, businessDate: '2020-02-29' })];
    for (const [i, tenant] of tenants.entries()) {
      for (let n = 0; n < 30; n++) {
        const id = `acc-${n}`;
        await t.request('POST', '/v1/accounts', { key: tenant.apiKey, body: { id, name: `Account ${i}-${n}`, currency: n % 2 ? 'EUR' : 'KWD' } });
        if (n % 3 === 0) {
          await t.request('PATCH', `/v1/accounts/${id}/contact`, { key: tenant.apiKey, body: { firstName: `F${n}`, address: { city: 'Lyon' } } });
        }
      }
    }
    // Links (a move included), a plan with two versions and a price override, so every read model has documents.
    const one = tenants[1].apiKey;
    const put = async (route: string, body: unknown) => expect((await t.request('PUT', route, { key: one, body })).status).toBe(200);
    await put('/v1/accounts/acc-1/parent', { parentAccountId: 'acc-0' });
    await put('/v1/accounts/acc-2/parent', { parentAccountId: 'acc-1' });
    await put('/v1/accounts/acc-1/parent', { parentAccountId: 'acc-3' });
    const plan = { id: 'gold', name: 'Gold', currency: 'EUR', billingInterval: { unit: 'month', count: 1 }, services: [{ id: 'fee', name: 'Fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '10.00' } }] };
    expect((await t.request('POST', '/v1/plans', { key: one, body: plan })).status).toBe(201);
    const { id: _, ...revision } = { ...plan, name: 'Gold 2' };
    await put('/v1/plans/gold', revision);
    await put('/v1/accounts/acc-3/price-overrides', { planId: 'gold', serviceId: 'fee', discountPercent: '10' });
    const split = { usage: [{ payerAccountId: 'acc-0', percent: '60' }, { payerAccountId: 'acc-2', percent: '40' }] };
    expect((await t.request('PUT', '/v1/accounts/acc-4/payment-responsibility', { key: tenants[1].apiKey, body: split })).status).toBe(200);
    await t.request('POST', `/v1/tenants/${tenants[0].id}/api-key`, { key: 'test-admin-key' });
    await t.settledHead();
    await t.close({ keepData: true });

    const events = createEventStore({ kind: 'sqlite', dataDir: t.dataDir });
    const store = createReadStore({ kind: 'sqlite', dataDir: t.dataDir });
    const live = await hashReadModels(store, allProjectors);
    // tenants, API keys (one rotated away), accounts, a contact-reminder timer per account (none has a phone),
    // one payment-responsibility setting, a hierarchy node per account, three link periods, a plan and its
    // two versions, one price override; the account histories' entries: 60 creations, 20 contact changes, the three
    // links by child, parent and previous parent (2 + 2 + 3), the override, the responsibility by account and payers (3)
    expect(live.documents).toBe(2 + 2 + 60 + 60 + 1 + 60 + 3 + 1 + 2 + 1 + (60 + 20 + 7 + 1 + 3));

    const report = await rebuildProjections(events, store, allProjectors, () => Date.now());
    expect(report.events).toBe(await events.headPosition());
    const rebuilt = await hashReadModels(store, allProjectors);
    expect(rebuilt).toEqual(live);
    for (const projector of allProjectors) expect(await store.getCheckpoint(projector.name)).toBe(report.position);

    await events.close();
    await store.close();
  });

  it('rebuilds statements and balances identical to the ones built live (nested sections, carried balances)', async () => {
    const t = await startTestApp();
    const { apiKey: key, id: tenantId } = await t.createTenant({ name: 'Statements', sandbox: true, businessDate: '2024-01-01' });
    const ok = async (method: string, route: string, body: unknown) => expect((await t.request(method, route, { key, body })).status).toBeLessThan(300);
    await ok('POST', '/v1/accounts', { id: 'p', name: 'P', currency: 'USD', email: 'p@example.com' });
    await ok('POST', '/v1/accounts', { id: 'c', name: 'C', currency: 'USD', email: 'c@example.com', parentAccountId: 'p' });
    await ok('POST', '/v1/accounts', { id: 'g', name: 'G', currency: 'USD', email: 'g@example.com', parentAccountId: 'c' });
    const plan = { id: 'm', name: 'M', currency: 'USD', billingInterval: { unit: 'month', count: 1 }, services: [{ id: 'fee', name: 'Fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '12.34' } }] };
    await ok('POST', '/v1/plans', plan);
    for (const id of ['p', 'c', 'g']) await ok('POST', `/v1/accounts/${id}/plan-instances`, { planId: 'm' });
    await ok('POST', '/v1/clock/advance', { to: '2024-03-02' });
    // Invoices whose lines others pay (as the bill run posts them with payment responsibility), straight into the log.
    const log = t.app.get<EventStore>(EVENT_STORE);
    for (const [accountId, ancestors] of [['c', ['p']], ['g', ['c', 'p']]] as const) {
      const lines = withPayers([{ type: 'recurring', planInstanceId: 'x', serviceId: 'fee', description: 'Fee', periodStart: '2024-03-01', periodEnd: '2024-03-31', quantity: '1', unitPrice: null, amount: 777, prorated: false }], accountId, {
        recurring: [{ payerAccountId: 'p', percent: '70' }, { payerAccountId: accountId, percent: '30' }],
      });
      const invoice = { invoiceId: `x-${accountId}`, accountId, planInstanceId: `x-${accountId}`, invoiceDate: '2024-03-02', dueDate: '2024-03-02', currency: 'USD', total: 777, lines, ancestors: [...ancestors] };
      const data = { planInstanceId: invoice.planInstanceId, accountId, reason: 'billRun', nextBillDate: null, charges: [], invoice };
      const metadata = { tenantId, commandId: `x-${accountId}`, correlationId: 'x', causationId: 'x', actor: 'test', businessDate: '2024-03-02' };
      await log.appendToStream(`planInstance-${tenantId}.x-${accountId}`, [{ id: `x-${accountId}`, type: 'PlanInstanceBilled', data, metadata }], 'no_stream');
    }
    await t.settledHead();
    await t.close({ keepData: true });

    const events = createEventStore({ kind: 'sqlite', dataDir: t.dataDir });
    const store = createReadStore({ kind: 'sqlite', dataDir: t.dataDir });
    const statements = allProjectors.filter((projector) => ['tenants', 'statements'].includes(projector.name)); // tenants: to list them
    const live = await hashReadModels(store, statements);
    // The tenant and its key; statements on 2024-01-01, 02-01 and 03-01 for each account, 03-02 for p, c and g (the
    // invoices above); 3 balances; p's sections on 03-02 (c, and g inside it); a statement charge per account and
    // invoice it owes part of (each account's three invoices, and x-c and x-g for their account and for p).
    expect(live.documents).toBe(2 + 3 * 3 + 3 + 3 + 2 + (3 * 3 + 2 * 2));
    await rebuildProjections(events, store, allProjectors, () => Date.now());
    expect(await hashReadModels(store, statements)).toEqual(live);
    await events.close();
    await store.close();
  });

  it('rebuilds usage pools and their ratings (and the pooled invoices) identically', async () => {
    const t = await startTestApp();
    const { apiKey: key } = await t.createTenant({ name: 'Pools', sandbox: true, businessDate: '2024-01-01' });
    const plan = {
      id: 'data', name: 'Data', currency: 'USD', billingInterval: { unit: 'month', count: 1 },
      services: [{ id: 'gb', name: 'GB', type: 'usage', pricing: { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '5.00' }, { upTo: null, unitPrice: '3.00' }] } }],
    };
    expect((await t.request('POST', '/v1/plans', { key, body: plan })).status).toBe(201);
    for (const [id, parentAccountId] of [['owner', undefined], ['kid-1', 'owner'], ['kid-2', 'owner']] as const) {
      expect((await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency: 'USD', ...(parentAccountId ? { parentAccountId } : {}) } })).status).toBe(201);
      expect((await t.request('POST', `/v1/accounts/${id}/plan-instances`, { key, body: { planId: 'data' } })).status).toBe(201);
    }
    expect((await t.request('PUT', '/v1/accounts/owner/usage-pools/gb', { key, body: {} })).status).toBe(200);
    expect((await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-01-15' } })).status).toBe(200);
    expect((await t.request('PUT', '/v1/accounts/owner/usage-pools/gb', { key, body: { members: ['kid-1'] } })).status).toBe(200);
    const records = ['owner', 'kid-1', 'kid-2'].map((accountId, i) => ({ accountId, serviceId: 'gb', quantity: `${i + 2}.5`, occurredAt: '2024-01-14', idempotencyKey: `r${i}` }));
    expect((await t.request('POST', '/v1/usage/batch', { key, body: { records } })).status).toBe(200);
    expect((await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-03-02' } })).status).toBe(200);
    await t.settledHead();
    await t.close({ keepData: true });

    const events = createEventStore({ kind: 'sqlite', dataDir: t.dataDir });
    const store = createReadStore({ kind: 'sqlite', dataDir: t.dataDir });
    const live = await hashReadModels(store, allProjectors);
    const { id: tenantId } = (await store.find('tenants', '_system', { filter: {} })).items.find((doc) => doc.name === 'Pools') as { id: string };
    expect((await store.find('usagePools', tenantId)).items).toHaveLength(1);
    expect((await store.find('poolRatings', tenantId)).items).toHaveLength(2); // January (rated), February (nothing used)
    const report = await rebuildProjections(events, store, allProjectors, () => Date.now());
    expect(await hashReadModels(store, allProjectors)).toEqual(live);
    expect(report.events).toBe(await events.headPosition());
    await events.close();
    await store.close();
  });
});
