import { HttpResponse, startTestApp, TestApp } from '../support/test-app';

describe('Account hierarchy over HTTP', () => {
  let t: TestApp;
  let key: string;

  const create = async (apiKey: string, id: string) => {
    const response = await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: `Name ${id}`, currency: 'USD' } });
    expect(response.status).toBe(201);
  };
  const setParent = (apiKey: string, id: string, parentAccountId: string | null) =>
    t.request('PUT', `/v1/accounts/${id}/parent`, { key: apiKey, body: { parentAccountId } });
  const link = async (apiKey: string, id: string, parentAccountId: string | null) => {
    const response = await setParent(apiKey, id, parentAccountId);
    expect(response.status).toBe(200);
  };
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });
  const ids = (response: HttpResponse) => (response.body.items ?? response.body).map((item: { id: string }) => item.id);
  /** Every page of a listing, asserting each page is within the limit. */
  const walk = async (route: string, limit: number, apiKey = key) => {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const sep = route.includes('?') ? '&' : '?';
      const page = await get(`${route}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, apiKey);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Acme' }));
    // hq ─┬─ eu ─┬─ de
    //     │      └─ fr ── paris
    //     └─ us
    for (const id of ['hq', 'eu', 'us', 'fr', 'de', 'paris', 'solo']) await create(key, id);
    await link(key, 'eu', 'hq');
    await link(key, 'us', 'hq');
    await link(key, 'fr', 'eu');
    await link(key, 'de', 'eu');
    await link(key, 'paris', 'fr');
    await t.settledHead();
  });
  afterAll(() => t.close());

  describe('the current hierarchy', () => {
    it('lists children sorted by id with names, a page at a time', async () => {
      const children = await get('/v1/accounts/hq/children');
      expect(children.status).toBe(200);
      expect(children.body).toEqual({ items: [{ id: 'eu', name: 'Name eu' }, { id: 'us', name: 'Name us' }] });
      expect(await walk('/v1/accounts/hq/children', 1)).toEqual(children.body.items);
      expect((await get('/v1/accounts/paris/children')).body).toEqual({ items: [] });
    });

    it('lists ancestors nearest first; a root has none', async () => {
      expect((await get('/v1/accounts/paris/ancestors')).body).toEqual([
        { id: 'fr', name: 'Name fr' },
        { id: 'eu', name: 'Name eu' },
        { id: 'hq', name: 'Name hq' },
      ]);
      expect((await get('/v1/accounts/hq/ancestors')).body).toEqual([]);
    });

    it('lists descendants depth first with their parent and relative depth; paging walks each exactly once', async () => {
      const all = await get('/v1/accounts/hq/descendants');
      expect(all.body).toEqual({
        items: [
          { id: 'eu', name: 'Name eu', parentAccountId: 'hq', depth: 1 },
          { id: 'de', name: 'Name de', parentAccountId: 'eu', depth: 2 },
          { id: 'fr', name: 'Name fr', parentAccountId: 'eu', depth: 2 },
          { id: 'paris', name: 'Name paris', parentAccountId: 'fr', depth: 3 },
          { id: 'us', name: 'Name us', parentAccountId: 'hq', depth: 1 },
        ],
      });
      for (const limit of [1, 2, 3]) expect(await walk('/v1/accounts/hq/descendants', limit)).toEqual(all.body.items);
      expect((await get('/v1/accounts/eu/descendants')).body.items.map((d: any) => [d.id, d.depth])).toEqual([
        ['de', 1],
        ['fr', 1],
        ['paris', 2],
      ]);
    });

    it('answers a nested tree down to the asked depth (default 1)', async () => {
      expect((await get('/v1/accounts/hq/hierarchy')).body).toEqual({
        id: 'hq',
        name: 'Name hq',
        children: [
          { id: 'eu', name: 'Name eu', children: [] },
          { id: 'us', name: 'Name us', children: [] },
        ],
      });
      const deep = await get('/v1/accounts/hq/hierarchy?depth=3');
      expect(deep.body.children[0]).toEqual({
        id: 'eu',
        name: 'Name eu',
        children: [
          { id: 'de', name: 'Name de', children: [] },
          { id: 'fr', name: 'Name fr', children: [{ id: 'paris', name: 'Name paris', children: [] }] },
        ],
      });
      expect((await get('/v1/accounts/hq/hierarchy?depth=0')).body).toEqual({ id: 'hq', name: 'Name hq', children: [] });
    });
  });

  describe('changing links', () => {
    it('refuses a cycle (409, also self-parenting), an unknown parent (422) and an unknown account (404)', async () => {
      const cycle = await setParent(key, 'hq', 'paris');
      expect(cycle.status).toBe(409);
      expect(cycle.body.message).toMatch(/cycle/);
      expect((await setParent(key, 'fr', 'fr')).status).toBe(409);
      const unknownParent = await setParent(key, 'fr', 'nobody');
      expect(unknownParent.status).toBe(422);
      expect(unknownParent.body.details[0]).toMatchObject({ field: 'parentAccountId' });
      expect((await setParent(key, 'nobody', 'hq')).status).toBe(404);
      // Nothing moved.
      expect(ids(await get('/v1/accounts/paris/ancestors'))).toEqual(['fr', 'eu', 'hq']);
    });

    it('moves the whole subtree on a re-parent, in every route, and detaches to a root', async () => {
      await create(key, 'm-root');
      await create(key, 'm-a');
      await create(key, 'm-b');
      await create(key, 'm-c');
      await create(key, 'm-new');
      await link(key, 'm-a', 'm-root');
      await link(key, 'm-b', 'm-a');
      await link(key, 'm-c', 'm-b');
      await link(key, 'm-new', 'm-root');

      await link(key, 'm-a', 'm-new'); // m-a brings m-b and m-c along
      expect(ids(await get('/v1/accounts/m-root/children'))).toEqual(['m-new']);
      expect(ids(await get('/v1/accounts/m-new/children'))).toEqual(['m-a']);
      expect(ids(await get('/v1/accounts/m-c/ancestors'))).toEqual(['m-b', 'm-a', 'm-new', 'm-root']);
      expect((await get('/v1/accounts/m-root/descendants')).body.items.map((d: any) => [d.id, d.parentAccountId, d.depth])).toEqual([
        ['m-new', 'm-root', 1],
        ['m-a', 'm-new', 2],
        ['m-b', 'm-a', 3],
        ['m-c', 'm-b', 4],
      ]);
      const tree = (await get('/v1/accounts/m-root/hierarchy?depth=10')).body;
      expect(tree.children[0].children[0].children[0].children[0]).toEqual({ id: 'm-c', name: 'Name m-c', children: [] });

      await link(key, 'm-a', null); // detached: a root with its subtree
      expect(ids(await get('/v1/accounts/m-new/children'))).toEqual([]);
      expect(ids(await get('/v1/accounts/m-c/ancestors'))).toEqual(['m-b', 'm-a']);
      expect(ids(await get('/v1/accounts/m-a/ancestors'))).toEqual([]);
      expect((await get('/v1/accounts/m-root/descendants')).body.items.map((d: any) => d.id)).toEqual(['m-new']);
      expect((await get('/v1/accounts/m-a/descendants')).body.items.map((d: any) => [d.id, d.depth])).toEqual([
        ['m-b', 1],
        ['m-c', 2],
      ]);
    });
  });

  describe('as of a business date', () => {
    let sandbox: string;
    const advance = async (to: string) => {
      const response = await t.request('POST', '/v1/clock/advance', { key: sandbox, body: { to } });
      expect(response.status).toBe(200);
    };

    beforeAll(async () => {
      ({ apiKey: sandbox } = await t.createTenant({ name: 'Sandbox', sandbox: true, businessDate: '2019-02-10' }));
      for (const id of ['a', 'b', 'c', 'kid']) await create(sandbox, id);
      await link(sandbox, 'b', 'a'); // from 2019-02-10
      await link(sandbox, 'kid', 'b');
      await advance('2019-03-01');
      await link(sandbox, 'b', 'c'); // from 2019-03-01, kid along
      await advance('2019-04-01');
      await link(sandbox, 'b', null);
      await link(sandbox, 'b', 'a'); // the same day: the later change holds
      await create(sandbox, 'late'); // created on 2019-04-01
      await link(sandbox, 'late', 'a');
      await t.settledHead();
    });

    it('answers children, ancestors, descendants and the tree as they were', async () => {
      const on = (route: string, date: string) => get(`${route}${route.includes('?') ? '&' : '?'}asOf=${date}`, sandbox);
      expect((await on('/v1/accounts/a/children', '2019-02-10')).body).toEqual({ items: [{ id: 'b', name: 'Name b' }] });
      expect(ids(await on('/v1/accounts/a/children', '2019-02-28'))).toEqual(['b']);
      expect(ids(await on('/v1/accounts/a/children', '2019-03-01'))).toEqual([]);
      expect(ids(await on('/v1/accounts/c/children', '2019-03-31'))).toEqual(['b']);
      expect(ids(await on('/v1/accounts/a/children', '2019-04-01'))).toEqual(['b', 'late']);
      expect(ids(await on('/v1/accounts/c/children', '2019-04-01'))).toEqual([]);

      expect((await on('/v1/accounts/kid/ancestors', '2019-02-15')).body).toEqual([
        { id: 'b', name: 'Name b' },
        { id: 'a', name: 'Name a' },
      ]);
      expect(ids(await on('/v1/accounts/kid/ancestors', '2019-03-15'))).toEqual(['b', 'c']);
      expect(ids(await on('/v1/accounts/kid/ancestors', '2019-04-01'))).toEqual(['b', 'a']);
      expect(ids(await on('/v1/accounts/c/ancestors', '2019-03-15'))).toEqual([]); // never linked: a root
      expect(ids(await on('/v1/accounts/b/ancestors', '2019-04-01'))).toEqual(['a']);

      expect((await on('/v1/accounts/c/descendants', '2019-03-15')).body).toEqual({
        items: [
          { id: 'b', name: 'Name b', parentAccountId: 'c', depth: 1 },
          { id: 'kid', name: 'Name kid', parentAccountId: 'b', depth: 2 },
        ],
      });
      expect(await walk('/v1/accounts/a/descendants?asOf=2019-04-01', 1, sandbox)).toEqual([
        { id: 'b', name: 'Name b', parentAccountId: 'a', depth: 1 },
        { id: 'kid', name: 'Name kid', parentAccountId: 'b', depth: 2 },
        { id: 'late', name: 'Name late', parentAccountId: 'a', depth: 1 },
      ]);
      expect((await on('/v1/accounts/a/descendants', '2019-03-15')).body).toEqual({ items: [] });

      expect((await on('/v1/accounts/c/hierarchy?depth=2', '2019-03-15')).body).toEqual({
        id: 'c',
        name: 'Name c',
        children: [{ id: 'b', name: 'Name b', children: [{ id: 'kid', name: 'Name kid', children: [] }] }],
      });
      // Today's view agrees with the latest date.
      expect(ids(await get('/v1/accounts/a/children', sandbox))).toEqual(['b', 'late']);
    });

    it('answers 404 for an account that did not exist yet on the date', async () => {
      for (const route of ['children', 'ancestors', 'descendants', 'hierarchy']) {
        expect((await get(`/v1/accounts/late/${route}?asOf=2019-03-31`, sandbox)).status).toBe(404);
        expect((await get(`/v1/accounts/late/${route}?asOf=2019-04-01`, sandbox)).status).toBe(200);
      }
    });
  });

  it("answers 404 for an unknown account and for another tenant's accounts", async () => {
    const { apiKey: other } = await t.createTenant({ name: 'Other' });
    for (const route of ['children', 'ancestors', 'descendants', 'hierarchy']) {
      expect((await get(`/v1/accounts/nobody/${route}`)).status).toBe(404);
      expect((await get(`/v1/accounts/hq/${route}`, other)).status).toBe(404);
    }
  });

  it('refuses bad query parameters with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/v1/accounts/hq/children?limit=0', 'limit'],
      ['/v1/accounts/hq/children?limit=1001', 'limit'],
      ['/v1/accounts/hq/descendants?limit=abc', 'limit'],
      ['/v1/accounts/hq/children?cursor=garbage', 'cursor'],
      ['/v1/accounts/hq/descendants?cursor=garbage', 'cursor'],
      ['/v1/accounts/hq/descendants?asOf=2019-03-01&cursor=garbage', 'cursor'],
      ['/v1/accounts/hq/hierarchy?depth=11', 'depth'],
      ['/v1/accounts/hq/hierarchy?depth=-1', 'depth'],
      ['/v1/accounts/hq/hierarchy?depth=two', 'depth'],
      ['/v1/accounts/hq/children?asOf=2019-02-30', 'asOf'],
      ['/v1/accounts/hq/ancestors?asOf=yesterday', 'asOf'],
      ['/v1/accounts/hq/descendants?asOf=2019-2-1', 'asOf'],
      ['/v1/accounts/hq/hierarchy?asOf=2019-13-01', 'asOf'],
    ];
    for (const [route, field] of cases) {
      const response = await get(route);
      expect([route, response.status]).toEqual([route, 400]);
      expect(response.body.details[0]).toMatchObject({ field });
    }
    // A cursor of one listing is refused by another.
    const children = await get('/v1/accounts/hq/children?limit=1');
    const misused = await get(`/v1/accounts/hq/descendants?cursor=${encodeURIComponent(children.body.nextCursor)}`);
    expect(misused.status).toBe(400);
    expect(misused.body.details[0]).toMatchObject({ field: 'cursor' });
  });
});
