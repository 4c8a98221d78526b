import { hash } from 'node:crypto';
import type { ChainBreak, ChainLink, ChainVerification, EventRef, EventStore, ReadChainOptions } from './event-store.port';
import { assertValidCount } from './validation';

/**
 * The tenant's hash chain (issue 21, Must have 5; decision 0020): the tenant's events numbered 1, 2, 3, ... in log
 * order (`seq`), each with the hash
 *
 *   hash(n) = SHA-256 hex of JSON.stringify([hash(n-1), n, id, type, stream, data, metadata, recordedAt])
 *
 * with hash(0) = 64 zeros (GENESIS_HASH). Changing, removing, inserting or reordering any event of the tenant changes
 * the hash of that event and of every later one. Kept here, pure, so the stores, the audit and the export all hash
 * the same way; a third party needs only SHA-256 and JSON (README "Audit" has the few lines).
 */
export const GENESIS_HASH = '0'.repeat(64);

/** What of an event the chain covers. */
export interface ChainedEvent {
  id: string;
  type: string;
  streamName: string;
  data: unknown;
  metadata: unknown;
  recordedAt: string;
}

export function chainHash(previousHash: string, seq: number, event: ChainedEvent): string {
  return sha256(JSON.stringify([previousHash, seq, event.id, event.type, event.streamName, event.data, event.metadata, event.recordedAt]));
}

/**
 * The same hash from the event's data and metadata as JSON text (`JSON.stringify` of them, as the SQLite store keeps
 * them): no parse and stringify again on every append. Equal to `chainHash` for text written by JSON.stringify.
 */
export function chainHashOfText(
  previousHash: string,
  seq: number,
  id: string,
  type: string,
  streamName: string,
  dataJson: string,
  metadataJson: string,
  recordedAt: string,
): string {
  return sha256(`[${JSON.stringify(previousHash)},${seq},${JSON.stringify(id)},${JSON.stringify(type)},${JSON.stringify(streamName)},${dataJson},${metadataJson},${JSON.stringify(recordedAt)}]`);
}

function sha256(text: string): string {
  return hash('sha256', text, 'hex'); // one-shot: no Hash object per link
}

/**
 * The chain computed from the tenant's events as the store reads them (what an adapter that does not keep the chain
 * answers, and what the audit checks a kept chain against): links after `afterSeq`, at most `maxCount`.
 */
export async function computeChain(events: EventStore, tenantId: string, options: ReadChainOptions = {}): Promise<ChainLink[]> {
  if (typeof tenantId !== 'string' || tenantId.length === 0) throw new RangeError('readChain: tenantId must be a non-empty string');
  const afterSeq = options.afterSeq ?? 0;
  assertValidCount('afterSeq', afterSeq);
  const maxCount = options.maxCount ?? 1_000;
  assertValidCount('maxCount', maxCount);
  const links: ChainLink[] = [];
  let previous = GENESIS_HASH;
  let seq = 0;
  for (let after = 0; links.length < maxCount; ) {
    const read = await events.readTenant(tenantId, { after, maxCount: 1_000 });
    for (const event of read.events) {
      seq += 1;
      previous = chainHash(previous, seq, event);
      if (seq > afterSeq) links.push({ position: event.position, seq, hash: previous });
      if (links.length >= maxCount) break;
    }
    if (read.through >= read.head || read.through <= after) break;
    after = read.through;
  }
  return links;
}

/**
 * Checks a tenant's kept chain against the chain its events give, event by event in log order: each event's
 * recomputed link against the kept link at the same place, then the kept links left beyond the events. The caller
 * reads both (a store its own way) and hashes each event (`chainHash`, or `chainHashOfText` from the stored text).
 */
export class ChainVerifier {
  private links = 0;
  private head = GENESIS_HASH;
  private readonly breaks: ChainBreak[] = [];
  private truncated = false;

  constructor(private readonly maxBreaks: number) {}

  /** The tenant's next event: `hash` gives its link from the previous hash and its seq; `kept` is the kept link at its place. */
  next(position: number, hash: (previousHash: string, seq: number) => string, kept: ChainLink | undefined, ref: () => EventRef): void {
    this.links += 1;
    this.head = hash(this.head, this.links);
    if (!kept || kept.hash !== this.head || kept.position !== position) {
      this.report({ seq: this.links, position, kept: kept?.hash ?? null, recomputed: this.head, event: ref() });
    }
  }

  /** A kept link beyond the events (an event removed from the log). */
  extra(kept: ChainLink): void {
    this.report({ seq: kept.seq, position: kept.position, kept: kept.hash, recomputed: null, event: null });
  }

  result(): ChainVerification {
    return { links: this.links, head: this.head, breaks: [...this.breaks], truncated: this.truncated };
  }

  private report(chainBreak: ChainBreak): void {
    if (this.breaks.length < this.maxBreaks) this.breaks.push(chainBreak);
    else this.truncated = true;
  }
}
