import { TenantView } from './domain/tenant.decider';
import { todayIn } from '../shared-kernel/calendar-date';
import { ReadStore, SYSTEM_TENANT } from '../platform/read-store/read-store.port';
import { SystemClock } from '../platform/clock/clock';
import { API_KEYS, TENANTS } from './read-model/tenants.projection';
import { ReadModelChanges } from '../platform/app/read-model-cache';
import { TenantCache } from './tenant-cache';

/** Finds tenants by id or by API-key hash, and tells a tenant's business date. */
export class TenantDirectory {
  /** Tenants by id, dropped whenever the tenants read model changes (null: nothing tells of changes here). */
  private readonly cache: TenantCache | null;

  constructor(
    private readonly store: ReadStore,
    private readonly clock: SystemClock,
    changes: ReadModelChanges | null = null,
  ) {
    this.cache = changes ? new TenantCache(changes) : null;
  }

  async byId(tenantId: string): Promise<TenantView | null> {
    return this.cache ? this.cache.tenantFor(tenantId, () => this.read(tenantId)) : this.read(tenantId);
  }

  private async read(tenantId: string): Promise<TenantView | null> {
    const doc = await this.store.get<Omit<TenantView, 'id'>>(TENANTS, SYSTEM_TENANT, tenantId);
    if (!doc) return null;
    const { _position, ...tenant } = doc;
    return tenant as TenantView;
  }

  async byApiKeyHash(keyHash: string): Promise<TenantView | null> {
    const key = await this.store.get<{ tenantId: string }>(API_KEYS, SYSTEM_TENANT, keyHash);
    return key ? this.byId(key.tenantId) : null;
  }

  /** A sandbox tenant's date only moves when told; a production tenant's is today in its time zone. */
  businessDate(tenant: TenantView): string {
    return tenant.sandbox && tenant.businessDate ? tenant.businessDate : this.systemDate(tenant.timeZone);
  }

  systemDate(timeZone: string): string {
    return todayIn(timeZone, this.clock.now().getTime()).toString();
  }
}
