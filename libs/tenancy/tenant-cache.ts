import { TenantView } from './domain/tenant.decider';
import { tenantsProjection } from './read-model/tenants.projection';

/** Above this many keys the cache starts again empty: it stays small however many keys are tried. */
const MAX_KEYS = 10_000;

/** Where the cache hears that a read model changed (ReadYourWrites.onChange); null: no local runner to hear from. */
export interface ReadModelChanges {
  onChange(listener: (name: string) => void): (() => void) | null;
}

/**
 * Tenants in memory, by a key: an API-key hash (ApiKeyGuard: a request authenticates without reading the read store,
 * decision 0019) or the tenant id (TenantDirectory.byId: the bill run's consumers ask for their tenant's settings per
 * invoice, decision 0027). Kept current by the tenants read model: whenever its projector handled events of its types
 * (a tenant created, a key rotated, settings changed, a business day started) the whole cache is dropped, before the
 * command that caused it answers (the runner tells changes before it wakes the waiters): a rotated key stops
 * working at once, and no caller sees a tenant older than the read store would have shown it. Only tenants found are
 * kept. Used only where the read models are built in this process (all-in-one, worker); elsewhere (a split
 * deployment's API process) nothing would tell it of a change, so every call reads. The tenants it hands out are
 * shared between callers, who only read them.
 */
export class TenantCache {
  private readonly tenants = new Map<string, TenantView>();
  /** Moves on every drop: a read that began before a drop must not fill the cache with what it found. */
  private generation = 0;
  private following = false;

  constructor(
    private readonly changes: ReadModelChanges,
    private readonly readModel = tenantsProjection.name,
  ) {}

  /** The cached tenant of `keyHash`, else what `read` finds (kept when it is a tenant and nothing changed meanwhile). */
  async tenantFor(keyHash: string, read: () => Promise<TenantView | null>): Promise<TenantView | null> {
    if (!this.follow()) return read();
    const cached = this.tenants.get(keyHash);
    if (cached) return cached;
    const generation = this.generation;
    const tenant = await read();
    if (tenant && generation === this.generation) {
      if (this.tenants.size >= MAX_KEYS) this.tenants.clear();
      this.tenants.set(keyHash, tenant);
    }
    return tenant;
  }

  get size(): number {
    return this.tenants.size;
  }

  /** Registers with the change feed once it can (the runner is attached after the app starts). */
  private follow(): boolean {
    if (this.following) return true;
    const unregister = this.changes.onChange((name) => {
      if (name === this.readModel) this.drop();
    });
    this.following = unregister !== null;
    return this.following;
  }

  private drop(): void {
    this.generation++;
    this.tenants.clear();
  }
}
