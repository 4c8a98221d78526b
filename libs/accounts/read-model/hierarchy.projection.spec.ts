import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AccountCreated } from '../domain/account.events';
import type { HierarchyEvent } from '../domain/hierarchy.events';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { createReadStore } from '../../platform/read-store';
import { ReadStore, StoredDoc } from '../../platform/read-store/read-store.port';
import { HIERARCHY, HIERARCHY_LINKS, HierarchyDoc, HierarchyLinkDoc, hierarchyProjection, OPEN_END, subtreeRange } from './hierarchy.projection';

let position = 0;
function recorded(event: AccountCreated | HierarchyEvent, tenantId = 't1'): RecordedEvent {
  position += 1;
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: event.type === 'AccountCreated' ? `account-${tenantId}.${event.data.accountId}` : `hierarchy-${tenantId}.links`,
    revision: position - 1,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2026-01-01' },
  };
}

const created = (accountId: string, createdOn = '2019-01-01'): AccountCreated => ({
  type: 'AccountCreated',
  data: {
    accountId,
    name: `Name of ${accountId}`,
    currency: 'USD',
    status: 'active',
    parentAccountId: null,
    contact: {},
    email: null,
    country: null,
    language: null,
    channel: null,
    createdOn,
  },
});
const parented = (accountId: string, parentAccountId: string, effectiveDate = '2019-02-01', previousParentAccountId: string | null = null): HierarchyEvent => ({
  type: 'AccountParented',
  data: { accountId, parentAccountId, previousParentAccountId, effectiveDate },
});
const detached = (accountId: string, previousParentAccountId: string, effectiveDate = '2019-02-01'): HierarchyEvent => ({
  type: 'AccountDetached',
  data: { accountId, previousParentAccountId, effectiveDate },
});

/**
 * What projectBatch does for a projector with `applyEachEvent` (until libs/projection-runner has it): each
 * event's writes reach the store before the next event is projected, so `find` sees them.
 */
/** Through the real batch path: links change and are queried within one batch, as in a replay. */
async function project(store: ReadStore, events: RecordedEvent[]): Promise<void> {
  await projectBatch(hierarchyProjection, events, store);
}

