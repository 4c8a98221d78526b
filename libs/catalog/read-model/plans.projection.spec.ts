import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PlanEvent } from '../domain/plan.events';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { PLAN_VERSIONS, PLANS, plansProjection } from './plans.projection';

const definition = {
  name: 'Gold',
  currency: 'USD',
  billingInterval: { unit: 'month' as const, count: 1 },
  services: [{ id: 'base', name: 'Base', type: 'recurring' as const, pricing: { model: 'perUnit' as const, unitPrice: '100.00' } }],
};

function recorded(event: PlanEvent, position: number, tenantId = 't1'): RecordedEvent {
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: `plan-${tenantId}.gold`,
    revision: position - 1,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2026-01-01' },
  };
}

const created = recorded({ type: 'PlanCreated', data: { planId: 'gold', version: 1, ...definition } }, 1);
const revised = recorded({ type: 'PlanRevised', data: { planId: 'gold', version: 2, ...definition, name: 'Gold 2' } }, 2);

async function project(store: ReadStore, events: RecordedEvent[]): Promise<void> {
  for (const event of events) await store.apply(await plansProjection.project(event, { get: async () => null, find: async () => ({ items: [] }) }));
}

describe('plans projection', () => {
  let dir: string;
  let store: ReadStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'plans-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(plansProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the current version and the version itself, both guarded by the event position', () => {
    expect(plansProjection.project(created, { get: async () => null, find: async () => ({ items: [] }) })).toEqual([
      { op: 'upsert', collection: PLANS, tenantId: 't1', id: 'gold', doc: { ...definition, version: 1 }, position: 1 },
      { op: 'upsert', collection: PLAN_VERSIONS, tenantId: 't1', id: 'gold@1', doc: { planId: 'gold', ...definition, version: 1 }, position: 1 },
    ]);
  });

  it('keeps every version readable and the latest current', async () => {
    await project(store, [created, revised]);
    expect(await store.get(PLANS, 't1', 'gold')).toMatchObject({ name: 'Gold 2', version: 2, _position: 2 });
    expect(await store.get(PLAN_VERSIONS, 't1', 'gold@1')).toMatchObject({ planId: 'gold', name: 'Gold', version: 1 });
    expect(await store.get(PLAN_VERSIONS, 't1', 'gold@2')).toMatchObject({ planId: 'gold', name: 'Gold 2', version: 2 });
    const versions = await store.find(PLAN_VERSIONS, 't1', { filter: { planId: 'gold' }, sortBy: 'version' });
    expect(versions.items.map((doc) => doc.version)).toEqual([1, 2]);
  });

  it('changes nothing when an event is redelivered, even out of order', async () => {
    await project(store, [created, revised, created, revised]);
    expect(await store.get(PLANS, 't1', 'gold')).toMatchObject({ name: 'Gold 2', version: 2 });
  });

  it('keeps tenants apart', async () => {
    await project(store, [created]);
    expect(await store.get(PLANS, 't2', 'gold')).toBeNull();
  });
});
