import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { startTestApp, TestApp } from '../support/test-app';

interface Received {
  eventId: string;
  position: string;
  signatureOk: boolean;
  body: { id: string; type: string; tenantId: string; position: number; data: Record<string, unknown> };
  at: number;
}

/** A real receiver: checks every signature with the secret it was given once, and answers what `answer` says. */
async function receiver(answer: (received: Received, count: number) => number | 'hang') {
  const received: Received[] = [];
  const secret = { value: '' };
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = String(request.headers['billing-signature'] ?? '');
      const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=', 2)));
      const expected = createHmac('sha256', secret.value).update(`${t}.${raw}`).digest();
      const given = Buffer.from(v1 ?? '', 'hex');
      const item: Received = {
        eventId: String(request.headers['billing-event-id']),
        position: String(request.headers['billing-event-position']),
        signatureOk: given.length === expected.length && timingSafeEqual(given, expected),
        body: JSON.parse(raw),
        at: Date.now(),
      };
      received.push(item);
      const status = answer(item, received.filter((r) => r.eventId === item.eventId).length);
      if (status === 'hang') return void hanging.push(response);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'x'.repeat(800) : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const close = async () => {
    hanging.forEach((response) => response.destroy());
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { received, secret, url, close };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Webhooks over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  const post = (route: string, body: unknown = {}) => t.request('POST', route, { key, body });
  const get = async (route: string) => (await t.request('GET', route, { key })).body;

  const deliveryTimers = async (endpointId: string) =>
    (await t.app.get<EventStore>(EVENT_STORE).readAll({ after: 0, maxCount: 100_000 })).filter(
      (e) => e.type === 'TimerScheduled' && (e.data.command as { type: string }).type === 'DeliverWebhook' && (e.data.command as { data: { endpointId: string } }).data.endpointId === endpointId,
    );

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_RETRY_BASE_MS: '40', WEBHOOK_TIMEOUT_MS: '6000' } });
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Hooks', sandbox: true, businessDate: '2019-02-10' }));
  });
  afterAll(() => t.close());

  it('lists the published events, without internal bookkeeping', async () => {
    const types = (await get('/v1/webhook-events')).items.map((entry: { type: string }) => entry.type);
    expect(types).toEqual(expect.arrayContaining(['AccountCreated', 'PlanInstanceBilled', 'PaymentRecorded', 'PaymentMethodAdded', 'WebhookEndpointDisabled']));
    for (const internal of ['TimerScheduled', 'BusinessDayStarted', 'ReceivablePosted', 'CreditApplied', 'WebhookDeliveryAttempted']) expect(types).not.toContain(internal);
  });

  it('refuses bad endpoints with the field and the rule', async () => {
    const rule = async (body: unknown) => {
      const response = await post('/v1/webhook-endpoints', body);
      expect(response.status).toBe(400);
      return response.body.details.map((d: { field: string; rule: string }) => `${d.field}:${d.rule}`);
    };
    expect(await rule({ url: 'ftp://example.com/x' })).toEqual(['url:httpUrl']);
    expect(await rule({ url: `https://example.com/${'a'.repeat(2100)}` })).toEqual(['url:maxLength']);
    expect(await rule({ url: 'not a url' })).toEqual(['url:url']);
    expect(await rule({ url: 'https://example.com', events: ['AccountCreated', 'TimerFired'] })).toEqual(['events[1]:knownEventType']);
    expect(await rule({ url: 'https://example.com', events: 'AccountCreated' })).toEqual(['events:eventList']);
    expect(await rule({ url: 'https://example.com', extra: 1 })).toEqual(['extra:unknownField']);
  });

  it("refuses a production tenant's private, loopback or link-local URL, and takes a public one", async () => {
    const production = await t.createTenant({ name: 'Prod' });
    for (const url of ['http://localhost:8080/x', 'http://127.0.0.1/x', 'http://10.1.2.3/x', 'http://192.168.0.5/x', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://[fe80::1]/x']) {
      const response = await t.request('POST', '/v1/webhook-endpoints', { key: production.apiKey, body: { url } });
      expect({ url, status: response.status, details: response.body.details }).toEqual({ url, status: 400, details: [expect.objectContaining({ field: 'url', rule: 'publicUrl' })] });
    }
    const ok = await t.request('POST', '/v1/webhook-endpoints', { key: production.apiKey, body: { url: 'https://hooks.example.com/billing' } });
    expect(ok.status).toBe(201);
  });

  it('delivers every event signed, retries failures with the same event id, logs every attempt, and a dead endpoint does not delay a live one', async () => {
    const live = await receiver((_, count) => (count <= 2 ? 500 : 204)); // two failures per event, then delivered
    const dead = await receiver(() => 'hang'); // never answers: every attempt times out
    const created = await post('/v1/webhook-endpoints', { url: live.url, events: ['AccountCreated', 'AccountContactUpdated'], description: 'live' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^we_/), url: live.url, events: ['AccountCreated', 'AccountContactUpdated'], status: 'enabled', description: 'live', secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/) });
    live.secret.value = created.body.secret;
    const deadEndpoint = await post('/v1/webhook-endpoints', { url: dead.url });
    dead.secret.value = deadEndpoint.body.secret;
    const endpointId = created.body.id;
    // The secret is never shown again, nor stored in clear in the log.
    expect(JSON.stringify(await get(`/v1/webhook-endpoints/${endpointId}`))).not.toContain('whsec_');
    expect(JSON.stringify(await get('/v1/webhook-endpoints'))).not.toContain(created.body.secret);
    const log = await t.app.get<EventStore>(EVENT_STORE).readAll({ after: 0, maxCount: 100_000 });
    expect(JSON.stringify(log)).not.toContain(created.body.secret.slice(6));

    const started = Date.now();
    for (const id of ['w1', 'w2', 'w3']) expect((await post('/v1/accounts', { id, name: id, currency: 'USD' })).status).toBe(201);
    expect((await t.request('PATCH', '/v1/accounts/w1/contact', { key, body: { firstName: 'Ada' } })).status).toBe(200);

    const delivered = await until('the live endpoint got every event', () => {
      const ok = new Set(live.received.filter((r) => r.signatureOk && r.body.type !== undefined).map((r) => r.eventId));
      return ok.size === 4 && live.received.length >= 12 && ok;
    });
    const liveDone = Date.now() - started;
    expect(live.received.every((r) => r.signatureOk)).toBe(true);
    for (const r of live.received) {
      expect(r.body.id).toBe(r.eventId);
      expect(String(r.body.position)).toBe(r.position);
      expect(r.body.tenantId).toBe(tenantId);
    }
    expect(live.received.map((r) => r.body.type).sort()).toEqual([...Array(3).fill('AccountContactUpdated'), ...Array(9).fill('AccountCreated')]);
    // The dead endpoint holds every one of its attempts for the whole 6 s timeout; the live one was done before the
    // first of them even timed out: nothing of the live endpoint's waited for the dead one.
    expect(dead.received.length).toBeGreaterThanOrEqual(1);
    expect(liveDone).toBeLessThan(6_000); // the dead endpoint's timeout: generous, so a loaded machine does not flake it
    expect((await get(`/v1/webhook-endpoints/${deadEndpoint.body.id}/deliveries`)).items.every((d: { attempts: unknown[] }) => d.attempts.length === 0)).toBe(true);

    const deliveryLog = await until('the delivery log shows every attempt', async () => {
      const page = await get(`/v1/webhook-endpoints/${endpointId}/deliveries`);
      return page.items.length === 4 && page.items.every((d: { status: string }) => d.status === 'delivered') && page;
    });
    expect(new Set(deliveryLog.items.map((d: { eventId: string }) => d.eventId))).toEqual(delivered);
    for (const item of deliveryLog.items) {
      expect(item.attempts.map((a: { attempt: number; ok: boolean; status: number }) => [a.attempt, a.ok, a.status])).toEqual([[3, true, 204], [2, false, 500], [1, false, 500]]);
      expect(item.attempts[2].responseSnippet).toHaveLength(500);
      expect(item.attempts[0].durationMs).toEqual(expect.any(Number));
    }
    // A published event's request arms no durable timer (the process that made it resumes it at start-up); a day later
    // nothing delivered is sent again.
    expect(await deliveryTimers(endpointId)).toHaveLength(0);
    const before = live.received.length;
    expect((await post('/v1/clock/advance', { to: '2019-02-11' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(live.received.length).toBe(before);
    await dead.close();
    await live.close();
  });

  it('rotates the secret, redelivers chosen events, and disables an endpoint failing for three days', async () => {
    const hook = await receiver(() => 200);
    const created = await post('/v1/webhook-endpoints', { url: hook.url, events: ['AccountCreated'] });
    const endpointId = created.body.id;
    const rotated = await post(`/v1/webhook-endpoints/${endpointId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    hook.secret.value = rotated.body.secret;
    expect((await post('/v1/accounts', { id: 'r1', name: 'r1', currency: 'USD' })).status).toBe(201);
    const [first] = await until('r1 delivered', () => hook.received.length >= 1 && hook.received);
    expect(first.signatureOk).toBe(true);

    const again = await post(`/v1/webhook-endpoints/${endpointId}/redeliver`, { eventIds: [first.eventId] });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ requested: 1, eventIds: [first.eventId] });
    await until('redelivered', () => hook.received.length >= 2);
    // A redeliver may be asked of a command API alone: its request arms the durable timer, the safety net if that process dies.
    expect(await deliveryTimers(endpointId)).toHaveLength(1);
    expect(hook.received[1].eventId).toBe(first.eventId);
    expect((await post(`/v1/webhook-endpoints/${endpointId}/redeliver`, { eventIds: ['nope'] })).status).toBe(422);
    expect((await post(`/v1/webhook-endpoints/${endpointId}/redeliver`, {})).body.details[0]).toMatchObject({ field: 'eventIds', rule: 'oneOf' });
    const since = await post(`/v1/webhook-endpoints/${endpointId}/redeliver`, { since: '2000-01-01' });
    expect(since.body.requested).toBe(4); // every AccountCreated of the tenant (w1-w3, r1), also from before the endpoint

    // Where the tenant is told; a malformed address is refused.
    expect((await t.request('PUT', '/v1/notification-settings', { key, body: { email: 'nope' } })).body.details[0]).toMatchObject({ field: 'email', rule: 'email' });
    expect(await get('/v1/notification-settings')).toEqual({ email: null });
    expect((await t.request('PUT', '/v1/notification-settings', { key, body: { email: 'ops@hooks.test' } })).body).toEqual({ email: 'ops@hooks.test' });
    expect(await get('/v1/notification-settings')).toEqual({ email: 'ops@hooks.test' });

    // Failing: after three days (the clock moved) the delivery is abandoned and the endpoint disabled, with an event.
    await hook.close();
    expect((await post('/v1/accounts', { id: 'r2', name: 'r2', currency: 'USD' })).status).toBe(201);
    await until('a failed attempt', async () => (await get(`/v1/webhook-endpoints/${endpointId}/deliveries`)).items.some((d: { status: string; attempts: unknown[] }) => d.status === 'pending' && d.attempts.length > 0));
    t.clock.set(new Date(t.clock.now().getTime() + 3 * 24 * 3600 * 1000 + 1000));
    const disabled = await until('disabled', async () => {
      const endpoint = await get(`/v1/webhook-endpoints/${endpointId}`);
      return endpoint.status === 'disabled' && endpoint;
    });
    expect(disabled.disabledReason).toMatch(/three days/);
    // The tenant is told: the event (published), and an email to its notification address (kept: a sandbox tenant).
    const log = await t.app.get<EventStore>(EVENT_STORE).readAll({ after: 0, maxCount: 100_000 });
    expect(log.filter((e) => e.type === 'WebhookEndpointDisabled' && e.data.endpointId === endpointId).map((e) => e.data.reason)).toEqual(['failing']);
    // (The earlier test's dead endpoint fails for three days too: one email per endpoint.)
    const told = await until('the tenant emailed', async () =>
      (await get('/v1/emails')).items.find((e: { notice: string; subject: string }) => e.notice === 'webhookEndpointDisabled' && e.subject.includes(endpointId)),
    );
    expect(told).toMatchObject({ to: 'ops@hooks.test', status: 'kept', accountId: null, subject: `Webhook endpoint ${endpointId} was disabled`, text: expect.stringContaining('deliveries failed for three days') });
    expect((await post(`/v1/webhook-endpoints/${endpointId}/enable`)).body.status).toBe('enabled');
    expect((await post(`/v1/webhook-endpoints/${endpointId}/disable`)).body.status).toBe('disabled');
    expect((await t.request('DELETE', `/v1/webhook-endpoints/${endpointId}`, { key })).body).toEqual({ id: endpointId, status: 'deleted' });
    expect((await t.request('GET', `/v1/webhook-endpoints/${endpointId}`, { key })).status).toBe(404);
    expect((await t.request('DELETE', `/v1/webhook-endpoints/${endpointId}`, { key })).status).toBe(404);
  });
});
