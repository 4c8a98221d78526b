import { createEventStore } from '../../libs/event-store';
import { createReadStore } from '../../libs/read-store';
import { rebuildProjections } from '../../libs/projection-runner/rebuild';
import { allProjectors } from '../../projections';
import { hashReadModels } from '../support/read-model-hash';
import { startTestApp } from '../support/test-app';

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
    // two versions, one price override
    expect(live.documents).toBe(2 + 2 + 60 + 60 + 1 + 60 + 3 + 1 + 2 + 1);

    const report = await rebuildProjections(events, store, allProjectors, () => Date.now());
    expect(report.events).toBe(await events.headPosition());
    const rebuilt = await hashReadModels(store, allProjectors);
    expect(rebuilt).toEqual(live);
    for (const projector of allProjectors) expect(await store.getCheckpoint(projector.name)).toBe(report.position);

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
