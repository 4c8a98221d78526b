import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route: anyone, the admin key only, (unmarked) a tenant's API key, or a customer session only.
 * A tenant route also takes a customer session when it is marked `@CustomerMay(...)` (customer-access.ts).
 * The guard lives in tenancy.
 */
export type Access = 'public' | 'admin' | 'tenant' | 'customer';
export const ACCESS = 'billing:access';

/** No key needed (health, docs, sign-in). */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);
/** Only the admin key (tenant management). Routes without a marker need a tenant's API key. */
export const AdminOnly = () => SetMetadata(ACCESS, 'admin' satisfies Access);
/** Only a customer session (sign-out, the session's own user). */
export const CustomersOnly = () => SetMetadata(ACCESS, 'customer' satisfies Access);
