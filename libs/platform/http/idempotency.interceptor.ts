import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, mergeMap, Observable, of } from 'rxjs';
import { ConflictError } from '../../shared-kernel/errors';
import { READ_STORE, ReadStore, SYSTEM_TENANT } from '../read-store/read-store.port';
import { idempotencyKeyOf, ownIdempotencyKey } from './request-context';

export const IDEMPOTENCY_KEYS = 'idempotencyKeys';
export const IDEMPOTENCY_COLLECTION = { name: IDEMPOTENCY_KEYS, indexes: [] };

type IdempotencyRecord = {
  fingerprint: string;
  statusCode: number;
  body: unknown;
  logPosition?: string;
};

/** Secrets shown once (a new tenant's API key, a customer's session token) are never kept; a replay returns the body without them. */
const NEVER_STORED = new Set(['apiKey', 'token']);

/**
 * `Idempotency-Key` on POST/PUT/PATCH: the first response is kept; a repeat with the same key and body
 * returns it and writes nothing; the same key with another body is 409. Two requests racing with one key
 * are both safe: the command id derived from the key makes the second a no-op in the aggregate's stream.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = ['POST', 'PUT', 'PATCH'].includes(request.method) ? idempotencyKeyOf(request) : undefined;
    if (key === undefined) return next.handle();

    const principal = request.principal;
    const scope = principal?.kind === 'tenant' || principal?.kind === 'customer' ? principal.tenant.id : SYSTEM_TENANT;
    const id = sha256(ownIdempotencyKey(request, key));
    const fingerprint = sha256(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`);
    return from(this.store.get<IdempotencyRecord>(IDEMPOTENCY_KEYS, scope, id)).pipe(
      mergeMap((record) => {
        if (record) return of(replay(record, fingerprint, reply));
        return next.handle().pipe(
          mergeMap(async (body) => {
            const logPosition = reply.getHeader('x-log-position');
            const stored: IdempotencyRecord = {
              fingerprint,
              statusCode: this.statusOf(context, request, reply),
              body: withoutSecrets(body),
              ...(logPosition !== undefined ? { logPosition: String(logPosition) } : {}),
            };
            // Position 1: the first record for a key wins; a racing second request cannot overwrite it.
            await this.store.apply([{ op: 'upsert', collection: IDEMPOTENCY_KEYS, tenantId: scope, id, doc: { ...stored }, position: 1 }]);
            return body;
          }),
        );
      }),
    );
  }

  private statusOf(context: ExecutionContext, request: FastifyRequest, reply: FastifyReply): number {
    if (reply.statusCode !== 200) return reply.statusCode;
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    return declared ?? (request.method === 'POST' ? 201 : 200);
  }
}

function replay(record: IdempotencyRecord, fingerprint: string, reply: FastifyReply): unknown {
  if (record.fingerprint !== fingerprint) {
    throw new ConflictError('This Idempotency-Key was already used with a different request', [
      { field: 'Idempotency-Key', rule: 'sameRequest', message: 'reuse a key only to repeat the identical request' },
    ]);
  }
  void reply.status(record.statusCode).header('idempotent-replayed', 'true');
  if (record.logPosition !== undefined) void reply.header('x-log-position', record.logPosition);
  return record.body;
}

function withoutSecrets(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([field]) => !NEVER_STORED.has(field)));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON with sorted keys, so the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
