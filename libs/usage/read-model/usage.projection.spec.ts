import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { UsageEvent, UsageRecord } from '../domain/usage.decider';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { USAGE_LATE_TOTALS, USAGE_TOTALS, usageProjection, usageTotalId } from './usage.projection';

let position = 0;
function recorded(records: UsageRecord[], accountId = 'acme', tenantId = 't1'): RecordedEvent {
  position += 1;
  const event: UsageEvent = { type: 'UsageRecorded', data: { accountId, month: records[0].occurredOn.slice(0, 7), records } };
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: `usage-${tenantId}.${accountId}.${event.data.month}`,
    revision: 0,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2026-11-22' },
  };
}
const usage = (quantity: string, occurredOn = '2026-11-03', serviceId = 'data', late?: true): UsageRecord => ({
  serviceId,
  quantity,
  occurredOn,
  idempotencyKey: `k${Math.random()}`,
  ...(late ? { late } : {}),
});

describe('usageTotals projection', () => {
  let dir: string;
  let store: ReadStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'usage-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(usageProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const totals = async (tenantId = 't1') => (await store.find(USAGE_TOTALS, tenantId, { limit: 1000 })).items.map(({ _position, ...doc }) => doc);

  it('sums exactly per account, service and day, counting records and late ones', async () => {
    await projectBatch(usageProjection, [recorded([usage('0.1'), usage('0.2'), usage('5', '2026-11-04'), usage('1', '2026-11-03', 'sms')])], store);
    await projectBatch(usageProjection, [recorded([usage('0.0000000001'), usage('2.5', '2026-11-03', 'data', true)])], store);
    expect(await totals()).toEqual([
      { id: usageTotalId('acme', 'data', '2026-11-03'), accountId: 'acme', serviceId: 'data', occurredOn: '2026-11-03', accountDay: 'acme/2026-11-03', total: '2.8000000001', count: 4, lateTotal: '2.5', lateCount: 1 },
      { id: usageTotalId('acme', 'data', '2026-11-04'), accountId: 'acme', serviceId: 'data', occurredOn: '2026-11-04', accountDay: 'acme/2026-11-04', total: '5', count: 1, lateTotal: '0', lateCount: 0 },
      { id: usageTotalId('acme', 'sms', '2026-11-03'), accountId: 'acme', serviceId: 'sms', occurredOn: '2026-11-03', accountDay: 'acme/2026-11-03', total: '1', count: 1, lateTotal: '0', lateCount: 0 },
    ]);
    // Only days with late usage have a late document.
    const late = (await store.find(USAGE_LATE_TOTALS, 't1', { limit: 1000 })).items.map(({ _position, ...doc }) => doc);
    expect(late).toEqual([{ id: usageTotalId('acme', 'data', '2026-11-03'), accountId: 'acme', serviceId: 'data', occurredOn: '2026-11-03', lateTotal: '2.5' }]);
  });

  it('keeps tenants and accounts apart', async () => {
    await projectBatch(usageProjection, [recorded([usage('1')], 'acme', 't1'), recorded([usage('2')], 'acme', 't2'), recorded([usage('3')], 'other', 't1')], store);
    expect((await totals('t1')).map((doc) => `${doc.accountId}:${doc.total}`)).toEqual(['acme:1', 'other:3']);
    expect((await totals('t2')).map((doc) => `${doc.accountId}:${doc.total}`)).toEqual(['acme:2']);
  });

  it('gives the same documents whatever the batching, and a redelivered batch adds nothing', async () => {
    const events = Array.from({ length: 30 }, (_, i) => recorded([usage(`${Math.floor((i + 1) / 10)}.${(i + 1) % 10}`, `2026-11-0${1 + (i % 3)}`), usage('1', '2026-11-01', 'sms', i % 2 ? true : undefined)]));
    await projectBatch(usageProjection, events.slice(0, 7), store);
    await projectBatch(usageProjection, events.slice(7, 20), store);
    // Redelivery after a crash: a batch that overlaps what is committed.
    await projectBatch(usageProjection, events.slice(5, 25), store);
    await projectBatch(usageProjection, events.slice(25), store);
    const live = await store.find(USAGE_TOTALS, 't1', { limit: 1000 });

    await store.dropCollections([USAGE_TOTALS]);
    await projectBatch(usageProjection, events, store);
    expect(await store.find(USAGE_TOTALS, 't1', { limit: 1000 })).toEqual(live);
    expect((await totals()).map((doc) => `${doc.serviceId}/${doc.occurredOn}:${doc.total}:${doc.count}:${doc.lateCount}`)).toEqual([
      'data/2026-11-01:14.5:10:0', // 0.1 + 0.4 + … + 2.8, as decimal strings
      'data/2026-11-02:15.5:10:0',
      'data/2026-11-03:16.5:10:0',
      'sms/2026-11-01:30:30:15',
    ]);
  });
});
