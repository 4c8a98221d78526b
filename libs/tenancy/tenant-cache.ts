import { ReadModelCache, ReadModelChanges } from '../platform/app/read-model-cache';
import { TenantView } from './domain/tenant.decider';
import { tenantsProjection } from './read-model/tenants.projection';

/**
 * Tenants in memory, by a key: an API-key hash (ApiKeyGuard: a request authenticates without reading the read store,
 * decision 0019) or the tenant id (TenantDirectory.byId: the bill run's consumers ask for their tenant's settings per
 * invoice, decision 0027). Kept current by the tenants read model (ReadModelCache): a tenant created, a key rotated,
 * settings changed or a business day started drops it, so a rotated key stops working at once.
 */
export class TenantCache extends ReadModelCache<TenantView> {
  constructor(changes: ReadModelChanges, readModel = tenantsProjection.name) {
    super(changes, [readModel]);
  }

  /** The cached tenant of `keyHash`, else what `read` finds. */
  tenantFor(keyHash: string, read: () => Promise<TenantView | null>): Promise<TenantView | null> {
    return this.get(keyHash, read);
  }
}
