import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { Doc, DocWrite, SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { CUSTOMER_USER_EVENT_TYPES, CustomerUserEvent, CustomerUserScope } from '../domain';

/** Customer users of a tenant (id: the user's); never a password hash or a token. */
export const CUSTOMER_USERS = 'customerUsers';
/**
 * Live sessions, process-wide (tenant `_system`: a token names no tenant), id: the SHA-256 (hex) of the token, so
 * validating a token is one `get`. Deleted at sign-out; an expired one stays until then and is refused by its
 * `expiresAt`.
 */
export const CUSTOMER_SESSIONS_COLLECTION = 'customerSessions';

export interface CustomerUserDoc extends Doc {
  userId: string;
  accountId: string;
  email: string;
  scope: CustomerUserScope;
  status: 'invited' | 'active';
  createdAt: string;
  lockedUntil: string | null;
}

export interface CustomerSessionDoc extends Doc {
  sessionId: string;
  tenantId: string;
  userId: string;
  email: string;
  accountId: string;
  scope: CustomerUserScope;
  expiresAt: string;
  /** The sign-in, then each CustomerSessionExtended. */
  lastActiveAt: string;
}

export const customerUsersProjection: Projector = {
  name: 'customer-users',
  collections: [
    { name: CUSTOMER_USERS, indexes: ['accountId'] },
    { name: CUSTOMER_SESSIONS_COLLECTION, indexes: [] },
  ],
  eventTypes: CUSTOMER_USER_EVENT_TYPES,
  project(recorded): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & CustomerUserEvent;
    const { tenantId } = recorded.metadata;
    const position = recorded.position;
    const user = (fields: Doc): DocWrite => ({ op: 'patch', collection: CUSTOMER_USERS, tenantId, id: event.data.userId, fields, position });
    switch (event.type) {
      case 'CustomerUserCreated': {
        const { userId, accountId, email, scope, createdAt } = event.data;
        const doc: CustomerUserDoc = { userId, accountId, email, scope, status: 'invited', createdAt, lockedUntil: null };
        return [{ op: 'upsert', collection: CUSTOMER_USERS, tenantId, id: userId, doc, position }];
      }
      case 'CustomerPasswordSet':
        return [user({ status: 'active', lockedUntil: null })];
      case 'CustomerUserLocked':
        return [user({ lockedUntil: event.data.lockedUntil })];
      case 'CustomerSignedIn': {
        const { userId, accountId, email, scope, sessionId, tokenHash, expiresAt, at } = event.data;
        const doc: CustomerSessionDoc = { sessionId, tenantId, userId, email, accountId, scope, expiresAt, lastActiveAt: at };
        return [user({ lockedUntil: null }), { op: 'upsert', collection: CUSTOMER_SESSIONS_COLLECTION, tenantId: SYSTEM_TENANT, id: tokenHash, doc, position }];
      }
      case 'CustomerSignedOut':
        return [{ op: 'delete', collection: CUSTOMER_SESSIONS_COLLECTION, tenantId: SYSTEM_TENANT, id: event.data.tokenHash, position }];
      case 'CustomerSessionExtended':
        return [{ op: 'patch', collection: CUSTOMER_SESSIONS_COLLECTION, tenantId: SYSTEM_TENANT, id: event.data.tokenHash, fields: { lastActiveAt: event.data.at }, position }];
      case 'CustomerPasswordResetRequested':
      case 'CustomerSignInFailed':
        return [];
      default:
        return assertNeverEvent(event);
    }
  },
};

function assertNeverEvent(event: never): never {
  throw new Error(`Unexpected event: ${JSON.stringify(event)}`);
}
