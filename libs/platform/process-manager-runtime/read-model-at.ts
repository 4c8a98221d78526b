import { ReadStore } from '../read-store/read-store.port';

const POLL_MS = 20;
const WAIT_MS = 10 * 60_000;

/**
 * Resolves with the position one read model (its projector's checkpoint) has reached, once it has passed `position`;
 * throws after `waitMs`. Long by default: during a bill run the projectors run far behind the process managers.
 */
export async function readModelReached(store: ReadStore, projector: string, position: number, waitMs = WAIT_MS): Promise<number> {
  let reached = (await store.getCheckpoint(projector)) ?? 0;
  for (const deadline = Date.now() + waitMs; reached < position; reached = (await store.getCheckpoint(projector)) ?? 0) {
    if (Date.now() > deadline) throw new Error(`the ${projector} read model did not reach position ${position} in ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return reached;
}

/**
 * A process manager's question to one read model (a tenant's endpoints, its templates, its accounts in dunning), asked once
 * the read model has passed the event's position, and remembered per tenant until an event beyond what the read
 * model had passed when asked: a bill run's 100,000 invoices then ask once per projector batch, not once each.
 * The answer is as of that read-model position (never older than the event), as a fresh read would be.
 */
export class ReadModelAt<T> {
  private readonly answers = new Map<string, { upTo: number; value: T }>();

  constructor(
    private readonly projector: string,
    private readonly ask: (store: ReadStore, tenantId: string) => Promise<T>,
    private readonly waitMs = WAIT_MS,
  ) {}

  async at(store: ReadStore, tenantId: string, position: number): Promise<T> {
    const known = this.answers.get(tenantId);
    if (known && known.upTo >= position) return known.value;
    const reached = await readModelReached(store, this.projector, position, this.waitMs);
    const value = await this.ask(store, tenantId);
    this.answers.set(tenantId, { upTo: reached, value });
    return value;
  }
}
