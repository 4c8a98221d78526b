import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Access, ACCESS } from '../platform/http/access';
import { AuthFailureLimiter } from '../platform/http/auth-failure-limiter';
import { TenantView } from './domain/tenant.decider';
import { hashApiKey, sameHash } from './api-keys';
import { TenantDirectory } from './tenant-directory';
import { EVENT_STORE, EventStore } from '../platform/event-store/event-store.port';
import { ReadYourWrites } from '../platform/app/read-your-writes';
import { READ_STORE, ReadStore } from '../platform/read-store/read-store.port';
import {
  CUSTOMER_ACCESS,
  CUSTOMER_SESSIONS,
  CUSTOMER_TOKEN_PREFIX,
  CustomerAccess,
  CustomerSession,
  CustomerSessionAuthenticator,
} from '../platform/http/customer-access';
import { NotFoundError } from '../shared-kernel/errors';
import { TenantCache } from './tenant-cache';

/** How long an unknown key may wait for the tenants read model to catch up (a tenant created a moment ago). */
const NEW_KEY_WAIT_MS = 2000;

export type Principal =
  | { kind: 'admin'; keyHash: string }
  | { kind: 'tenant'; tenant: TenantView; keyHash: string }
  /** A signed-in customer (self-service): `keyHash` is the session token's hash. */
  | { kind: 'customer'; tenant: TenantView; keyHash: string; session: CustomerSession };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}


/**
 * The admin key's hash resolved at start-up. With none configured or stored, announce() (called once the
 * server listens) generates, records and prints one; until then no key is the admin key.
 */
export class AdminKey {
  constructor(
    public hash: string,
    private pending?: () => Promise<string>,
  ) {}

  async announce(): Promise<void> {
    if (!this.pending) return;
    this.hash = await this.pending();
    this.pending = undefined;
  }
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** Tenants by key hash, dropped whenever the tenants read model changes (all-in-one and worker only). */
  private readonly keys: TenantCache;

  constructor(
    private readonly reflector: Reflector,
    private readonly tenants: TenantDirectory,
    private readonly adminKey: AdminKey,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly failures: AuthFailureLimiter,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Optional() @Inject(CUSTOMER_SESSIONS) private readonly sessions: CustomerSessionAuthenticator | null,
  ) {
    this.keys = new TenantCache(readYourWrites);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access>(ACCESS, [context.getHandler(), context.getClass()]) ?? 'tenant';
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = bearerKey(request.headers.authorization);
    const keyHash = key === null ? null : hashApiKey(key);
    try {
      if (key !== null && key.startsWith(CUSTOMER_TOKEN_PREFIX)) {
        const customerAccess = this.reflector.getAllAndOverride<CustomerAccess | undefined>(CUSTOMER_ACCESS, [context.getHandler(), context.getClass()]);
        return await this.authenticateCustomer(request, access, key, keyHash!, customerAccess);
      }
      return await this.authenticate(request, access, keyHash);
    } catch (error) {
      // Only failed authentications count (a 401, not a 403 of a valid key); over the limit they answer 429.
      if (error instanceof UnauthorizedException) this.failures.recordFailure(request.ip, keyHash);
      throw error;
    }
  }

  private async authenticate(request: FastifyRequest, access: Access, keyHash: string | null): Promise<boolean> {
    if (keyHash === null) throw new UnauthorizedException('Send the API key as "Authorization: Bearer <key>"');
    if (sameHash(keyHash, this.adminKey.hash)) {
      if (access !== 'admin') throw new ForbiddenException("This route acts inside a tenant: use the tenant's API key, not the admin key");
      request.principal = { kind: 'admin', keyHash };
      return true;
    }
    const tenant = await this.tenantFor(keyHash);
    if (!tenant) throw new UnauthorizedException('The API key is not valid');
    if (access === 'admin') throw new ForbiddenException('This route needs the admin key');
    if (access === 'customer') throw new ForbiddenException("This route is a signed-in customer's: send the session token, not an API key");
    request.principal = { kind: 'tenant', tenant, keyHash };
    return true;
  }

