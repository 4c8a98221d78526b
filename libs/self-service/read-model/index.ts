import { Projector } from '../../platform/projection-runner/projector';
import { ReadStore, SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { CUSTOMER_SESSIONS_COLLECTION, CUSTOMER_USERS, CustomerSessionDoc, CustomerUserDoc, customerUsersProjection } from './customer-users.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [customerUsersProjection];

export { CUSTOMER_SESSIONS_COLLECTION, CUSTOMER_USERS, CustomerSessionDoc, CustomerUserDoc, customerUsersProjection } from './customer-users.projection';

/** The live-or-expired session of a token's hash; null when never signed in or signed out. */
export function sessionByTokenHash(store: ReadStore, hash: string): Promise<CustomerSessionDoc | null> {
  return store.get<CustomerSessionDoc>(CUSTOMER_SESSIONS_COLLECTION, SYSTEM_TENANT, hash);
}

export function customerUserById(store: ReadStore, tenantId: string, userId: string): Promise<CustomerUserDoc | null> {
  return store.get<CustomerUserDoc>(CUSTOMER_USERS, tenantId, userId);
}
