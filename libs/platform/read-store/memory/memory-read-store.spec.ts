import { readStoreContract } from '../read-store.contract';
import { compareText, MemoryReadStore } from './memory-read-store';

readStoreContract('MemoryReadStore', async () => new MemoryReadStore());

describe('MemoryReadStore', () => {
  const items = { name: 'items', indexes: ['name'] };

  it('compares text by code point, not by UTF-16 code unit', () => {
    // U+1F600 is a surrogate pair in UTF-16 (0xD83D first): below U+FF5E by code unit, above it by code point.
    expect('\u{1F600}' < '\uFF5E').toBe(true);
    expect(compareText('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
    expect(compareText('abc', 'abd')).toBeLessThan(0);
    expect(compareText('ab', 'abc')).toBeLessThan(0);
    expect(compareText('é', 'z')).toBeGreaterThan(0);
    expect(compareText('same', 'same')).toBe(0);
  });

  it('hands out a copy on every read: changing what was read or written changes nothing stored', async () => {
    const store = new MemoryReadStore();
    await store.ensureCollections([items]);
    const doc = { name: 'Ann', tags: ['x'] };
    await store.apply([{ op: 'upsert', collection: 'items', tenantId: 't', id: 'a', doc, position: 1 }]);
    doc.tags.push('written');
    const read = await store.get('items', 't', 'a');
    (read!.tags as string[]).push('read');
    expect(await store.get('items', 't', 'a')).toEqual({ name: 'Ann', tags: ['x'], id: 'a', _position: 1 });
  });

  it('applies all the writes of a call or none: a document JSON cannot hold undoes the writes before it', async () => {
    const store = new MemoryReadStore();
    await store.ensureCollections([items]);
    await store.apply([{ op: 'upsert', collection: 'items', tenantId: 't', id: 'a', doc: { name: 'kept' }, position: 1 }]);
    await expect(
      store.apply([
        { op: 'patch', collection: 'items', tenantId: 't', id: 'a', fields: { name: 'changed' }, position: 2 },
        { op: 'upsert', collection: 'items', tenantId: 't', id: 'b', doc: { name: 'new' }, position: 3 },
        { op: 'upsert', collection: 'items', tenantId: 't', id: 'c', doc: { big: 1n }, position: 4 },
      ], { name: 'proj', position: 4 }),
    ).rejects.toThrow(/BigInt/);
    expect(await store.get('items', 't', 'a')).toEqual({ name: 'kept', id: 'a', _position: 1 });
    expect(await store.get('items', 't', 'b')).toBeNull();
    expect(await store.getCheckpoint('proj')).toBeNull();
  });

  it('refuses writes once closed', async () => {
    const store = new MemoryReadStore();
    await store.ensureCollections([items]);
    await store.close();
    await expect(store.apply([])).rejects.toThrow(/closed/);
  });
});
