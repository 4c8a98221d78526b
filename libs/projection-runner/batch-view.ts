import { Doc, DocWrite, ReadStore } from '../read-store/read-store.port';
import { ProjectionView } from './projector';

/**
 * The documents of the store overlaid with the writes produced so far in the current batch, so a
 * projector that reads a document it changed a few events earlier sees its own change.
 */
export class BatchView implements ProjectionView {
  private readonly pending = new Map<string, Doc | null>();

  constructor(private readonly store: ReadStore) {}

  async get(collection: string, tenantId: string, id: string): Promise<Doc | null> {
    const key = keyOf(collection, tenantId, id);
    if (this.pending.has(key)) return this.pending.get(key) ?? null;
    return this.store.get(collection, tenantId, id);
  }

  async record(writes: DocWrite[]): Promise<void> {
    for (const write of writes) {
      const key = keyOf(write.collection, write.tenantId, write.id);
      if (write.op === 'upsert') this.pending.set(key, { ...write.doc, id: write.id });
      else if (write.op === 'delete') this.pending.set(key, null);
      else {
        const current = await this.get(write.collection, write.tenantId, write.id);
        if (current) this.pending.set(key, { ...current, ...write.fields });
      }
    }
  }
}

function keyOf(collection: string, tenantId: string, id: string): string {
  return `${collection}\u0000${tenantId}\u0000${id}`;
}
