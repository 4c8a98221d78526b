import { EventStore } from '../event-store/event-store.port';
import { ReadStore } from '../read-store/read-store.port';
import { projectChunk } from './project-batch';
import { Projector } from './projector';

export interface RebuildReport {
  events: number;
  position: number;
  millis: number;
}

/** After each chunk: how far the replay is (`position` of `head`, the log's head when it began). */
export type RebuildProgress = (progress: { position: number; head: number; events: number; millis: number }) => void;

/**
 * Drops the projectors' read models and checkpoints and replays the whole log into them. Run it while
 * the projectors are stopped (`npm run rebuild` does it offline). A chunk's writes of every projector
 * commit together, and the checkpoints only at the end: a rebuild that stops half-way leaves no
 * checkpoint, so the projectors start again from the beginning over documents that, being guarded by
 * position, come out the same.
 */
export async function rebuildProjections(
  events: EventStore,
  store: ReadStore,
  projectors: Projector[],
  now: () => number,
  chunkSize = 10_000,
  onProgress: RebuildProgress = () => undefined,
): Promise<RebuildReport> {
  const started = now();
  const head = await events.headPosition();
  await store.ensureCollections(projectors.flatMap((p) => p.collections));
  await store.dropCollections(projectors.flatMap((p) => p.collections.map((c) => c.name)));
  for (const projector of projectors) await store.deleteCheckpoint(projector.name);

  let position = 0;
  let count = 0;
  for (;;) {
    const chunk = await events.readAll({ after: position, maxCount: chunkSize });
    if (chunk.length === 0) break;
    await projectChunk(store, projectors, chunk);
    position = chunk[chunk.length - 1].position;
    count += chunk.length;
    onProgress({ position, head: Math.max(head, position), events: count, millis: now() - started });
  }
  for (const projector of projectors) await store.setCheckpoint(projector.name, position);
  return { events: count, position, millis: now() - started };
}
