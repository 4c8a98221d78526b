import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'parked-admin-key';

async function sandboxTenant(server: ServerProcess, name: string): Promise<{ id: string; key: string }> {
  const created = await call(server.url, 'POST', '/v1/tenants', ADMIN, { name, sandbox: true, businessDate: '2019-02-10' });
  expect(created.status).toBe(201);
  return { id: created.body.id, key: created.body.apiKey };
}

/**
 * Issue 15, Must have 1, over real HTTP and a real restart: one tenant's event that a consumer cannot handle
 * (BILLING_FAULT=poison-entity:<id> makes every consumer throw on that account's events, as the 9999-12-30
 * reminder date once did) is parked; other tenants' work and clocks go on; the tenant's own advance says why
 * it cannot settle; operators see it on /health and the admin API, and a retry after the fix handles it.
 */
describe('A parked event stops one tenant, not the others', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'parked-'));
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('parks, shows, refuses the tenant’s advance with the reason, lets other tenants advance, and is handled by a retry after the fix', async () => {
    // A long back-off: only operators' retries happen in this test.
    const env = { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN, PARKED_RETRY_BASE_MS: '600000' };
    server = await startServerProcess('all-in-one', { ...env, BILLING_FAULT: 'poison-entity:poison' });
    const bad = await sandboxTenant(server, 'Bad data');
    const good = await sandboxTenant(server, 'Good data');
    expect((await call(server.url, 'POST', '/v1/accounts', bad.key, { id: 'poison', name: 'P', currency: 'USD' })).status).toBe(201);
    expect((await call(server.url, 'POST', '/v1/accounts', good.key, { id: 'fine', name: 'F', currency: 'USD', email: 'f@example.com' })).status).toBe(201);

    // Seen by operators: /health degraded, the admin API lists each consumer's parked event (not to tenants).
    const health = await call(server.url, 'GET', '/health', '');
    expect(health.body).toMatchObject({ status: 'degraded' });
    expect(health.body.parkedEvents).toBeGreaterThanOrEqual(2);
    const listed = await call(server.url, 'GET', `/v1/admin/parked-events?tenantId=${bad.id}`, ADMIN);
    expect(listed.status).toBe(200);
    const consumers = listed.body.items.map((p: { consumer: string }) => p.consumer);
    expect(consumers).toEqual(expect.arrayContaining(['accounts', 'contact-reminders']));
    for (const parked of listed.body.items) {
      expect(parked).toMatchObject({ tenantId: bad.id, eventType: 'AccountCreated', attempts: 1, streamName: expect.stringMatching(/\.poison$/) });
      expect(parked.error).toMatch(/injected failure/);
    }
    expect((await call(server.url, 'GET', '/v1/admin/parked-events', bad.key)).status).toBe(403);
    expect((await call(server.url, 'GET', '/v1/accounts/poison', bad.key)).status).toBe(404); // waits behind its parked event

    // The other tenant's clock is not held back; the bad tenant's advance answers at once with the reason.
    const started = Date.now();
    const advanced = await call(server.url, 'POST', '/v1/clock/advance', good.key, { to: '2019-03-12' });
    const goodAdvanceMs = Date.now() - started;
    expect(advanced.status).toBe(200);
    expect(advanced.body).toMatchObject({ businessDate: '2019-03-12', days: 30 });
    expect(goodAdvanceMs).toBeLessThan(30_000);
    const refused = await call(server.url, 'POST', '/v1/clock/advance', bad.key, { to: '2019-02-11' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/could not handle AccountCreated at log position \d+ of this tenant \(injected failure/);
    expect(refused.body.message).toMatch(new RegExp(`POST /v1/admin/parked-events/[a-z-]+/${bad.id}/retry`));
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'to', rule: 'noParkedEvents' })]);

    // A retry while the cause is still there: still parked, one more attempt, the error kept.
    const again = await call(server.url, 'POST', `/v1/admin/parked-events/contact-reminders/${bad.id}/retry`, ADMIN);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'stillParked', parked: { attempts: 2, error: expect.stringMatching(/injected failure/) } });
    expect((await call(server.url, 'POST', `/v1/admin/parked-events/contact-reminders/nobody/retry`, ADMIN)).status).toBe(404);

    // The fix (a restart without the fault): parked events are still there, and each retry handles its event.
    server.child.kill('SIGTERM');
    await server.exited;
    server = await startServerProcess('all-in-one', env);
    expect((await call(server.url, 'GET', '/health', '')).body.status).toBe('degraded');
    for (const consumer of consumers) {
      const retried = await call(server.url, 'POST', `/v1/admin/parked-events/${consumer}/${bad.id}/retry`, ADMIN);
      expect(retried.body).toEqual({ outcome: 'handled', consumer, tenantId: bad.id });
    }
    expect((await call(server.url, 'GET', '/health', '')).body).toMatchObject({ status: 'ok', parkedEvents: 0 });
    expect((await call(server.url, 'GET', '/v1/accounts/poison', bad.key)).status).toBe(200);
    const resumed = await call(server.url, 'POST', '/v1/clock/advance', bad.key, { to: '2019-02-18' });
    expect(resumed.status).toBe(200);
    // The reminder the contact-reminders process manager now scheduled (no email, no phone) was sent on the 17th.
    const history = await call(server.url, 'GET', '/v1/accounts/poison/history', bad.key);
    expect(JSON.stringify(history.body)).toMatch(/AccountContactReminderSent/);
  }, 120_000);
});
