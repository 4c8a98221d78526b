import type Database from 'better-sqlite3';
import type { ChainLink, ChainVerification } from '../event-store.port';
import { chainHashOfText, ChainVerifier } from '../hash-chain';
import { TENANT } from './tenant-column';

/** Events and links read at a time. */
const PAGE = 10_000;

type EventRow = [position: number, streamName: string, id: string, type: string, data: string, metadata: string, recordedAt: string];

/**
 * The tenant's kept chain (`event_chain`) checked against its events through `through`, on this connection, in one
 * read transaction (one snapshot of the file). Each link is recomputed from the stored text, which is what the store
 * hashed when it appended the event. Synchronous: the chain thread (./chain-thread.main.ts) runs it on a connection
 * of its own; a store in memory, which no other connection can open, runs it on its own.
 */
export function verifyChainOn(db: Database.Database, tenantId: string, through: number, maxBreaks: number): ChainVerification {
  const readEvents = db
    .prepare<[string, number, number, number], EventRow>(
      `SELECT position, stream_name, id, type, data, metadata, recorded_at FROM events
       WHERE ${TENANT} = ? AND position > ? AND position <= ? ORDER BY position LIMIT ?`,
    )
    .raw(true);
  const readLinks = db.prepare<[string, number, number], ChainLink>('SELECT position, seq, hash FROM event_chain WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?');
  return db.transaction(() => {
    const verifier = new ChainVerifier(maxBreaks);
    let kept: ChainLink[] = [];
    let keptIndex = 0;
    let keptDone = false;
    const nextKept = (): ChainLink | undefined => {
      if (keptIndex >= kept.length && !keptDone) {
        const afterSeq = kept.length > 0 ? kept[kept.length - 1].seq : 0;
        kept = readLinks.all(tenantId, afterSeq, PAGE);
        keptIndex = 0;
        keptDone = kept.length < PAGE;
      }
      return kept[keptIndex++];
    };
    for (let after = 0; ; ) {
      const rows = readEvents.all(tenantId, after, through, PAGE);
      for (const [position, stream, id, type, data, metadata, recordedAt] of rows) {
        verifier.next(
          position,
          (previousHash, seq) => chainHashOfText(previousHash, seq, id, type, stream, data, metadata, recordedAt),
          nextKept(),
          () => ({ position, id, type, stream, businessDate: String((JSON.parse(metadata) as { businessDate?: unknown }).businessDate ?? '') }),
        );
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1][0];
    }
    // Kept links beyond the events (an event removed from the log).
    for (let link = nextKept(); link && link.position <= through; link = nextKept()) verifier.extra(link);
    return verifier.result();
  })();
}
