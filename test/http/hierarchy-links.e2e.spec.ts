import { hierarchyStream } from '../../libs/accounts/domain/hierarchy.decider';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { startTestApp, TestApp } from '../support/test-app';

describe('Hierarchy links over HTTP (PUT /v1/accounts/{id}/parent)', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let log: EventStore;
  const create = (id: string, extra: Record<string, unknown> = {}) =>
    t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency: 'USD', email: `${id}@example.com`, contact: { phone: '+1 555' }, ...extra } });
  const parentOf = (id: string, parentAccountId: string | null) => t.request('PUT', `/v1/accounts/${id}/parent`, { key, body: { parentAccountId } });

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Hierarchy', sandbox: true, businessDate: '2019-02-10' }));
    log = t.app.get(EVENT_STORE);
    for (const id of ['corp', 'dept-a', 'dept-b', 'team-1', 'acquirer']) await create(id);
  });
  afterAll(() => t.close());

  it('links, moves and detaches an account; the account shows its parent; every change is kept with its date', async () => {
    const linked = await parentOf('dept-a', 'corp');
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ id: 'dept-a', parentAccountId: 'corp' });
    expect((await t.request('GET', '/v1/accounts/dept-a', { key })).body.parentAccountId).toBe('corp');

    expect((await parentOf('team-1', 'dept-a')).status).toBe(200);
    expect((await parentOf('dept-a', 'acquirer')).body.parentAccountId).toBe('acquirer'); // an acquisition
    expect((await parentOf('dept-a', null)).body.parentAccountId).toBeNull(); // a divestment
    expect((await t.request('GET', '/v1/accounts/dept-a', { key })).body.parentAccountId).toBeNull();

    const links = (await log.readStream(hierarchyStream(tenantId))).filter((e) => e.data.accountId === 'dept-a');
    expect(links.map((e) => [e.type, e.data.parentAccountId ?? null, e.data.previousParentAccountId, e.data.effectiveDate])).toEqual([
      ['AccountParented', 'corp', null, '2019-02-10'],
      ['AccountParented', 'acquirer', 'corp', '2019-02-10'],
      ['AccountDetached', null, 'acquirer', '2019-02-10'],
    ]);
    expect(links.every((e) => e.metadata.tenantId === tenantId)).toBe(true);

    const before = await t.settledHead();
    expect((await parentOf('dept-a', null)).status).toBe(200); // already a root: nothing to write
    expect(await t.settledHead()).toBe(before);
  });

  it('refuses a cycle (also self-parenting) with 409, writing nothing', async () => {
    await parentOf('dept-b', 'corp');
    await parentOf('team-1', 'dept-b');
    const before = await t.settledHead();
    const cycle = await parentOf('corp', 'team-1');
    expect(cycle.status).toBe(409);
    expect(cycle.body.message).toBe('Linking corp under team-1 would make a cycle: corp → team-1 → dept-b → corp');
    expect(cycle.body.details[0]).toMatchObject({ field: 'parentAccountId', rule: 'noCycle' });
    expect((await parentOf('corp', 'corp')).status).toBe(409);
    expect(await t.settledHead()).toBe(before);
  });

  it('lets exactly one of two racing links that would together make a cycle succeed', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = [`race-a${round}`, `race-b${round}`];
      await create(a);
      await create(b);
      const answers = await Promise.all([parentOf(a, b), parentOf(b, a)]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    }
  });

  it('links many accounts at once under one parent without conflicts (a bulk load of a corporate tree)', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `bulk-${i}`);
    for (const id of ids) await create(id);
    const answers = await Promise.all(ids.map((id) => parentOf(id, 'corp')));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
  });

  it('refuses unknown accounts and bad bodies, writing nothing', async () => {
    const before = await t.settledHead();
    const unknownParent = await parentOf('dept-b', 'nobody');
    expect(unknownParent.status).toBe(422);
    expect(unknownParent.body.details[0]).toMatchObject({ field: 'parentAccountId', rule: 'accountExists' });
    expect((await parentOf('nobody', 'corp')).status).toBe(404);
    for (const body of [{}, { parentAccountId: 42 }, { parentAccountId: 'a b' }, { parentAccountId: 'corp', extra: 1 }]) {
      const bad = await t.request('PUT', '/v1/accounts/dept-b/parent', { key, body });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: any) => d.field)).toContainEqual(expect.stringMatching(/parentAccountId|extra/));
    }
    const other = await t.createTenant({ name: 'Other' });
    expect((await t.request('PUT', '/v1/accounts/corp/parent', { key: other.apiKey, body: { parentAccountId: null } })).status).toBe(404);
    expect((await log.readStream(hierarchyStream(tenantId))).filter((e) => e.position > before)).toEqual([]);
  });

  it('creates an account under a parent in one request, and refuses an unknown parent before creating anything', async () => {
    const created = await create('team-2', { parentAccountId: 'dept-b' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'team-2', parentAccountId: 'dept-b' });
    expect((await t.request('GET', '/v1/accounts/team-2', { key })).body.parentAccountId).toBe('dept-b');
    const orphan = await create('orphan', { parentAccountId: 'nobody' });
    expect(orphan.status).toBe(422);
    expect((await t.request('GET', '/v1/accounts/orphan', { key })).status).toBe(404);
  });
});
