import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import type { InstallmentTermEvent, ItemEvent } from '../domain';
import { installmentTermById, installmentTermOf, installmentTermsProjection, itemById, itemsProjection, projectors } from './index';

const view = { get: async () => null, find: async () => ({ items: [] }) };

function recorded(event: ItemEvent | InstallmentTermEvent, position: number, tenantId = 't1'): RecordedEvent {
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: 'x',
    revision: 0,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2026-01-01' },
  };
}

const item = recorded({ type: 'ItemCreated', data: { itemId: 'kit', name: 'Kit', currency: 'USD', unitPrice: '1000.00', createdOn: '2026-01-01' } }, 1);
const term = recorded(
  {
    type: 'InstallmentTermCreated',
    data: { termId: 'aligned-6', name: 'Aligned', schedule: 'aligned', frequency: null, installments: 6, lumpSum: { percent: '20' }, daysUntilDue: 10, lumpSumDaysUntilDue: 0, createdOn: '2026-01-01' },
  },
  2,
);

describe('orders catalog read model', () => {
  let dir: string;
  let store: ReadStore;
  const project = async (events: RecordedEvent[]) => {
    for (const event of events) {
      const projector = event.type === 'ItemCreated' ? itemsProjection : installmentTermsProjection;
      await store.apply(await projector.project(event, view));
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'orders-catalog-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(projectors.flatMap((projector) => projector.collections));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('looks up items with their unit amount in minor units, per tenant; redelivery changes nothing', async () => {
    await project([item, item]);
    expect(await itemById(store, 't1', 'kit')).toMatchObject({ itemId: 'kit', name: 'Kit', currency: 'USD', unitPrice: '1000.00', unitAmount: 100000, createdOn: '2026-01-01', _position: 1 });
    expect(await itemById(store, 't2', 'kit')).toBeNull();
    expect(await itemById(store, 't1', 'nope')).toBeNull();
  });

  it('looks up terms, per tenant, and gives back the domain value', async () => {
    await project([term]);
    const doc = await installmentTermById(store, 't1', 'aligned-6');
    expect(doc).not.toBeNull();
    expect(installmentTermOf(doc!)).toStrictEqual({
      id: 'aligned-6',
      name: 'Aligned',
      schedule: 'aligned',
      frequency: null,
      installments: 6,
      lumpSum: { percent: '20' },
      daysUntilDue: 10,
      lumpSumDaysUntilDue: 0,
    });
    expect(await installmentTermById(store, 't2', 'aligned-6')).toBeNull();
  });
});
