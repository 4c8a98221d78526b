import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { usagePoolStream } from '../../libs/pools/domain/pool.decider';
import { createEventStore } from '../../libs/platform/event-store';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'pool-crash-admin-key';
/** More than one rating part (500 members each): the owner and 501 members make two. */
const MEMBERS = 501;

async function stop(server: ServerProcess) {
  server.child.kill('SIGTERM');
  await server.exited;
}

/** The pool stream's event types, read straight from the SQLite file. */
async function poolEvents(dataDir: string, tenantId: string): Promise<string[]> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const types = (await events.readStream(usagePoolStream(tenantId, 'owner', 'gb'))).map((e) => e.type);
  await events.close();
  return types;
}

describe('A crash (kill -9) in the middle of a pool rating', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pool-crash-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('after restart every part is posted once, the period once, and each member has one pooled invoice', async () => {
    // On 2024-02-01 the process-manager commands are the owner's BillPlanInstance and the pool's two RatePool parts
    // and PostPoolRating (members bill on the 2nd, and every contact is complete: no timers). The second to
    // complete kills the process: at least one part is posted, the period is not.
    const first = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN, BILLING_FAULT: 'after-process-manager-command:2' });
    const tenant = await call(first.url, 'POST', '/v1/tenants', ADMIN, { name: 'Pool crash', sandbox: true, businessDate: '2024-01-01' });
    const key = tenant.body.apiKey;
    const plan = {
      id: 'data', name: 'Data', currency: 'USD', billingInterval: { unit: 'month', count: 1 },
      services: [{ id: 'gb', name: 'GB', type: 'usage', pricing: { model: 'tiered', tiers: [{ upTo: '100', unitPrice: '2.00' }, { upTo: null, unitPrice: '1.00' }] } }],
    };
    expect((await call(first.url, 'POST', '/v1/plans', key, plan)).status).toBe(201);
    const contact = (id: string) => ({ email: `${id}@example.com`, phone: '+1 555 0100' });
    expect((await call(first.url, 'POST', '/v1/accounts', key, { id: 'owner', name: 'owner', currency: 'USD', contact: contact('owner') })).status).toBe(201);
    expect((await call(first.url, 'POST', '/v1/accounts/owner/plan-instances', key, { planId: 'data' })).status).toBe(201);
    expect((await call(first.url, 'PUT', '/v1/accounts/owner/usage-pools/gb', key, {})).status).toBe(200);
    expect((await call(first.url, 'POST', '/v1/clock/advance', key, { to: '2024-01-02' })).status).toBe(200);
    const members = Array.from({ length: MEMBERS }, (_, i) => `m${String(i).padStart(3, '0')}`);
    for (const id of members) {
      expect((await call(first.url, 'POST', '/v1/accounts', key, { id, name: id, currency: 'USD', contact: contact(id), parentAccountId: 'owner' })).status).toBe(201);
      expect((await call(first.url, 'POST', `/v1/accounts/${id}/plan-instances`, key, { planId: 'data' })).status).toBe(201);
    }
    const records = members.map((accountId, i) => ({ accountId, serviceId: 'gb', quantity: `${(i % 3) + 1}`, occurredAt: '2024-01-02', idempotencyKey: `u${i}` }));
    expect((await call(first.url, 'POST', '/v1/usage/batch', key, { records })).status).toBe(200);
    await expect(call(first.url, 'POST', '/v1/clock/advance', key, { to: '2024-02-01' })).rejects.toThrow();
    expect((await first.exited).signal).toBe('SIGKILL');
    const atCrash = await poolEvents(dataDir, tenant.body.id);
    expect(atCrash).not.toContain('PoolRatingPosted');
    expect(atCrash.filter((type) => type === 'PoolRated').length).toBeGreaterThanOrEqual(1);

    const second = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    expect((await call(second.url, 'POST', '/v1/clock/advance', key, { to: '2024-02-05' })).status).toBe(200);
    let total = 0;
    for (const id of members) {
      const pooled = (await call(second.url, 'GET', `/v1/accounts/${id}/invoices`, key)).body.items.filter((i: { planInstanceId: string }) => i.planInstanceId === 'pool:owner:gb');
      expect(pooled).toHaveLength(1);
      total += pooled[0].total;
    }
    const pools = await call(second.url, 'GET', '/v1/accounts/owner/usage-pools', key);
    await stop(second);

    // 1,002 GB: 100 × 2.00 + 902 × 1.00 = 1,102.00, all of it allocated to the members (the owner used nothing).
    expect(pools.body.items[0].ratings).toEqual([{ periodStart: '2024-01-01', periodEnd: '2024-01-31', totalQuantity: '1002', amount: 110200, memberCount: MEMBERS, status: 'posted' }]);
    expect(total).toBe(110200);
    expect(await poolEvents(dataDir, tenant.body.id)).toEqual(['UsagePoolSet', 'PoolRated', 'PoolRated', 'PoolRatingPosted']);
  }, 300_000);
});
