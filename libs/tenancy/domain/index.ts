export { DEFAULT_TENANT_SETTINGS, TenantSettings, TenantView } from './tenant.decider';
