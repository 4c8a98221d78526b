import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
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

/** How long an unknown key may wait for the tenants read model to catch up (a tenant created a moment ago). */
const NEW_KEY_WAIT_MS = 2000;

export type Principal = { kind: 'admin'; keyHash: string } | { kind: 'tenant'; tenant: TenantView; keyHash: string };

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
  constructor(
    private readonly reflector: Reflector,
    private readonly tenants: TenantDirectory,
    private readonly adminKey: AdminKey,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access>(ACCESS, [context.getHandler(), context.getClass()]) ?? 'tenant';
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = bearerKey(request.headers.authorization);
    const keyHash = key === null ? null : hashApiKey(key);
    try {
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
    request.principal = { kind: 'tenant', tenant, keyHash };
    return true;
  }

  /**
   * In a split deployment the worker builds the tenants read model, so a key created a moment ago may
   * not be there yet: when the read models are behind the log, wait for them (bounded) and look again.
   */
  private async tenantFor(keyHash: string): Promise<TenantView | null> {
    const tenant = await this.tenants.byApiKeyHash(keyHash);
    if (tenant) return tenant;
    const caughtUp = await this.readYourWrites.waitFor(await this.events.headPosition(), NEW_KEY_WAIT_MS);
    return caughtUp ? this.tenants.byApiKeyHash(keyHash) : null;
  }
}

function bearerKey(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? null;
}

/** The tenant whose API key authenticated the request. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantView => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  if (principal?.kind !== 'tenant') throw new UnauthorizedException('A tenant API key is required');
  return principal.tenant;
});
