import { EventStore } from '../event-store/event-store.port';
import { ReadStore } from '../read-store/read-store.port';
import { projectBatch } from './project-batch';
import { Projector } from './projector';

export interface RebuildReport {
  events: number;
  position: number;
  millis: number;
}

/**
 * Drops the projectors' read models and checkpoints and replays the whole log into them. Run it while
 * the projectors are stopped (`npm run rebuild` does it offline).
 */
export async function rebuildProjections(
  events: EventStore,
  store: ReadStore,
  projectors: Projector[],
  now: () => number,
  chunkSize = 5000,
): Promise<RebuildReport> {
  const started = now();
  await store.ensureCollections(projectors.flatMap((p) => p.collections));
  await store.dropCollections(projectors.flatMap((p) => p.collections.map((c) => c.name)));
  for (const projector of projectors) await store.deleteCheckpoint(projector.name);

  let position = 0;
  let count = 0;
  for (;;) {
    const chunk = await events.readAll({ after: position, maxCount: chunkSize });
    if (chunk.length === 0) break;
    for (const projector of projectors) await projectBatch(projector, chunk, store);
    position = chunk[chunk.length - 1].position;
    count += chunk.length;
  }
  return { events: count, position, millis: now() - started };
}
