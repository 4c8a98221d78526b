import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { InvalidInputError } from '../../shared-kernel/errors';
import { ReadStoreError } from '../read-store/query';
import { Doc, FindOptions, Page, ReadStore } from '../read-store/read-store.port';
import { parseCalendarDate } from '../../shared-kernel/calendar-date';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The `limit` and `cursor` query parameters of a paged list in the OpenAPI document (read with `pageSize` and the cursor). */
export const PageQueries = () =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, description: `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` }),
    ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' }),
  );

/**
 * Paging of the query API's keyset listings, shared by every route that takes `?limit=&cursor=`.
 * `limit`: 1–max, default `defaultSize`; anything else is a 400 naming `limit`.
 */
export function pageSize(raw: string | undefined, defaultSize = DEFAULT_PAGE_SIZE, max = MAX_PAGE_SIZE): number {
  if (raw === undefined) return defaultSize;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw InvalidInputError.forField('limit', 'range', `limit must be a whole number from 1 to ${max} (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

/** A cursor that is not one of ours (or made for another listing) is the client's mistake (400), not a server error. */
export function badCursor(): InvalidInputError {
  return InvalidInputError.forField('cursor', 'cursor', 'cursor must be the nextCursor of a previous page of the same listing, unchanged');
}

/** One page of a keyset listing; a foreign or altered cursor is a 400. */
export async function findPage<T extends Doc>(store: ReadStore, collection: string, tenantId: string, options: FindOptions, cursor: string | undefined): Promise<Page<T>> {
  try {
    return await store.find<T>(collection, tenantId, { ...options, ...(cursor ? { cursor } : {}) });
  } catch (error) {
    if (error instanceof ReadStoreError && /cursor/i.test(error.message)) throw badCursor();
    throw error;
  }
}

export function withCursor<T>(items: T[], nextCursor: string | undefined): { items: T[]; nextCursor?: string } {
  return nextCursor === undefined ? { items } : { items, nextCursor };
}

/**
 * A page of the lists of issue 22 (`GET /v1/accounts`, `/v1/invoices`, `/v1/plan-instances`): `{ items, nextCursor?, hasMore }`.
 * The older lists keep `withCursor` (no `hasMore`): their tests compare whole bodies, and changing them is one step of its own.
 */
export function listPage<T>(items: T[], nextCursor: string | undefined): { items: T[]; nextCursor?: string; hasMore: boolean } {
  return nextCursor === undefined ? { items, hasMore: false } : { items, nextCursor, hasMore: true };
}

/** A query parameter that must be one of `allowed` (when given): a 400 naming the parameter otherwise. */
export function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw InvalidInputError.forField(name, 'oneOf', `${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
}

/** A `YYYY-MM-DD` query parameter (when given), checked as every input date is: a 400 naming the parameter otherwise. */
export function dateParameter(name: string, raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : parseCalendarDate(raw, name);
}

/** A free-text query parameter (when given): a single, non-empty string of at most `max` characters. */
export function textParameter(name: string, raw: string | undefined, max = 200): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && raw.length > 0 && raw.length <= max) return raw;
  throw InvalidInputError.forField(name, 'text', `${name} must be a single non-empty value of at most ${max} characters`);
}
