import { Controller, Get, Module } from '@nestjs/common';
import { ACCOUNTS } from '../../libs/accounts/read-model/accounts.projection';
import { allProjectors, allProcessManagers } from '../../apps/contexts';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { createEventStore } from '../../libs/platform/event-store';
import { createReadStore } from '../../libs/platform/read-store';
import { rmSync } from 'node:fs';
import { startTestApp, TestApp } from '../support/test-app';

@Controller('v1/test-failure')
class FailingController {
  @Get()
  fail(): never {
    throw new Error('secret internals at /srv/app/db.ts:42');
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

describe('Operations over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ modules: [FailingModule] });
  });
  afterAll(() => t.close());

  it('answers /health without a key, with the log position and each read model position', async () => {
    const { apiKey } = await t.createTenant({ name: 'H' });
    await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'h1', name: 'H', currency: 'USD' } });
    const head = await t.settledHead();
    const health = await t.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'ok',
      logPosition: head,
      parkedEvents: 0,
      failedBillings: 0,
      projections: {
        tenants: head,
        accounts: head,
        timers: head,
        'payment-responsibilities': head,
        plans: head,
        hierarchy: head,
        'account-history': head,
        'price-overrides': head,
        coupons: head,
        'tax-rates': head,
        planInstances: head,
        receivables: head,
        invoices: head,
        'payment-methods': head,
        usage: head,
        statements: head,
        'usage-pools': head,
        'webhook-endpoints': head,
        'webhook-deliveries': head,
        'email-templates': head,
        emails: head,
        'notification-settings': head,
        'dunning-processes': head,
        'dunning-groups': head,
        'dunning-cases': head,
        items: head,
        'installment-terms': head,
        'installment-schedules': head,
        'account-comments': head,
        orders: head,
        'customer-users': head,
      },
      processManagers: Object.fromEntries(allProcessManagers.map((pm) => [pm.name, head])),
    });
  });

  it('answers /health 503 in the error shape, naming the store that does not answer (terminus checks)', async () => {
    const events = t.app.get<EventStore>(EVENT_STORE);
    const head = jest.spyOn(events, 'headPosition').mockRejectedValueOnce(new Error('disk I/O error'));
    try {
      const health = await t.request('GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({
        statusCode: 503,
        message: 'eventStore does not answer: disk I/O error',
        details: [{ field: 'eventStore', rule: 'answers', message: 'eventStore does not answer: disk I/O error' }],
      });
    } finally {
      head.mockRestore();
    }
    expect((await t.request('GET', '/health')).status).toBe(200);
  });

  it('serves the OpenAPI document with the contract routes, and the docs page', async () => {
    const openapi = await t.request('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    const paths = Object.keys(openapi.body.paths);
    for (const route of ['/v1/tenants', '/v1/clock', '/v1/accounts', '/v1/accounts/{id}', '/v1/accounts/{id}/contact', '/v1/accounts/{id}/history', '/v1/usage', '/v1/usage/batch', '/v1/accounts/{id}/usage-pools', '/v1/accounts/{id}/usage-pools/{serviceId}', '/health']) {
      expect(paths).toContain(route);
    }
    expect(openapi.body.components.schemas.CreateAccountDto.required).toEqual(expect.arrayContaining(['name', 'currency']));
    const docs = await t.request('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('swagger');
  });

  it('answers an unexpected failure with 500 and a correlation id, never internals', async () => {
    const { apiKey } = await t.createTenant({ name: 'F' });
    const response = await t.request('GET', '/v1/test-failure', { key: apiKey, headers: { 'x-correlation-id': 'corr-500' } });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal error; quote correlation id corr-500 when reporting it',
      details: [],
      correlationId: 'corr-500',
    });
    expect(JSON.stringify(response.body)).not.toMatch(/secret|\/srv|at /);
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await t.request('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('Graceful shutdown', () => {
  it('finishes in-flight commands and flushes checkpoints before closing the stores', async () => {
    const t = await startTestApp();
    const { apiKey, id: tenantId } = await t.createTenant({ name: 'Shutdown' });
    const log = t.app.get(EVENT_STORE);
    const start = await log.headPosition();
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      t.request('POST', '/v1/accounts', { key: apiKey, body: { id: `sd-${i}`, name: `A${i}`, currency: 'USD' } }),
    );
    // Close (what SIGTERM triggers) once most requests are on open connections and the first command is written.
    const server = t.app.getHttpServer();
    const connections = () => new Promise<number>((resolve) => server.getConnections((_: unknown, n: number) => resolve(n)));
    while ((await connections()) < 30 || (await log.headPosition()) === start) await new Promise((resolve) => setTimeout(resolve, 1));
    const closing = t.close({ keepData: true });
    const answers = await Promise.allSettled(inFlight);
    await closing;

    // A request either was taken before the close and completed (201), or was turned away (503, or the port closed): never a 500.
    const answered = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value.status] : []));
    expect(answered.every((status) => status === 201 || status === 503)).toBe(true);
    const accepted = answered.filter((status) => status === 201).length;
    expect(accepted).toBeGreaterThan(10);
    // Every answered command had reached the read model before its answer (read-your-writes held to the end).
    const events = createEventStore({ kind: 'sqlite', dataDir: t.dataDir });
    const store = createReadStore({ kind: 'sqlite', dataDir: t.dataDir });
    await store.ensureCollections(allProjectors.flatMap((p) => p.collections));
    const answeredIds = answers.flatMap((a) => (a.status === 'fulfilled' && a.value.status === 201 ? [a.value.body.id] : []));
    for (const id of answeredIds) expect(await store.get(ACCOUNTS, tenantId, id)).not.toBeNull();
    await events.close();
    await store.close();

    // Nothing was lost: restarted on the same data, every consumer resumes from its checkpoint and catches up.
    const restarted = await startTestApp({ dataDir: t.dataDir });
    const head = await restarted.settledHead();
    const health = await restarted.request('GET', '/health');
    expect([...Object.values(health.body.projections), ...Object.values(health.body.processManagers)]).toEqual(Array(allProjectors.length + allProcessManagers.length).fill(head));
    const created = (await restarted.app.get(EVENT_STORE).readAll()).filter((e: any) => e.type === 'AccountCreated');
    for (const event of created) expect((await restarted.request('GET', `/v1/accounts/${event.data.accountId}`, { key: apiKey })).status).toBe(200);
    await restarted.close();
    rmSync(t.dataDir, { recursive: true, force: true });
  });
});
