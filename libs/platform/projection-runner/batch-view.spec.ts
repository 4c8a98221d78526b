import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createReadStore } from '../read-store';
import { DocWrite, ReadStore } from '../read-store/read-store.port';
import { BatchView } from './batch-view';

const C = 'docs';
const upsert = (id: string, doc: object, position: number): DocWrite => ({ op: 'upsert', collection: C, tenantId: 't', id, doc: { ...doc }, position });
const patch = (id: string, fields: object, position: number): DocWrite => ({ op: 'patch', collection: C, tenantId: 't', id, fields: { ...fields }, position });
const remove = (id: string, position: number): DocWrite => ({ op: 'delete', collection: C, tenantId: 't', id, position });

describe('BatchView', () => {
  let dir: string;
  let store: ReadStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'batch-view-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections([{ name: C, indexes: [] }]);
    await store.apply([upsert('stored', { a: 1, b: 1 }, 5)]);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Applying the folded writes must leave exactly what applying every write in order leaves. */
  async function expectSameAsOneByOne(writes: DocWrite[], ids: string[]) {
    const view = new BatchView(store);
    view.record(writes);
    const folded = view.writes();
    expect(folded.length).toBeLessThanOrEqual(new Set(writes.map((w) => w.id)).size);

    const otherDir = mkdtempSync(path.join(tmpdir(), 'batch-view-ref-'));
    const reference = createReadStore({ kind: 'sqlite', dataDir: otherDir });
    await reference.ensureCollections([{ name: C, indexes: [] }]);
    await reference.apply([upsert('stored', { a: 1, b: 1 }, 5)]);
    for (const write of writes) await reference.apply([write]);
    await store.apply(folded);
    for (const id of ids) expect(await store.get(C, 't', id)).toEqual(await reference.get(C, 't', id));
    await reference.close();
    rmSync(otherDir, { recursive: true, force: true });
    return folded;
  }

  it('folds an upsert and later patches into one upsert at the last position', async () => {
    const folded = await expectSameAsOneByOne([upsert('n', { a: 1, b: 2 }, 10), patch('n', { b: 3 }, 11), patch('n', { c: 4 }, 12)], ['n']);
    expect(folded).toEqual([upsert('n', { a: 1, b: 3, c: 4 }, 12)]);
  });

  it('merges patches of a stored document into one patch, without reading it', async () => {
    const writes = [patch('stored', { b: 2 }, 10), patch('stored', { c: 3 }, 11)];
    const get = jest.spyOn(store, 'get');
    const view = new BatchView(store);
    view.record(writes);
    expect(view.writes()).toEqual([patch('stored', { b: 2, c: 3 }, 11)]);
    expect(get).not.toHaveBeenCalled();
    get.mockRestore();
    await expectSameAsOneByOne(writes, ['stored']);
  });

  it('ends with a delete, or with the upsert after it, and ignores a patch of a deleted document', async () => {
    await expectSameAsOneByOne([upsert('d', { a: 1 }, 10), remove('d', 11), patch('d', { b: 2 }, 12)], ['d']);
    await expectSameAsOneByOne([remove('stored', 10), upsert('stored', { z: 1 }, 11), patch('stored', { y: 2 }, 12)], ['stored']);
  });

  it('changes nothing on redelivery: every folded write carries a position the store already has', async () => {
    await expectSameAsOneByOne([patch('stored', { b: 9 }, 4), upsert('stored', { q: 1 }, 5)], ['stored']);
    expect(await store.get(C, 't', 'stored')).toMatchObject({ a: 1, b: 1, _position: 5 });
  });

  it('lets a projector read its own pending changes, and the store beneath a pending patch', async () => {
    const view = new BatchView(store);
    view.record([upsert('n', { a: 1 }, 10), patch('n', { b: 2 }, 11), patch('stored', { b: 7 }, 12), remove('gone', 13)]);
    expect(await view.get(C, 't', 'n')).toEqual({ a: 1, b: 2 });
    expect(await view.get(C, 't', 'stored')).toMatchObject({ a: 1, b: 7 });
    expect(await view.get(C, 't', 'gone')).toBeNull();
    expect(await view.get(C, 't', 'untouched')).toBeNull();
  });

  it('prefetch: reads the named documents in one getMany, hands each out once, and a miss as null', async () => {
    await store.apply([upsert('other', { a: 3 }, 6)]);
    const getMany = jest.spyOn(store, 'getMany');
    const get = jest.spyOn(store, 'get');
    const view = new BatchView(store);
    await view.prefetch([
      { collection: C, tenantId: 't', id: 'stored' },
      { collection: C, tenantId: 't', id: 'other' },
      { collection: C, tenantId: 't', id: 'missing' },
    ]);
    expect(getMany).toHaveBeenCalledTimes(1);
    view.record([patch('other', { b: 9 }, 20)]);
    expect(await view.get(C, 't', 'stored')).toEqual(await store.get(C, 't', 'stored'));
    expect(await view.get(C, 't', 'other')).toMatchObject({ a: 3, b: 9 }); // the read-ahead base under a pending patch
    expect(await view.get(C, 't', 'missing')).toBeNull();
    get.mockClear();
    const again = await view.get(C, 't', 'stored'); // handed out once: read from the store, a new object
    expect(get).toHaveBeenCalledTimes(1);
    expect(again).toEqual(await store.get(C, 't', 'stored'));
  });
});
