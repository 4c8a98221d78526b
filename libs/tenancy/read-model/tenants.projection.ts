import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite, SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { Projector, ProjectionView } from '../../platform/projection-runner/projector';
import type { TenantEvent } from '../domain/tenant.decider';
import { applySettingsChanges, TenantSettings } from '../domain/tenant-settings';

export const TENANTS = 'tenants';
/** Keyed by the SHA-256 of a tenant's API key: how a request's key finds its tenant. Keys are never stored. */
export const API_KEYS = 'apiKeys';

export const tenantsProjection: Projector = {
  name: 'tenants',
  collections: [
    { name: TENANTS, indexes: ['name', 'sandbox'] },
    { name: API_KEYS, indexes: ['tenantId'] },
  ],
  eventTypes: ['TenantCreated', 'TenantApiKeyRotated', 'TenantSettingsChanged', 'BusinessDayStarted'],
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const event = recorded as unknown as RecordedEvent & (TenantEvent | BusinessDayStarted);
    const position = recorded.position;
    switch (event.type) {
      case 'TenantCreated': {
        const { apiKeyHash, id, ...tenant } = event.data;
        return [
          { op: 'upsert', collection: TENANTS, tenantId: SYSTEM_TENANT, id, doc: tenant, position },
          { op: 'upsert', collection: API_KEYS, tenantId: SYSTEM_TENANT, id: apiKeyHash, doc: { tenantId: id }, position },
        ];
      }
      case 'TenantApiKeyRotated':
        return [
          { op: 'delete', collection: API_KEYS, tenantId: SYSTEM_TENANT, id: event.data.previousApiKeyHash, position },
          { op: 'upsert', collection: API_KEYS, tenantId: SYSTEM_TENANT, id: event.data.apiKeyHash, doc: { tenantId: event.data.tenantId }, position },
        ];
      case 'TenantSettingsChanged': {
        // The whole settings object is written: a patch replaces top-level fields, and `null` removes a setting.
        const tenant = await view.get(TENANTS, SYSTEM_TENANT, event.data.tenantId);
        if (!tenant) return [];
        const settings = applySettingsChanges(tenant.settings as TenantSettings, event.data.changes);
        return [{ op: 'patch', collection: TENANTS, tenantId: SYSTEM_TENANT, id: event.data.tenantId, fields: { settings }, position }];
      }
      case 'BusinessDayStarted': {
        // A sandbox's clock shows its last business day; a production tenant's follows the system clock.
        const tenant = await view.get(TENANTS, SYSTEM_TENANT, event.data.tenantId);
        const fields = tenant?.sandbox ? { businessDate: event.data.date, lastBusinessDay: event.data.date } : { lastBusinessDay: event.data.date };
        return [{ op: 'patch', collection: TENANTS, tenantId: SYSTEM_TENANT, id: event.data.tenantId, fields, position }];
      }
      default:
        return [];
    }
  },
};

/**
 * The time context's `BusinessDayStarted` (time/domain/business-clock.decider.ts), read by its shape: time builds
 * on tenancy, so tenancy does not import it. A sandbox tenant's document follows its clock.
 */
interface BusinessDayStarted {
  type: 'BusinessDayStarted';
  data: { tenantId: string; date: string };
}
