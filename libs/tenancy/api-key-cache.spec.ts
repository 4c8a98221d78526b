import { ApiKeyCache, ReadModelChanges } from './api-key-cache';
import { TenantView } from './domain/tenant.decider';

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

describe('ApiKeyCache', () => {
  it('reads a key once, then answers from memory until the tenants read model changes', async () => {
    const changes = feed();
    const cache = new ApiKeyCache(changes);
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
    const cache = new ApiKeyCache(changes);
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
    const cache = new ApiKeyCache(changes);
    expect(await cache.tenantFor('nope', async () => null)).toBeNull();
    expect(cache.size).toBe(0);
    await cache.tenantFor('h', async () => {
      changes.tell('tenants'); // the read model moved while this read was under way
      return tenant('stale');
    });
    expect(cache.size).toBe(0);
  });

  it('reads every time where no local runner tells of changes (a split deployment)', async () => {
    const cache = new ApiKeyCache(feed(false));
    let reads = 0;
    const read = async () => (reads++, tenant('acme'));
    await cache.tenantFor('h', read);
    await cache.tenantFor('h', read);
    expect(reads).toBe(2);
    expect(cache.size).toBe(0);
  });
});