describe('hierarchy projection', () => {
  let dir: string;
  let store: ReadStore;
  const node = (id: string, tenantId = 't1') => store.get<HierarchyDoc>(HIERARCHY, tenantId, id);
  const shape = async (id: string) => {
    const doc = await node(id);
    return doc && { parentAccountId: doc.parentAccountId, ancestors: doc.ancestors, depth: doc.depth, path: doc.path };
  };
  async function all<T extends Record<string, unknown>>(collection: string, filter: Record<string, unknown>, sortBy = 'id'): Promise<StoredDoc<T>[]> {
    const items: StoredDoc<T>[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.find<T>(collection, 't1', { filter: filter as never, sortBy, limit: 1000, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
  /** The link in force on `date`, as the query side reads it. */
  async function linkOn(accountId: string, date: string): Promise<HierarchyLinkDoc | undefined> {
    const page = await store.find<HierarchyLinkDoc>(HIERARCHY_LINKS, 't1', { filter: { accountId, from: { lte: date }, to: { gt: date } } });
    expect(page.items.length).toBeLessThanOrEqual(1);
    return page.items[0];
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hierarchy-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(hierarchyProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates every account as a root with its name and creation date', async () => {
    await project(store, [recorded(created('a', '2019-01-05'))]);
    expect(await node('a')).toMatchObject({
      parentAccountId: null,
      ancestors: [],
      depth: 0,
      path: 'a',
      name: 'Name of a',
      createdOn: '2019-01-05',
      openLinkId: null,
    });
  });

  it('parents an account, and its grandchildren follow when its subtree moves', async () => {
    await project(store, [
      ...['a', 'b', 'c', 'd', 'x'].map((id) => recorded(created(id))),
      recorded(parented('b', 'a')),
      recorded(parented('c', 'b')),
      recorded(parented('d', 'c')),
    ]);
    expect(await shape('d')).toEqual({ parentAccountId: 'c', ancestors: ['c', 'b', 'a'], depth: 3, path: 'a/b/c/d' });

    await project(store, [recorded(parented('b', 'x', '2019-03-01', 'a'))]);
    expect(await shape('b')).toEqual({ parentAccountId: 'x', ancestors: ['x'], depth: 1, path: 'x/b' });
    expect(await shape('c')).toEqual({ parentAccountId: 'b', ancestors: ['b', 'x'], depth: 2, path: 'x/b/c' });
    expect(await shape('d')).toEqual({ parentAccountId: 'c', ancestors: ['c', 'b', 'x'], depth: 3, path: 'x/b/c/d' });
    expect(await shape('a')).toEqual({ parentAccountId: null, ancestors: [], depth: 0, path: 'a' });
    // Moving a whole tree under another root.
    await project(store, [recorded(parented('x', 'a', '2019-03-02'))]);
    expect(await shape('d')).toEqual({ parentAccountId: 'c', ancestors: ['c', 'b', 'x', 'a'], depth: 4, path: 'a/x/b/c/d' });
  });

  it('detaches an account: it becomes a root and its subtree comes along', async () => {
    await project(store, [
      ...['a', 'b', 'c'].map((id) => recorded(created(id))),
      recorded(parented('b', 'a')),
      recorded(parented('c', 'b')),
      recorded(detached('b', 'a', '2019-04-01')),
    ]);
    expect(await shape('b')).toEqual({ parentAccountId: null, ancestors: [], depth: 0, path: 'b' });
    expect(await shape('c')).toEqual({ parentAccountId: 'b', ancestors: ['b'], depth: 1, path: 'b/c' });
    expect(await linkOn('b', '2019-04-01')).toMatchObject({ parentAccountId: null, from: '2019-04-01', to: OPEN_END });
  });

  it('keeps subtrees of ids that sort around "/" apart ("a-1", "a.b" are not under "a")', async () => {
    await project(store, [
      ...['r', 'a', 'a-1', 'a.b', 'a0', 'k'].map((id) => recorded(created(id))),
      ...['a', 'a-1', 'a.b', 'a0'].map((id) => recorded(parented(id, 'r'))),
      recorded(parented('k', 'a')),
    ]);
    const under = await all<HierarchyDoc>(HIERARCHY, { path: subtreeRange('r/a') }, 'path');
    expect(under.map((doc) => doc.id)).toEqual(['k']);
    await project(store, [recorded(detached('a', 'r'))]);
    expect((await node('a-1'))?.path).toBe('r/a-1');
    expect((await node('a0'))?.path).toBe('r/a0');
    expect((await node('k'))?.path).toBe('a/k');
  });

  it('handles a chain 1,000 deep: the leaf has 999 ancestors, nearest first, and the chain can move', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `n${i}`);
    await project(store, [...ids.map((id) => recorded(created(id))), ...ids.slice(1).map((id, i) => recorded(parented(id, ids[i])))]);
    const leaf = await node('n999');
    expect(leaf?.ancestors).toHaveLength(999);
    expect(leaf?.ancestors.slice(0, 3)).toEqual(['n998', 'n997', 'n996']);
    expect(leaf?.ancestors[998]).toBe('n0');
    expect(leaf?.depth).toBe(999);
    expect(leaf?.path).toBe(ids.join('/'));

    // Moving the root under a new one rewrites all 1,000 in one event.
    await project(store, [recorded(created('top')), recorded(parented('n0', 'top'))]);
    const moved = await node('n999');
    expect(moved?.ancestors).toHaveLength(1000);
    expect(moved?.ancestors[999]).toBe('top');
    expect(moved?.path).toBe(`top/${ids.join('/')}`);
    expect((await node('n500'))?.depth).toBe(501);
  });

  it('holds 10,000 children of one parent, paged by the store; moving that subtree rewrites every descendant', async () => {
    const children = Array.from({ length: 10_000 }, (_, i) => `c${String(i).padStart(5, '0')}`);
    await project(store, [
      ...['p', 'g', 'q'].map((id) => recorded(created(id))),
      recorded(parented('p', 'g')),
      ...children.map((id) => recorded(created(id))),
      ...children.map((id) => recorded(parented(id, 'p'))),
      recorded(created('deep')),
      recorded(parented('deep', 'c09999')),
    ]);
    const listed = await all<HierarchyDoc>(HIERARCHY, { parentAccountId: 'p' });
    expect(listed).toHaveLength(10_000);
    expect(listed.map((doc) => doc.id)).toEqual(children);

    await project(store, [recorded(parented('p', 'q', '2019-05-01', 'g'))]);
    for (const id of ['c00000', 'c04321', 'c09999']) {
      expect(await shape(id)).toEqual({ parentAccountId: 'p', ancestors: ['p', 'q'], depth: 2, path: `q/p/${id}` });
    }
    expect(await shape('deep')).toEqual({ parentAccountId: 'c09999', ancestors: ['c09999', 'p', 'q'], depth: 3, path: 'q/p/c09999/deep' });
    const underQ = await all<HierarchyDoc>(HIERARCHY, { path: subtreeRange('q') }, 'path');
    expect(underQ).toHaveLength(10_002);
    expect(underQ.every((doc) => doc.ancestors[doc.ancestors.length - 1] === 'q')).toBe(true);
    expect(await all<HierarchyDoc>(HIERARCHY, { path: subtreeRange('g') }, 'path')).toEqual([]);
  }, 120_000);

  it('sees, within one run of events, a descendant moved by an earlier event (no lost updates)', async () => {
    // c joins b's subtree, then b's subtree moves: c must move too, though both happen back to back.
    await project(store, [
      ...['a', 'b', 'c', 'x'].map((id) => recorded(created(id))),
      recorded(parented('b', 'a')),
      recorded(parented('c', 'b')),
      recorded(parented('b', 'x', '2019-02-01', 'a')),
    ]);
    expect(await shape('c')).toEqual({ parentAccountId: 'b', ancestors: ['b', 'x'], depth: 2, path: 'x/b/c' });
  });

  it('keeps a period per link: a change closes the open link and opens the next, and the later change of a day wins', async () => {
    await project(store, [
      ...['a', 'b', 'c'].map((id) => recorded(created(id))),
      recorded(parented('c', 'a', '2019-02-01')),
      recorded(parented('c', 'b', '2019-03-01', 'a')),
      recorded(detached('c', 'b', '2019-04-01')),
      recorded(parented('c', 'a', '2019-04-01')), // same day as the detach: the later one holds
    ]);
    const links = await all<HierarchyLinkDoc>(HIERARCHY_LINKS, { accountId: 'c' }, 'from');
    expect(links.map(({ parentAccountId, from, to }) => ({ parentAccountId, from, to }))).toEqual([
      { parentAccountId: 'a', from: '2019-02-01', to: '2019-03-01' },
      { parentAccountId: 'b', from: '2019-03-01', to: '2019-04-01' },
      { parentAccountId: null, from: '2019-04-01', to: '2019-04-01' },
      { parentAccountId: 'a', from: '2019-04-01', to: OPEN_END },
    ]);
    expect(links.every((link) => /^c@\d+$/.test(link.id))).toBe(true); // `${accountId}@${position}` of the opening event
    expect(await linkOn('c', '2019-01-31')).toBeUndefined(); // a root then: no link
    expect((await linkOn('c', '2019-02-01'))?.parentAccountId).toBe('a');
    expect((await linkOn('c', '2019-02-28'))?.parentAccountId).toBe('a');
    expect((await linkOn('c', '2019-03-01'))?.parentAccountId).toBe('b');
    expect((await linkOn('c', '2019-04-01'))?.parentAccountId).toBe('a');
    expect((await linkOn('c', '2030-01-01'))?.parentAccountId).toBe('a');
    // The children of a as of a date, as the query side asks.
    const childrenOf = async (parentAccountId: string, date: string) =>
      (await all<HierarchyLinkDoc>(HIERARCHY_LINKS, { parentAccountId, from: { lte: date }, to: { gt: date } }, 'accountId')).map((l) => l.accountId);
    expect(await childrenOf('a', '2019-02-15')).toEqual(['c']);
    expect(await childrenOf('a', '2019-03-15')).toEqual([]);
    expect(await childrenOf('b', '2019-03-15')).toEqual(['c']);
    expect((await node('c'))?.openLinkId).toBe(links[3].id);
  });

  it('changes nothing when events are redelivered, in order or replayed from the start', async () => {
    const events = [
      ...['a', 'b', 'c', 'x'].map((id) => recorded(created(id))),
      recorded(parented('b', 'a', '2019-02-01')),
      recorded(parented('c', 'b', '2019-02-01')),
      recorded(parented('b', 'x', '2019-03-01', 'a')),
      recorded(detached('c', 'b', '2019-04-01')),
    ];
    await project(store, events);
    const snapshot = async () => ({
      nodes: await all<HierarchyDoc>(HIERARCHY, {}),
      links: await all<HierarchyLinkDoc>(HIERARCHY_LINKS, {}),
    });
    const before = await snapshot();
    await project(store, events); // the whole log again
    await project(store, events.slice(5)); // a crash mid-batch: the tail again
    expect(await snapshot()).toEqual(before);
    expect(await shape('c')).toEqual({ parentAccountId: null, ancestors: [], depth: 0, path: 'c' });
  });

  it('keeps tenants apart', async () => {
    await project(store, [recorded(created('a')), recorded(created('b')), recorded(parented('b', 'a'))]);
    expect(await node('b', 't2')).toBeNull();
    await project(store, [recorded(created('b', '2019-01-01'), 't2')]);
    expect((await node('b', 't2'))?.parentAccountId).toBeNull();
    expect((await node('b'))?.parentAccountId).toBe('a');
  });

});
