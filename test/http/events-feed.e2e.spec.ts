import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { isPublished } from '../../libs/notifications/domain';
import { startTestApp, TestApp } from '../support/test-app';

interface FeedItem {
  id: string;
  type: string;
  code?: number;
  tenantId: string;
  occurredAt: string;
  businessDate: string;
  position: number;
  data: Record<string, unknown>;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('GET /v1/events (the tenant event feed)', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherKey: string;
  let receiver: Server;
  const delivered: string[] = [];
  const feed = (query = '', headers: Record<string, string> = {}) => t.request('GET', `/v1/events${query}`, { key, headers });
  const log = () => t.app.get<EventStore>(EVENT_STORE);

  /** Every page from `after` on, `limit` at a time, following nextAfter until hasMore is false. */
  async function readAll(query: string, after = 0): Promise<{ items: FeedItem[]; pages: number; last: number }> {
    const items: FeedItem[] = [];
    let pages = 0;
    for (;;) {
      const page = await feed(`?after=${after}${query}`);
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      pages += 1;
      after = page.body.nextAfter;
      if (!page.body.hasMore) return { items, pages, last: after };
    }
  }

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        delivered.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Feed', sandbox: true, businessDate: '2026-11-22' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other', sandbox: true, businessDate: '2026-11-22' }));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect((await t.request('POST', '/v1/webhook-endpoints', { key, body: { url } })).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      expect((await t.request('POST', '/v1/accounts', { key, body: { id: `acc-${i}`, name: `Account ${i}`, currency: 'USD' } })).status).toBe(201);
      expect((await t.request('POST', '/v1/accounts', { key: otherKey, body: { id: `acc-${i}`, name: `Theirs ${i}`, currency: 'USD' } })).status).toBe(201);
    }
    const contact = await t.request('PATCH', '/v1/accounts/acc-1/contact', { key, body: { email: 'ada@example.com' } });
    expect([200, 201, 404]).toContain(contact.status);
    await t.settledHead();
  });

  afterAll(async () => {
    await t.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("lists the tenant's published events in log order, exactly as webhooks deliver them", async () => {
    const { items } = await readAll('&limit=1000');
    expect(items.length).toBeGreaterThanOrEqual(5);
    expect(items.filter((item) => item.type === 'AccountCreated').map((item) => item.data.accountId)).toEqual(['acc-0', 'acc-1', 'acc-2', 'acc-3', 'acc-4']);
    expect(items.every((item) => item.tenantId === tenantId && isPublished(item.type))).toBe(true);
    const positions = items.map((item) => item.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['businessDate', 'data', 'id', 'occurredAt', 'position', 'tenantId', 'type']);

    // The webhook receiver got the same bodies, byte for byte once parsed.
    await until('every feed event delivered', () => items.every((item) => delivered.some((body) => JSON.parse(body).id === item.id)));
    const byId = new Map(delivered.map((body) => [JSON.parse(body).id as string, JSON.parse(body)]));
    for (const item of items) expect(item).toEqual(byId.get(item.id));
    // The very text of the body: the same keys in the same order.
    const rawById = new Map(delivered.map((body) => [JSON.parse(body).id as string, body]));
    for (const item of items) expect(JSON.stringify(item)).toBe(rawById.get(item.id));
    expect((await feed()).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('leaves out internal bookkeeping and other tenants, which the log holds', async () => {
    const ours = (await log().readAll({ after: 0, maxCount: 100_000 })).filter((event) => event.metadata.tenantId === tenantId);
    const internal = ours.filter((event) => !isPublished(event.type));
    expect(internal.length).toBeGreaterThan(0); // tenant creation, the API key, the business day, the delivery bookkeeping
    const { items } = await readAll('&limit=1000');
    expect(items.map((item) => item.id)).toEqual(ours.filter((event) => isPublished(event.type)).map((event) => event.id));
    const theirs = await t.request('GET', '/v1/events?limit=1000', { key: otherKey });
    expect(theirs.body.items.filter((item: FeedItem) => item.type === 'AccountCreated').map((item: FeedItem) => item.data.name)).toEqual(
      ['Theirs 0', 'Theirs 1', 'Theirs 2', 'Theirs 3', 'Theirs 4'],
    );
  });

  it('pages with stable cursors: the same after gives the same page, and the pages add up to the whole', async () => {
    const whole = await readAll('&limit=1000');
    const paged = await readAll('&limit=2');
    expect(paged.items.map((item) => item.id)).toEqual(whole.items.map((item) => item.id));
    expect(paged.pages).toBeGreaterThanOrEqual(Math.ceil(whole.items.length / 2));

    const first = await feed('?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.nextAfter).toBe(first.body.items[1].position);
    const again = await feed(`?after=${first.body.nextAfter}&limit=2`);
    const twice = await feed(`?after=${first.body.nextAfter}&limit=2`);
    expect(twice.body).toEqual(again.body);
    expect(again.body.items[0].position).toBeGreaterThan(first.body.nextAfter);

    // The last page says so; reading on from it gives nothing new.
    const end = await feed(`?after=${whole.last}`);
    expect(end.body).toEqual({ items: [], nextAfter: whole.last, hasMore: false });
    // The default page is 100.
    expect((await feed()).body.items.length).toBe(Math.min(100, whole.items.length));
  });

  it('filters by types, comma-separated', async () => {
    const created = await readAll('&types=AccountCreated');
    expect(created.items.map((item) => item.data.accountId)).toEqual(['acc-0', 'acc-1', 'acc-2', 'acc-3', 'acc-4']);
    const both = await readAll('&types=AccountCreated,AccountContactUpdated&limit=3');
    expect(both.items.every((item) => ['AccountCreated', 'AccountContactUpdated'].includes(item.type))).toBe(true);
    expect(both.items.filter((item) => item.type === 'AccountCreated')).toHaveLength(5);
  });

  it('publishes data without secrets (a payment method never shows its gateway token)', async () => {
    const head = await t.settledHead();
    const added = await t.request('POST', '/v1/accounts/acc-0/payment-methods', { key, body: { id: 'card', type: 'card', token: 'tok_approve' } });
    expect(added.status).toBe(201);
    const inLog = (await log().readAll({ after: head })).find((event) => event.type === 'PaymentMethodAdded');
    expect(inLog?.data.token).toBe('tok_approve');

    const page = await feed(`?after=${head}&types=PaymentMethodAdded`);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].data).toMatchObject({ accountId: 'acc-0', paymentMethodId: 'card' });
    expect(page.body.items[0].data).not.toHaveProperty('token');
    expect(JSON.stringify(page.body)).not.toContain('tok_approve');
  });

  it('honours X-Min-Position: read-your-writes, and 409 beyond the head', async () => {
    const created = await t.request('POST', '/v1/accounts', { key, body: { id: 'acc-ryw', name: 'Just now', currency: 'USD' } });
    const position = Number(created.headers.get('x-log-position'));
    const page = await feed(`?after=${position - 1}&types=AccountCreated`, { 'X-Min-Position': String(position) });
    expect(page.status).toBe(200);
    expect(page.body.items.map((item: FeedItem) => item.data.accountId)).toEqual(['acc-ryw']);

    const beyond = await feed('', { 'X-Min-Position': String(position + 1_000_000) });
    expect(beyond.status).toBe(409);
    expect(beyond.body.details[0]).toMatchObject({ field: 'X-Min-Position', rule: 'logHead' });
  });

  it('refuses bad input with the parameter and the rule, writing nothing', async () => {
    const rule = async (query: string, status = 400) => {
      const response = await feed(query);
      expect(response.status).toBe(status);
      return response.body.details.map((d: { field: string; rule: string }) => `${d.field}:${d.rule}`).join(' ');
    };
    const head = await t.settledHead();
    expect(await rule('?after=-1')).toBe('after:nonNegativeInteger');
    expect(await rule('?after=abc')).toBe('after:nonNegativeInteger');
    expect(await rule('?after=1.5')).toBe('after:nonNegativeInteger');
    expect(await rule('?after=1&after=2')).toBe('after:single');
    expect(await rule('?limit=0')).toBe('limit:range');
    expect(await rule('?limit=1001')).toBe('limit:range');
    expect(await rule('?limit=ten')).toBe('limit:range');
    expect(await rule('?types=AccountCreated,NoSuchEvent')).toBe('types:knownEventType');
    expect(await rule('?types=')).toBe('types:knownEventType');
    // Internal events exist in the log but are not published: as unknown to the feed.
    expect(await rule('?types=BusinessDayStarted')).toBe('types:knownEventType');
    const unknown = await feed('?types=NoSuchEvent');
    expect(unknown.body.message).toContain('GET /v1/webhook-events');
    expect(unknown.body.message).toContain('NoSuchEvent');
    expect(await rule(`?after=${head + 1000}`, 409)).toBe('after:logHead');
    expect(await rule('?from=3')).toBe('from:unknownParameter');
    // Nothing written by these requests. The webhook deliverer may record an attempt for an earlier test's events
    // meanwhile (it runs on its own time), so only its bookkeeping may follow the head.
    await t.settledHead();
    const since = await t.app.get<EventStore>(EVENT_STORE).readAll({ after: head, maxCount: 100 });
    expect(since.map((event) => event.type).filter((type) => !type.startsWith('WebhookDelivery'))).toEqual([]);
  });

  it('is in the OpenAPI document with its parameters', async () => {
    const openapi = (await t.request('GET', '/openapi.json')).body;
    const names = openapi.paths['/v1/events'].get.parameters.map((parameter: { name: string }) => parameter.name);
    expect(names).toEqual(expect.arrayContaining(['after', 'types', 'limit']));
  });

  it('answers 401 without a key', async () => {
    expect((await t.request('GET', '/v1/events', { key: null })).status).toBe(401);
  });
});
