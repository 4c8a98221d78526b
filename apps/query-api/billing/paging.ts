import { InvalidInputError } from '../../../libs/domain/shared/errors';
import { ReadStoreError } from '../../../libs/read-store/query';
import { Doc, FindOptions, Page, ReadStore } from '../../../libs/read-store/read-store.port';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** `limit`: 1–MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE; anything else is a 400 naming `limit`. */
export function pageSize(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) {
    throw InvalidInputError.forField('limit', 'range', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

/** One page of a keyset listing; a cursor that is not one of ours (or made for another listing) is a 400, not a server error. */
export async function findPage<T extends Doc>(store: ReadStore, collection: string, tenantId: string, options: FindOptions, cursor: string | undefined): Promise<Page<T>> {
  try {
    return await store.find<T>(collection, tenantId, { ...options, ...(cursor ? { cursor } : {}) });
  } catch (error) {
    if (error instanceof ReadStoreError && /cursor/i.test(error.message)) {
      throw InvalidInputError.forField('cursor', 'cursor', 'cursor must be the nextCursor of a previous page of the same listing, unchanged');
    }
    throw error;
  }
}

export function withCursor<T>(items: T[], nextCursor: string | undefined): { items: T[]; nextCursor?: string } {
  return nextCursor === undefined ? { items } : { items, nextCursor };
}
