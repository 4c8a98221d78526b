/** The tenant of process-wide streams and documents (tenants, API keys, the admin key). */
export const SYSTEM_TENANT = '_system';

/**
 * Stream names are `<category>-<tenantId>.<entityId>`: the category comes first so KurrentDB's
 * category projections ($ce-account) work, and the tenant is part of every name so no command can
 * ever load another tenant's aggregate. Tenant ids never contain '.'.
 */
export function streamName(category: string, tenantId: string, entityId: string): string {
  return `${category}-${tenantId}.${entityId}`;
}

