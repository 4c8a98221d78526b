import { Projector } from '../projection-runner/projector';
import { MemoryReadStore } from '../read-store/memory/memory-read-store';

/**
 * A throwaway read store in memory (MemoryReadStore: the SQLite adapter's rules without SQL, decision 0028), with
 * the projectors' collections declared: where a replay of part of the log is projected and then queried, never
 * the application's store.
 */
export async function scratchReadStore(projectors: readonly Projector[]): Promise<MemoryReadStore> {
  const store = new MemoryReadStore();
  await store.ensureCollections(projectors.flatMap((projector) => projector.collections));
  return store;
}

