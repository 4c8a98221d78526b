import { createHash } from 'node:crypto';
import { createEventStore } from '../../libs/platform/event-store';
import { canonicalJson } from '../../libs/platform/http/idempotency.interceptor';
import { createReadStore } from '../../libs/platform/read-store';
import { ReadStore, SYSTEM_TENANT } from '../../libs/platform/read-store/read-store.port';
import { Projector } from '../../libs/platform/projection-runner/projector';
import { rebuildProjections } from '../../libs/platform/projection-runner/rebuild';
import { allProjectors } from '../../apps/contexts';
import { TENANTS } from '../../libs/tenancy/read-model/tenants.projection';

/** A hash over every document of every projector, in every tenant, walking all pages; and the count. */
export async function hashReadModels(store: ReadStore, projectors: Projector[]): Promise<{ hash: string; documents: number }> {
  await store.ensureCollections(projectors.flatMap((p) => p.collections));
  const tenants = [SYSTEM_TENANT, ...(await allDocs(store, TENANTS, SYSTEM_TENANT)).map((t) => t.id as string)];
  const hash = createHash('sha256');
  let documents = 0;
  for (const collection of projectors.flatMap((p) => p.collections.map((c) => c.name)).sort()) {
    for (const tenantId of tenants) {
      for (const doc of await allDocs(store, collection, tenantId)) {
        hash.update(`${collection}\u0000${tenantId}\u0000${canonicalJson(doc)}\n`);
        documents++;
      }
    }
  }
  return { hash: hash.digest('hex'), documents };
}

/**
 * Opens the SQLite stores of a stopped app's data folder and expects every projector's documents to equal
 * what a rebuild from the log gives. `inspect` may look at the live documents first (and at their count).
 */
export async function expectSameAsRebuild(
  dataDir: string,
  inspect?: (store: ReadStore, live: { hash: string; documents: number }) => Promise<void>,
): Promise<void> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const store = createReadStore({ kind: 'sqlite', dataDir });
  try {
    const live = await hashReadModels(store, allProjectors);
    await inspect?.(store, live);
    await rebuildProjections(events, store, allProjectors, () => Date.now());
    expect(await hashReadModels(store, allProjectors)).toEqual(live);
  } finally {
    await events.close();
    await store.close();
  }
}

async function allDocs(store: ReadStore, collection: string, tenantId: string) {
  const docs = [];
  let cursor: string | undefined;
  do {
    const page = await store.find(collection, tenantId, { limit: 500, cursor });
    docs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return docs;
}
