import { ChainLink, EventStore } from '../event-store/event-store.port';
import { GENESIS_HASH } from '../event-store/hash-chain';

/**
 * A tenant's log with its hash chain as NDJSON (decision 0020, README "Audit"): one line per event of the tenant, in
 * log order:
 *
 *   {"seq":1,"position":12,"id":"…","type":"…","stream":"…","data":{…},"metadata":{…},"recordedAt":"…","previousHash":"000…","hash":"…"}
 *
 * `hash` is the chain as the store KEPT it (written on append on SQLite), not recomputed here: a third party that
 * recomputes it from the lines (verifyExport, or the few lines in the README) checks the log against the chain.
 */
export async function* exportTenant(events: EventStore, tenantId: string, pageSize = 1_000): AsyncGenerator<string> {
  let previous = GENESIS_HASH;
  let seq = 0;
  let links: ChainLink[] = [];
  let linkIndex = 0;
  for (let after = 0; ; ) {
    const read = await events.readTenant(tenantId, { after, maxCount: pageSize });
    for (const event of read.events) {
      seq += 1;
      if (linkIndex >= links.length) {
        links = await events.readChain(tenantId, { afterSeq: seq - 1, maxCount: pageSize });
        linkIndex = 0;
      }
      const link = links[linkIndex++];
      // An event without its link (or out of step with it) is exported with a null hash: verification fails there.
      const hash = link && link.seq === seq && link.position === event.position ? link.hash : null;
      const line = {
        seq,
        position: event.position,
        id: event.id,
        type: event.type,
        stream: event.streamName,
        data: event.data,
        metadata: event.metadata,
        recordedAt: event.recordedAt,
        previousHash: previous,
        hash,
      };
      yield `${JSON.stringify(line)}\n`;
      previous = hash ?? previous;
    }
    if (read.through >= read.head || read.through <= after) return;
    after = read.through;
  }
}

