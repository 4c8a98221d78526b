import { createHash } from 'node:crypto';
import type { ChainLink, EventStore, ReadChainOptions } from './event-store.port';
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
  return createHash('sha256').update(text, 'utf8').digest('hex');
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
