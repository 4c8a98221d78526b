/** The tenant an event belongs to, as SQL reads it from the events table (the index events_tenant_position names the same expression). */
export const TENANT = "json_extract(metadata, '$.tenantId')";
