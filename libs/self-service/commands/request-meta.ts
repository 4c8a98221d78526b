import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { customerSessionOf } from '../../platform/http/customer-access';
import { idempotencyKeyOf } from '../../platform/http/request-context';
import { deterministicUuid } from '../../shared-kernel/ids';

/**
 * What a self-service command keeps of its request. Sign-in and the password resets are public: their tenant comes
 * from the body and is checked by the handler, so the context is built there; a customer's own commands name the
 * customer as their actor (`customer:<userId>`), not a key.
 */
export interface RequestMeta {
  requestId: string;
  clientAddress: string;
  idempotencyKey?: string;
  /** What the command id derives from: the key, made the customer's own when a customer sent it. */
  ownKey?: string;
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const key = idempotencyKeyOf(request);
  // A customer's key is its own (as in commandContextFrom): the same string from another principal names another request.
  const session = customerSessionOf(request);
  const ownKey = key !== undefined && session ? `customer:${session.userId}:${key}` : key;
  return { requestId: String(request.id), clientAddress: request.ip, ...(key !== undefined ? { idempotencyKey: key, ownKey } : {}) };
}

export function customerActor(userId: string): string {
  return `customer:${userId}`;
}

/**
 * `idempotent: false` for sign-in: each attempt is its own (a repeat must not be a no-op that cannot give the token
 * back, which is stored nowhere).
 */
export function contextOf(meta: RequestMeta, tenantId: string, businessDate: string, actor: string, idempotent = true): CommandContext {
  const key = idempotent ? meta.idempotencyKey : undefined;
  return {
    tenantId,
    actor,
    correlationId: meta.requestId,
    causationId: meta.requestId,
    commandId: key !== undefined ? deterministicUuid(tenantId, 'idempotency-key', meta.ownKey ?? key) : randomUUID(),
    ...(key !== undefined ? { idempotencyKey: key } : {}),
    businessDate,
  };
}