  /**
   * A customer session: valid (self-service's authenticator), on a route customers may use, for an account the
   * session covers. Another account's ids answer 404 as if they did not exist (nothing is revealed about them).
   */
  private async authenticateCustomer(request: FastifyRequest, access: Access, token: string, keyHash: string, customerAccess: CustomerAccess | undefined): Promise<boolean> {
    const session = this.sessions ? await this.sessions.authenticate(token) : null;
    if (!session) throw new UnauthorizedException('The session is not valid (expired, idle too long or signed out): sign in again');
    const tenant = await this.tenants.byId(session.tenantId);
    if (!tenant) throw new UnauthorizedException('The session is not valid (expired, idle too long or signed out): sign in again');
    if (access === 'admin') throw new ForbiddenException('This route needs the admin key');
    request.principal = { kind: 'customer', tenant, keyHash, session };
    if (access === 'customer') return true;
    if (!customerAccess) throw new ForbiddenException('Customers may not use this route: it needs the tenant\'s API key');
    await this.checkAccount(request, session, tenant, customerAccess);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const params = (request.params ?? {}) as Record<string, string>;
    for (const policy of customerAccess.policies) policy({ body: typeof body === 'object' ? body : {}, params, settings: tenant.settings });
    return true;
  }

  private async checkAccount(request: FastifyRequest, session: CustomerSession, tenant: TenantView, { accountOf }: CustomerAccess): Promise<void> {
    if (accountOf === 'session' || accountOf === 'catalog') return;
    const params = (request.params ?? {}) as Record<string, string>;
    if ('body' in accountOf) {
      const accountId = ((request.body ?? {}) as Record<string, unknown>)[accountOf.body];
      // Missing or not a string: the route's validation answers 400 for it; nothing is acted on.
      if (typeof accountId === 'string' && !(await this.sessions!.covers(session, accountId))) throw new NotFoundError('Account', accountId);
      return;
    }
    const id = params[accountOf.param] ?? '';
    if (!('collection' in accountOf)) {
      if (!(await this.sessions!.covers(session, id))) throw new NotFoundError('Account', id);
      return;
    }
    const owners = await this.ownersOf(tenant.id, accountOf, id);
    for (const owner of owners) if (await this.sessions!.covers(session, owner)) return;
    throw new NotFoundError(entityName(accountOf.collection), id);
  }

  /** The accounts a read-model document belongs to; one written a moment ago may need the read models to catch up. */
  private async ownersOf(tenantId: string, accountOf: { collection: string; field?: string; alsoIn?: { collection: string; key: string } }, id: string): Promise<string[]> {
    const field = accountOf.field ?? 'accountId';
    const find = async (): Promise<string[]> => {
      const doc = await this.store.get<Record<string, unknown>>(accountOf.collection, tenantId, id).catch(() => null);
      if (doc) return typeof doc[field] === 'string' ? [doc[field] as string] : [];
      if (!accountOf.alsoIn) return [];
      const { collection, key } = accountOf.alsoIn;
      const { items } = await this.store.find<Record<string, unknown>>(collection, tenantId, { filter: { [key]: id }, limit: 50 }).catch(() => ({ items: [] }));
      return items.map((item) => item[field]).filter((owner): owner is string => typeof owner === 'string');
    };
    const owners = await find();
    if (owners.length > 0) return owners;
    const caughtUp = await this.readYourWrites.waitFor(await this.events.headPosition(), NEW_KEY_WAIT_MS);
    return caughtUp ? find() : [];
  }

  /**
   * In a split deployment the worker builds the tenants read model, so a key created a moment ago may
   * not be there yet: when the read models are behind the log, wait for them (bounded) and look again.
   */
  private async tenantFor(keyHash: string): Promise<TenantView | null> {
    const read = () => this.tenants.byApiKeyHash(keyHash);
    const tenant = await this.keys.tenantFor(keyHash, read);
    if (tenant) return tenant;
    const caughtUp = await this.readYourWrites.waitFor(await this.events.headPosition(), NEW_KEY_WAIT_MS);
    return caughtUp ? this.keys.tenantFor(keyHash, read) : null;
  }
}

/** `invoices` → `Invoice`, `planInstances` → `Plan instance`: the 404 reads like the route's own. */
function entityName(collection: string): string {
  const singular = collection.replace(/s$/, '');
  const words = singular.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function bearerKey(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? null;
}

/** The tenant whose API key authenticated the request. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantView => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  // A customer session acts inside its tenant too, on the routes the guard let it through.
  if (principal?.kind !== 'tenant' && principal?.kind !== 'customer') throw new UnauthorizedException('A tenant API key is required');
  return principal.tenant;
});
