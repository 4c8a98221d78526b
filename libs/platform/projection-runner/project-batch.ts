import { batchEnd, EventBatch, RecordedEvent } from '../event-store/event-store.port';
import { DocWrite, ReadStore } from '../read-store/read-store.port';
import { BatchView } from './batch-view';
import { DocKey, Projector } from './projector';

/**
 * Projects one batch of events and commits the writes together with the checkpoint (one transaction on
 * SQLite). The checkpoint moves to the batch's end (`batchEnd`) even when the projector read none of it, and
 * for a batch without events (only other types were appended: see SubscribeOptions.eventTypes).
 * Before an event the projector queries the store on, the pending writes are committed first (safe:
 * every write is guarded by position, and the checkpoint still moves only at the end).
 */
export async function projectBatch(projector: Projector, events: EventBatch, store: ReadStore): Promise<number> {
  const position = batchEnd(events);
  if (position === 0) return 0;
  await store.apply(await projectEvents(projector, events, store), { name: projector.name, position });
  return position;
}

/**
 * The writes a projector makes for these events, one per document touched, not yet committed (except
 * those committed before an event it queries the store on).
 */
export async function projectEvents(projector: Projector, events: RecordedEvent[], store: ReadStore): Promise<DocWrite[]> {
  const wanted = new Set(projector.eventTypes);
  const queries = new Set(projector.queriesStoreOn ?? []);
  const view = async (from: number): Promise<BatchView> => {
    const fresh = new BatchView(store);
    if (projector.prefetch) await fresh.prefetch(keysAhead(projector, events, from, wanted, queries));
    return fresh;
  };
  let current = await view(0);
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (!wanted.has(event.type)) continue;
    if (queries.has(event.type) && !current.isEmpty) {
      await store.apply(current.writes());
      current = await view(i);
    }
    current.record(await projector.project(event, current));
  }
  return current.writes();
}

/**
 * Projects a chunk of the log (in log order, after every chunk already projected) through every projector into the
 * store, in one apply: how a rebuild, time travel and the audit project. Each projector is handed only the events of
 * its types, grouped once per chunk, instead of every projector looking at every event of the chunk.
 */
export async function projectChunk(store: ReadStore, projectors: readonly Projector[], chunk: RecordedEvent[]): Promise<void> {
  if (chunk.length === 0) return;
  const byType = new Map<string, RecordedEvent[]>();
  for (const event of chunk) {
    const ofType = byType.get(event.type);
    if (ofType) ofType.push(event);
    else byType.set(event.type, [event]);
  }
  const writes: DocWrite[] = [];
  for (const projector of projectors) {
    const types = [...new Set(projector.eventTypes)].filter((type) => byType.has(type));
    if (types.length === 0) continue;
    const mine = types.flatMap((type) => byType.get(type) as RecordedEvent[]);
    if (types.length > 1) mine.sort((a, b) => a.position - b.position);
    for (const write of await projectEvents(projector, mine, store)) writes.push(write);
  }
  await store.apply(writes);
}

/** The documents the projector names for events[from] and those after it, up to the next event it queries on. */
function keysAhead(projector: Projector, events: RecordedEvent[], from: number, wanted: Set<string>, queries: Set<string>): DocKey[] {
  const keys: DocKey[] = [];
  for (let i = from; i < events.length; i++) {
    const event = events[i];
    if (!wanted.has(event.type)) continue;
    if (i > from && queries.has(event.type)) break; // the view is committed and made again there
    keys.push(...(projector.prefetch?.(event) ?? []));
  }
  return keys;
}
