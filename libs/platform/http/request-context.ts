import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CommandContext } from '../command-pipeline/command-context';
import { deterministicUuid } from '../../shared-kernel/ids';
import { InvalidInputError } from '../../shared-kernel/errors';
import { customerSessionOf } from './customer-access';

/**
 * The command context of an HTTP request. With an Idempotency-Key the command id is derived from the
 * tenant and the key, so a repeat (even after a crash) is recognised in the aggregate's stream.
 */
export function commandContextFrom(request: FastifyRequest, tenantId: string, businessDate: string): CommandContext {
  const idempotencyKey = idempotencyKeyOf(request);
  const principal = request.principal;
  const actor = actorOf(request, principalName(request));
  return {
    tenantId,
    actor,
    correlationId: String(request.id),
    causationId: String(request.id),
    commandId: idempotencyKey ? deterministicUuid(tenantId, 'idempotency-key', ownIdempotencyKey(request, idempotencyKey)) : randomUUID(),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    businessDate,
    ...reasonOf(request),
  };
}

/** The longest body `reason` kept in the events' metadata; a longer one is left to the command's own check. */
export const MAX_METADATA_REASON = 500;

/** The request body's `reason`, when it is a non-empty string of at most 500 characters (decision 0018). */
function reasonOf(request: FastifyRequest): { reason?: string } {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const reason = (body as { reason?: unknown }).reason;
  return typeof reason === 'string' && reason.trim().length > 0 && reason.length <= MAX_METADATA_REASON ? { reason } : {};
}

/** The key that authenticated the request, or the signed-in customer user (self-service). */
function principalName(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) return 'anonymous';
  const session = customerSessionOf(request);
  if (session) return `customer:${session.userId}`;
  return `${principal.kind}-key:${principal.keyHash.slice(0, 12)}`;
}

/**
 * A customer's Idempotency-Key is its own: the same string from the tenant's key (or another customer) names
 * another request, so it neither replays that one's answer nor makes its command a no-op.
 */
export function ownIdempotencyKey(request: FastifyRequest, key: string): string {
  const session = customerSessionOf(request);
  return session ? `customer:${session.userId}:${key}` : key;
}

export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key.length === 0 || key.length > 255) {
    throw InvalidInputError.forField('Idempotency-Key', 'length', 'Idempotency-Key must be 1 to 255 characters');
  }
  return key;
}

/** An operator may name themselves in X-Actor (kept in every event's metadata); otherwise the key is the actor. */
function actorOf(request: FastifyRequest, fallback: string): string {
  const raw = request.headers['x-actor'];
  const named = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!named) return fallback;
  if (named.length > 100) throw InvalidInputError.forField('X-Actor', 'length', 'X-Actor must be at most 100 characters');
  return `${named} (${fallback})`;
}
