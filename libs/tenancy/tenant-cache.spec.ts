import { ReadModelChanges } from '../platform/app/read-model-cache';
import { TenantCache } from './tenant-cache';
import { TenantView } from './domain/tenant.decider';
import { TenantDirectory } from './tenant-directory';
import { FixedClock } from '../platform/clock/clock';
import type { ReadStore } from '../platform/read-store/read-store.port';

/** A change feed the test drives; `attached: false` is a split deployment's API process (no local runner). */
function feed(attached = true) {
  const listeners = new Set<(name: string) => void>();
  const changes: ReadModelChanges & { tell(name: string): void } = {
    onChange: (listener) => {
      if (!attached) return null;
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    tell: (name) => listeners.forEach((listener) => listener(name)),
  };
  return changes;
}

const tenant = (id: string) => ({ id, name: id }) as unknown as TenantView;

describe('TenantCache', () => {
  it('reads a key once, then answers from memory until the tenants read model changes', async () => {
    const changes = feed();
    const cache = new TenantCache(changes);
    let reads = 0;
    const read = async () => (reads++, tenant('acme'));
    expect(await cache.tenantFor('h1', read)).toEqual(tenant('acme'));
    expect(await cache.tenantFor('h1', read)).toEqual(tenant('acme'));
    expect(reads).toBe(1);
    changes.tell('accounts'); // another read model: nothing to drop
    await cache.tenantFor('h1', read);
    expect(reads).toBe(1);
    changes.tell('tenants'); // e.g. the key was rotated
    expect(cache.size).toBe(0);
    await cache.tenantFor('h1', read);
    expect(reads).toBe(2);
  });

  it('a rotated key stops at once: after the change the old hash reads the store again and finds nothing', async () => {
    const changes = feed();
    const cache = new TenantCache(changes);
    const keys = new Map([['old', tenant('acme')]]);
    const read = (hash: string) => async () => keys.get(hash) ?? null;
    expect(await cache.tenantFor('old', read('old'))).not.toBeNull();
    keys.delete('old');
    keys.set('new', tenant('acme'));
    changes.tell('tenants');
    expect(await cache.tenantFor('old', read('old'))).toBeNull();
    expect(await cache.tenantFor('new', read('new'))).not.toBeNull();
  });

  it('keeps no unknown key, and nothing a read found while a change came in', async () => {
    const changes = feed();
    const cache = new TenantCache(changes);
    expect(await cache.tenantFor('nope', async () => null)).toBeNull();
    expect(cache.size).toBe(0);
    await cache.tenantFor('h', async () => {
      changes.tell('tenants'); // the read model moved while this read was under way
      return tenant('stale');
    });
    expect(cache.size).toBe(0);
  });

  it('reads every time where no local runner tells of changes (a split deployment)', async () => {
    const cache = new TenantCache(feed(false));
    let reads = 0;
    const read = async () => (reads++, tenant('acme'));
    await cache.tenantFor('h', read);
    await cache.tenantFor('h', read);
    expect(reads).toBe(2);
    expect(cache.size).toBe(0);
  });
});

describe('TenantDirectory.byId', () => {
  /** A read store holding tenant docs, counting its reads. */
  function store(docs: Map<string, Record<string, unknown>>) {
    const reads: string[] = [];
    const fake = { get: async (_collection: string, _tenantId: string, id: string) => (reads.push(id), docs.has(id) ? { ...docs.get(id), _position: 1 } : null) };
    return { reads, store: fake as unknown as ReadStore };
  }

  it('answers from memory until the tenants read model changes, then reads the new settings', async () => {
    const docs = new Map([['acme', { name: 'Acme', settings: { minimumCollectionThreshold: 0 } }]]);
    const { reads, store: readStore } = store(docs);
    const changes = feed();
    const directory = new TenantDirectory(readStore, new FixedClock(new Date('2026-11-22T10:00:00Z')), changes);
    expect(await directory.byId('acme')).toEqual({ name: 'Acme', settings: { minimumCollectionThreshold: 0 } });
    await directory.byId('acme');
    expect(reads).toEqual(['acme']);
    docs.set('acme', { name: 'Acme', settings: { minimumCollectionThreshold: 500 } });
    changes.tell('tenants');
    expect((await directory.byId('acme'))?.settings).toEqual({ minimumCollectionThreshold: 500 });
    expect(await directory.byId('ghost')).toBeNull(); // an unknown id is read each time: a tenant created later is found
    expect(await directory.byId('ghost')).toBeNull();
    expect(reads).toEqual(['acme', 'acme', 'ghost', 'ghost']);
  });

  it('reads every time without a change feed (a split deployment\'s API process)', async () => {
    const { reads, store: readStore } = store(new Map([['acme', { name: 'Acme' }]]));
    const directory = new TenantDirectory(readStore, new FixedClock(new Date('2026-11-22T10:00:00Z')));
    await directory.byId('acme');
    await directory.byId('acme');
    expect(reads).toEqual(['acme', 'acme']);
  });
});
