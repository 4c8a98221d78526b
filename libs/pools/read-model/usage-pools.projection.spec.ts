import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PoolEvent, PoolPriceSource } from '../domain/pool.events';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { POOL_RATINGS, USAGE_POOLS, usagePoolsProjection } from './usage-pools.projection';

const source: PoolPriceSource = {
  planInstanceId: 'pi-1',
  planId: 'data',
  planVersion: 1,
  serviceName: 'GB',
  pricing: { model: 'perUnit', unitPrice: '1' },
  grid: { anchorDate: '2024-01-01', billDay: 1, interval: { unit: 'month', count: 1 } },
};
const header = { periodStart: '2024-01-10', periodEnd: '2024-02-01', currency: 'USD', totalQuantity: '3', amount: 300, memberCount: 2, parts: 2 };
const ids = { ownerAccountId: 'owner', serviceId: 'gb' };
const events: PoolEvent[] = [
  { type: 'UsagePoolSet', data: { ...ids, currency: 'USD', members: 'descendants', effectiveDate: '2024-01-10', source } },
  { type: 'UsagePoolSet', data: { ...ids, currency: 'USD', members: ['kid'], effectiveDate: '2024-01-20', source } },
  { type: 'PoolRated', data: { ...ids, ...header, part: 0, members: [], invoices: [] } },
  { type: 'PoolRated', data: { ...ids, ...header, part: 1, members: [], invoices: [] } },
  { type: 'PoolRatingPosted', data: { ...ids, ...header } },
];
const recorded = (event: PoolEvent, i: number): RecordedEvent => ({
  ...(event as unknown as { type: string; data: Record<string, unknown> }),
  id: `e${i}`,
  streamName: 'usagePool-t1.owner/gb',
  revision: i,
  position: i + 1,
  recordedAt: '2026-01-01T00:00:00.000Z',
  metadata: { tenantId: 't1', commandId: `c${i}`, correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2024-02-01' },
});

describe('usage-pools projection', () => {
  let dir: string;
  let store: ReadStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pools-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(usagePoolsProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each setting, the next period to rate and the ratings, whatever the batching and with redeliveries', async () => {
    const all = events.map(recorded);
    await projectBatch(usagePoolsProjection, all.slice(0, 3), store);
    await projectBatch(usagePoolsProjection, all.slice(2, 4), store); // a redelivered PoolRated counts once
    await projectBatch(usagePoolsProjection, all.slice(1), store);
    const pool = await store.get(USAGE_POOLS, 't1', 'owner/gb');
    expect(pool).toMatchObject({
      members: ['kid'],
      effectiveDate: '2024-01-20',
      settings: [
        { members: 'descendants', effectiveDate: '2024-01-10' },
        { members: ['kid'], effectiveDate: '2024-01-20' },
      ],
      nextPeriodStart: '2024-02-01',
      nextRatingDate: '2024-03-01',
      lastRating: { periodStart: '2024-01-10', periodEnd: '2024-02-01', totalQuantity: '3', amount: 300, memberCount: 2 },
    });
    const live = [await store.find(USAGE_POOLS, 't1'), await store.find(POOL_RATINGS, 't1')];
    expect(live[1].items).toMatchObject([{ partsPosted: 2, status: 'posted' }]);

    await store.dropCollections([USAGE_POOLS, POOL_RATINGS]);
    await projectBatch(usagePoolsProjection, all, store);
    expect([await store.find(USAGE_POOLS, 't1'), await store.find(POOL_RATINGS, 't1')]).toEqual(live);
  });

  it('a pool set part-way through its first period is next rated at the end of the owner period', async () => {
    await projectBatch(usagePoolsProjection, [recorded(events[0], 0)], store);
    expect(await store.get(USAGE_POOLS, 't1', 'owner/gb')).toMatchObject({ nextPeriodStart: '2024-01-10', nextRatingDate: '2024-02-01', lastRating: null });
  });
});
