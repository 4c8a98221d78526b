import { Doc, FindOptions, ReadStore, StoredDoc } from './read-store.port';

const PAGE = 1000;

/** Every document a query finds, page by page (keyset cursors), without holding more than a page. */
export async function* findEach<T extends Doc>(store: ReadStore, collection: string, tenantId: string, options: Omit<FindOptions, 'cursor' | 'limit'> = {}): AsyncGenerator<StoredDoc<T>> {
  let cursor: string | undefined;
  do {
    const page = await store.find<T>(collection, tenantId, { ...options, limit: PAGE, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** Every document a query finds, in one array: for queries known to be small (an account's, a pool's). */
export async function findAll<T extends Doc>(store: ReadStore, collection: string, tenantId: string, options: Omit<FindOptions, 'cursor' | 'limit'> = {}): Promise<StoredDoc<T>[]> {
  const found: StoredDoc<T>[] = [];
  for await (const doc of findEach<T>(store, collection, tenantId, options)) found.push(doc);
  return found;
}
