import { createParamDecorator, ExecutionContext, SetMetadata, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Customers (self-service, issue 20) act on the same `/v1` routes as a tenant's API key, with a session token
 * instead of a key, limited to their own accounts and to the routes marked here. A route without
 * `@CustomerMay(...)` answers a session 403; the account a marked route acts on is found as its marker says,
 * and another account's ids answer 404 (nothing is revealed about them). The guard (tenancy/auth.ts) applies it.
 */

/** Session tokens start with this, so the guard tells them from API keys (`bk_`) without a lookup. */
export const CUSTOMER_TOKEN_PREFIX = 'cs_';

/** A signed-in customer user, as the session store gives it to the guard. */
export interface CustomerSession {
  sessionId: string;
  tenantId: string;
  userId: string;
  email: string;
  /** The account the user belongs to. */
  accountId: string;
  /** `descendants`: also every account below it in the hierarchy (a parent's administrator). */
  scope: 'account' | 'descendants';
  /** ISO instants. */
  expiresAt: string;
}

/** Provided by the self-service context; the guard asks it for every request that carries a session token. */
export interface CustomerSessionAuthenticator {
  /** The live session of this token (and its idle timer restarted), or null: unknown, expired, idle too long, signed out. */
  authenticate(token: string): Promise<CustomerSession | null>;
  /** Whether `accountId` is one the session may act on (its own, or below it when the scope says so). */
  covers(session: CustomerSession, accountId: string): Promise<boolean>;
}
export const CUSTOMER_SESSIONS = Symbol('CUSTOMER_SESSIONS');

/**
 * How a route names the account it acts on:
 * - `{ param }`: the route parameter is the account id (`/v1/accounts/:id/...`);
 * - `{ body }`: a field of the JSON body is (`POST /v1/payments { accountId }`);
 * - `{ param, collection }`: the parameter is the id of a read-model document whose `accountId` field names it
 *   (`/v1/invoices/:id` → collection `invoices`); a document not found answers 404. `alsoIn`: where else such an
 *   id may be, as an indexed field of documents that name their account (an invoice that is only in the ledger,
 *   an order's or a fee's: `receivableItems` by `invoiceId`); any of them the session covers will do;
 * - `'session'`: the route is about the session itself (`/v1/self-service/...`), no account to check.
 * - `'catalog'`: a read of what the tenant offers (plans, items); the handler filters by the tenant's rules.
 */
export type AccountOf =
  | { param: string }
  | { body: string }
  | { param: string; collection: string; field?: string; alsoIn?: { collection: string; key: string } }
  | 'session'
  | 'catalog';

/** A check of the request a customer makes, beyond the account (e.g. the plan is one the tenant offers). */
export type CustomerPolicy = (request: { body: Record<string, unknown>; params: Record<string, string>; settings: unknown }) => void;

export interface CustomerAccess {
  accountOf: AccountOf;
  policies: CustomerPolicy[];
}
export const CUSTOMER_ACCESS = 'billing:customer-access';

/** Customers may call this route, on the account `accountOf` names, when every policy passes (a policy throws to refuse). */
export const CustomerMay = (accountOf: AccountOf, ...policies: CustomerPolicy[]) => SetMetadata(CUSTOMER_ACCESS, { accountOf, policies } satisfies CustomerAccess);

/** The customer session of the request; only on routes marked `@CustomerMay('session')` or behind access 'customer'. */
export const CurrentCustomer = createParamDecorator((_: unknown, context: ExecutionContext): CustomerSession => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal as { kind: string; session?: CustomerSession } | undefined;
  if (principal?.kind !== 'customer' || !principal.session) throw new UnauthorizedException('Sign in first: a customer session token is required');
  return principal.session;
});

/** The customer session when a customer called, else undefined (a route open to keys and sessions alike). */
export function customerSessionOf(request: FastifyRequest): CustomerSession | undefined {
  const principal = request.principal as { kind: string; session?: CustomerSession } | undefined;
  return principal?.kind === 'customer' ? principal.session : undefined;
}
