import { InvalidInputError } from '../../shared-kernel/errors';
import { ReadStoreError } from '../read-store/query';
import { Doc, FindOptions, Page, ReadStore } from '../read-store/read-store.port';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

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
