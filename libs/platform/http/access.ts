import { SetMetadata } from '@nestjs/common';

/** Who may call a route: anyone, the admin key only, or (unmarked) a tenant's API key. The guard lives in tenancy. */
export type Access = 'public' | 'admin' | 'tenant';
export const ACCESS = 'billing:access';

/** No key needed (health, docs). */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);
/** Only the admin key (tenant management). Routes without a marker need a tenant's API key. */
export const AdminOnly = () => SetMetadata(ACCESS, 'admin' satisfies Access);
