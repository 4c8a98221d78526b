import { ChainBreak, ChainLink, ChainVerification, EventRef, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { chainHash, chainHashOfText, ChainVerifier } from '../event-store/hash-chain';
import { projectChunk } from '../projection-runner/project-batch';
import { Projector } from '../projection-runner/projector';
import { compareText, MemoryReadStore } from '../read-store/memory/memory-read-store';
import { Doc, ReadStore, StoredDoc } from '../read-store/read-store.port';
import { scratchReadStore } from '../time-travel/replay';

/**
 * The recompute-everything audit (issue 21, Must have 5; decision 0020): one tenant's log replayed through every
 * projector into a throwaway store, every document of the tenant compared with the stored one, and the tenant's
 * hash chain recomputed from its events and compared with the chain the store kept. Each difference names the
 * events whose projection wrote the document (and the one the stored document says it reflects).
 */

export type { ChainBreak, EventRef } from '../event-store/event-store.port';

export interface DocumentDifference {
  collection: string;
  id: string;
  /** missing: recomputed, not stored; unexpected: stored, not recomputed; changed: both, not equal. */
  kind: 'missing' | 'unexpected' | 'changed';
  /** The top-level fields that differ (every field of the document for missing and unexpected). */
  fields: string[];
  stored: Doc | null;
  recomputed: Doc | null;
  /** The events whose projection wrote the recomputed document (the last MAX_EVENTS_PER_DOCUMENT), and the stored one's. */
  events: EventRef[];
}

export interface AuditReport {
  tenantId: string;
  /** The log position audited through: the least of the head and the projectors' checkpoints. */
  position: number;
  /** The tenant's events replayed. */
  events: number;
  /** Documents compared (stored and recomputed, each once). */
  documents: number;
  /** Stored documents that reflect a later event than `position` (written while the audit ran): not compared. */
  skipped: number;
  /** The whole audit's time, and of it the replay (with the chain) alone. */
  millis: number;
  replayMillis: number;
  /** Events audited per second of the whole audit. */
  eventsPerSecond: number;
  differences: DocumentDifference[];
  /** True when more differences were found than reported (maxDifferences). */
  truncated: boolean;
  chain: { links: number; head: string; breaks: ChainBreak[] };
  ok: boolean;
}

export interface AuditOptions {
  events: EventStore;
  /** The stored read models (the application's store). */
  live: ReadStore;
  projectors: readonly Projector[];
  tenantId: string;
  /** Audit through this position (default: the least of the head and the projectors' checkpoints). */
  position?: number;
  /** Report at most this many document differences and chain breaks each. Default 1,000. */
  maxDifferences?: number;
  now?: () => number;
}

/** An event's data and metadata as the store keeps them: JSON text. */
interface StoredEventText {
  data: string;
  metadata: string;
}

const CHUNK = 50_000;
const MAX_EVENTS_PER_DOCUMENT = 20;

export async function auditTenant(options: AuditOptions): Promise<AuditReport> {
  const { events, live, projectors, tenantId } = options;
  const now = options.now ?? (() => performance.now());
  const maxDifferences = options.maxDifferences ?? 1_000;
  const started = now();
  const position = options.position ?? (await auditablePosition(events, live, projectors));

  const scratch = await scratchReadStore(projectors);
  try {
    // The chain: checked by the store on a thread of its own while this one replays (SQLite), else here, event by
    // event as the replay reads them.
    const apart = events.verifyChain?.(tenantId, { through: position, maxBreaks: maxDifferences });
    apart?.catch(() => undefined); // awaited below; a failure must not go unhandled while the replay runs
    const here = new ChainCheck(events, tenantId, maxDifferences);
    const replayed = await replayTenant(events, tenantId, position, scratch, projectors, apart ? undefined : (event, stored) => here.next(event, stored));
    const chain = apart ? await apart : await here.end(position);
    const replayMillis = now() - started;

    const compared = await compareDocuments(live, scratch, projectors, tenantId, position, maxDifferences);
    if (compared.differences.length > 0) {
      // The events behind each difference: a second replay that records which events wrote those documents (only
      // when there are differences, so a clean audit does not pay for it).
      const writers = await writersOf(events, tenantId, position, projectors, new Set(compared.differences.map((d) => keyOf(d.collection, d.id))));
      for (const difference of compared.differences) {
        const positions = [...(writers.get(keyOf(difference.collection, difference.id)) ?? [])];
        const storedPosition = difference.stored?._position;
        if (typeof storedPosition === 'number' && !positions.includes(storedPosition)) positions.push(storedPosition);
        difference.events = (await events.readPositions(positions.sort((a, b) => a - b))).map(refOf);
      }
    }
    const millis = now() - started;
    const breaks = chain.breaks;
    return {
      tenantId,
      position,
      events: replayed,
      documents: compared.documents,
      skipped: compared.skipped,
      millis: Math.round(millis),
      replayMillis: Math.round(replayMillis),
      eventsPerSecond: millis > 0 ? Math.round((replayed * 1000) / millis) : replayed,
      differences: compared.differences,
      truncated: compared.truncated || chain.truncated,
      chain: { links: chain.links, head: chain.head, breaks },
      ok: compared.differences.length === 0 && breaks.length === 0 && !compared.truncated,
    };
  } finally {
    await scratch.close();
  }
}

/** The least of the head and every projector's checkpoint: what every stored read model has seen. */
export async function auditablePosition(events: EventStore, live: ReadStore, projectors: readonly Projector[]): Promise<number> {
  let position = await events.headPosition();
  for (const projector of projectors) {
    const checkpoint = await live.getCheckpoint(projector.name);
    if (checkpoint !== null && checkpoint < position) position = checkpoint;
  }
  return position;
}

export function refOf(event: RecordedEvent): EventRef {
  return { position: event.position, id: event.id, type: event.type, stream: event.streamName, businessDate: String(event.metadata.businessDate ?? '') };
}

/**
 * Replays the tenant's log up to `position` through the projectors into the store; `each` sees every event first,
 * with its data and metadata as the store keeps them when the adapter gives them (SQLite).
 */
async function replayTenant(
  events: EventStore,
  tenantId: string,
  position: number,
  store: ReadStore,
  projectors: readonly Projector[],
  each?: (event: RecordedEvent, stored: StoredEventText | undefined) => Promise<void>,
): Promise<number> {
  let replayed = 0;
  for (let after = 0; after < position; ) {
    const read = await events.readTenant(tenantId, { after, maxCount: CHUNK });
    const chunk = read.events.filter((event) => event.position <= position);
    if (each) {
      for (let i = 0; i < chunk.length; i++) {
        const data = read.storedData?.[i];
        const metadata = read.storedMetadata?.[i];
        await each(chunk[i], data !== undefined && metadata !== undefined ? { data, metadata } : undefined);
      }
    }
    await projectChunk(store, projectors, chunk);
    replayed += chunk.length;
    if (read.through <= after) break;
    after = read.through;
  }
  return replayed;
}

/** For each of the wanted documents (keyOf), the positions of the last events whose projection wrote it. */
async function writersOf(events: EventStore, tenantId: string, position: number, projectors: readonly Projector[], wanted: Set<string>): Promise<Map<string, number[]>> {
  const writers = new Map<string, number[]>();
  const scratch = await scratchReadStore(projectors);
  try {
    await replayTenant(events, tenantId, position, scratch, projectors.map((projector) => recordingWriters(projector, wanted, writers)));
  } finally {
    await scratch.close();
  }
  return writers;
}

/** The projector, recording for each wanted document it writes the positions of the events that wrote it. */
function recordingWriters(projector: Projector, wanted: Set<string>, writers: Map<string, number[]>): Projector {
  return {
    ...projector,
    async project(event, view) {
      const writes = await projector.project(event, view);
      for (const write of writes) {
        const key = keyOf(write.collection, write.id);
        if (!wanted.has(key)) continue;
        const positions = writers.get(key) ?? [];
        if (positions[positions.length - 1] !== event.position) positions.push(event.position);
        if (positions.length > MAX_EVENTS_PER_DOCUMENT) positions.shift();
        writers.set(key, positions);
      }
      return writes;
    },
  };
}

/** Recomputes the chain event by event as the replay reads the events, against the kept links read a page at a time. */
class ChainCheck {
  private readonly verifier: ChainVerifier;
  private kept: ChainLink[] = [];
  private keptIndex = 0;
  private keptDone = false;

  constructor(
    private readonly events: EventStore,
    private readonly tenantId: string,
    maxBreaks: number,
  ) {
    this.verifier = new ChainVerifier(maxBreaks);
  }

  /** The next event of the tenant; from its stored text when given (the text the store hashed: no stringify again). */
  async next(event: RecordedEvent, stored?: StoredEventText): Promise<void> {
    const hash = stored
      ? (previousHash: string, seq: number) => chainHashOfText(previousHash, seq, event.id, event.type, event.streamName, stored.data, stored.metadata, event.recordedAt)
      : (previousHash: string, seq: number) => chainHash(previousHash, seq, event);
    this.verifier.next(event.position, hash, await this.keptLink(), () => refOf(event));
  }

  /** After the last event: kept links beyond the events (an event removed from the log) are breaks. */
  async end(position: number): Promise<ChainVerification> {
    for (let kept = await this.keptLink(); kept && kept.position <= position; kept = await this.keptLink()) this.verifier.extra(kept);
    return this.verifier.result();
  }

  private async keptLink(): Promise<ChainLink | undefined> {
    if (this.keptIndex >= this.kept.length && !this.keptDone) {
      const afterSeq = this.kept.length > 0 ? this.kept[this.kept.length - 1].seq : 0;
      this.kept = await this.events.readChain(this.tenantId, { afterSeq, maxCount: CHUNK });
      this.keptIndex = 0;
      this.keptDone = this.kept.length < CHUNK;
    }
    return this.kept[this.keptIndex++];
  }
}

/** Every document of the tenant in the projectors' collections, stored against recomputed, each once. */
async function compareDocuments(live: ReadStore, scratch: MemoryReadStore, projectors: readonly Projector[], tenantId: string, position: number, max: number) {
  const differences: DocumentDifference[] = [];
  let documents = 0;
  let skipped = 0;
  let truncated = false;
  const report = (difference: Omit<DocumentDifference, 'events'>) => {
    if (differences.length < max) differences.push({ ...difference, events: [] });
    else truncated = true;
  };
  const collections = [...new Set(projectors.flatMap((projector) => projector.collections.map((collection) => collection.name)))];
  for (const collection of collections) {
    // Stored documents, each against its recomputed twin. Equal JSON text is an equal document, so most are never
    // parsed; a different text may still be the same document (fields in another order): compared field by field.
    let twinned = 0;
    for await (const page of storedPages(live, collection, tenantId)) {
      const twins = scratch.textsOf(collection, tenantId, page.map((item) => item.id));
      page.forEach((item, i) => {
        const twin = twins[i];
        if (twin) twinned += 1;
        if (item.position > position) {
          skipped += 1;
          return;
        }
        documents += 1;
        if (twin && item.json === twin.text) return;
        const stored = item.doc ?? docOf(item.id, item.position, item.json as string);
        if (!twin) report({ collection, id: item.id, kind: 'unexpected', fields: fieldsOf(stored), stored, recomputed: null });
        else {
          const recomputed = docOf(item.id, twin.position, twin.text);
          const fields = differingFields(stored, recomputed);
          if (fields.length > 0) report({ collection, id: item.id, kind: 'changed', fields, stored, recomputed });
        }
      });
    }
    // Recomputed documents the store does not have: when fewer had a stored twin than were recomputed, which are
    // they (the stored ids read again: only then, as a clean audit has none).
    const recomputedIds = scratch.idsOf(collection, tenantId);
    if (twinned === recomputedIds.length) continue;
    const storedIds = new Set<string>();
    for await (const page of storedPages(live, collection, tenantId)) for (const item of page) storedIds.add(item.id);
    const missing = recomputedIds.filter((id) => !storedIds.has(id)).sort(compareText);
    for (let i = 0; i < missing.length; i += 1000) {
      for (const recomputed of await scratch.getMany(collection, tenantId, missing.slice(i, i + 1000))) {
        documents += 1;
        report({ collection, id: recomputed.id, kind: 'missing', fields: fieldsOf(recomputed), stored: null, recomputed });
      }
    }
  }
  return { differences, documents, skipped, truncated };
}

/** A stored document as the live store gives it: its JSON text where the adapter has `findText`, else parsed. */
interface StoredItem {
  id: string;
  position: number;
  json?: string;
  doc?: StoredDoc;
}

async function* storedPages(store: ReadStore, collection: string, tenantId: string): AsyncGenerator<StoredItem[]> {
  let cursor: string | undefined;
  do {
    const options = { limit: 1000, ...(cursor ? { cursor } : {}) };
    const page = store.findText
      ? await store.findText(collection, tenantId, options)
      : await store.find(collection, tenantId, options).then(({ items, nextCursor }) => ({ items: items.map((doc) => ({ id: doc.id, position: doc._position, doc })), nextCursor }));
    if (page.items.length > 0) yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

function docOf(id: string, position: number, json: string): StoredDoc {
  return { ...(JSON.parse(json) as Doc), id, _position: position };
}

function fieldsOf(doc: Doc): string[] {
  return Object.keys(doc).filter((field) => field !== '_position' && field !== 'id');
}

/** Top-level fields whose values differ (key order inside objects does not count: a JSON document has none). */
export function differingFields(stored: Doc, recomputed: Doc): string[] {
  const fields = new Set([...Object.keys(stored), ...Object.keys(recomputed)]);
  fields.delete('_position');
  return [...fields].filter((field) => !sameJson(stored[field], recomputed[field])).sort();
}

/**
 * Whether two JSON values are equal: objects by their defined fields in any order, arrays element by element.
 * Walked in place rather than printed and compared as text: most documents are equal, and this allocates nothing.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    defined += 1;
    if (!sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) defined -= 1;
  return defined === 0;
}

function keyOf(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}
