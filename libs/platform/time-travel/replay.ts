import { RecordedEvent } from '../event-store/event-store.port';
import { projectEvents } from '../projection-runner/project-batch';
import { Projector } from '../projection-runner/projector';
import { DocWrite, ReadStore } from '../read-store/read-store.port';
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

/**
 * Projects one chunk of events (in log order, after every chunk already projected) through every projector into
 * the store, exactly as `rebuildProjections` does: the same projection code the live projectors run, so a
 * document replayed from the log is the document the live read model held after the same events.
 */
export async function projectChunk(store: ReadStore, projectors: readonly Projector[], chunk: RecordedEvent[]): Promise<void> {
  if (chunk.length === 0) return;
  const writes: DocWrite[] = [];
  for (const projector of projectors) writes.push(...(await projectEvents(projector, chunk, store)));
  await store.apply(writes);
}
