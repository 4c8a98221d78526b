export { DEFAULT_MAX_RETROACTIVE_PERIODS, DEFAULT_TENANT_SETTINGS, TenantSettings, TenantView } from './tenant.decider';
