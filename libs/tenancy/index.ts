import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { CreateTenantHandler } from './commands/create-tenant';
import { RotateTenantApiKeyHandler } from './commands/rotate-api-key';
import { TenantsController } from './commands/tenants.controller';
import { ChangeTenantSettingsHandler } from './commands/change-settings';
import { SettingsCommandController } from './commands/settings.command-controller';
import { SettingsQueryController } from './queries/settings.query-controller';

/** Tenancy: tenants, their settings and API keys, and who a request acts for. */
export const tenancyContext: BoundedContext = {
  name: 'tenancy',
  commandControllers: [TenantsController, SettingsCommandController],
  queryControllers: [SettingsQueryController],
  commandHandlers: [CreateTenantHandler, RotateTenantApiKeyHandler, ChangeTenantSettingsHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
};

// Offered to the other contexts and the apps.
export { AdminKey, ApiKeyGuard, CurrentTenant } from './auth';
export { resolveAdminKey } from './admin-key';
export { TenantDirectory } from './tenant-directory';
export { acceptedPaymentMethodType, customerMaySeePlan, offeredPlan, offeredPlanIds, operatorOnly, orderingOffered, paysWithPaymentMethod } from './customer-policies';
