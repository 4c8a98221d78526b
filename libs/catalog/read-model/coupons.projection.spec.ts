import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CouponEvent } from '../domain/coupon.decider';
import type { CouponTerms } from '../domain/coupon';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { couponInForce } from './billing-adjustments';
import { ACCOUNT_COUPONS, COUPONS, couponsProjection } from './coupons.projection';

const terms = (couponId: string): CouponTerms => ({
  couponId, name: couponId, percentOff: '10', amountOff: null, currency: null, duration: 'forever', durationInPeriods: null,
  planIds: [], serviceIds: [], maxRedemptions: null, expiresOn: null,
});

let position = 0;
function recorded(event: CouponEvent, tenantId = 't1'): RecordedEvent {
  position += 1;
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: `coupon-${tenantId}.x`,
    revision: position - 1,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2024-01-01' },
  };
}

const created = (couponId: string) => recorded({ type: 'CouponCreated', data: { ...terms(couponId), createdOn: '2024-01-01' } });
const applied = (couponId: string, accountId: string) =>
  recorded({ type: 'CouponApplied', data: { couponId, accountId, appliedOn: '2024-01-01', redemptions: 1, coupon: terms(couponId) } });
const removed = (couponId: string, accountId: string) => recorded({ type: 'CouponRemoved', data: { couponId, accountId, removedOn: '2024-01-15', reason: 'asked' } });

describe('coupons projection: ending and removing coupons', () => {
  let dir: string;
  let store: ReadStore;
  const project = async (...events: RecordedEvent[]) => {
    for (const event of events) {
      await store.apply(await couponsProjection.project(event, { get: (collection, tenantId, id) => store.get(collection, tenantId, id), find: (c, t, o) => store.find(c, t, o) }));
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'coupons-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(couponsProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a removal takes the coupon off the account: billing then finds the ancestor’s, or none', async () => {
    await project(created('ten'), created('five'), applied('ten', 'parent'), applied('five', 'child'));
    expect((await couponInForce(store, 't1', 'child', ['parent']))?.couponId).toBe('five');
    await project(removed('five', 'child'));
    expect(await store.get(ACCOUNT_COUPONS, 't1', 'child')).toBeNull();
    expect((await couponInForce(store, 't1', 'child', ['parent']))?.couponId).toBe('ten');
    await project(removed('ten', 'parent'));
    expect(await couponInForce(store, 't1', 'child', ['parent'])).toBeUndefined();
  });

  it('a removal of a coupon the account no longer has (replaced meanwhile) leaves the newer one in force', async () => {
    await project(created('ten'), created('five'), applied('ten', 'a'), applied('five', 'a'), removed('ten', 'a'));
    expect(await store.get(ACCOUNT_COUPONS, 't1', 'a')).toMatchObject({ couponId: 'five' });
  });

  it('a deactivation marks the coupon, which GET /v1/coupons?active= filters on (a document without the field counts as active)', async () => {
    await project(created('ten'), created('five'), recorded({ type: 'CouponDeactivated', data: { couponId: 'ten', deactivatedOn: '2024-02-01', reason: 'ended' } }));
    expect(await store.get(COUPONS, 't1', 'ten')).toMatchObject({ deactivatedOn: '2024-02-01', deactivationReason: 'ended' });
    // A document projected before the field existed.
    await store.apply([{ op: 'upsert', collection: COUPONS, tenantId: 't1', id: 'old', doc: { name: 'old', redemptions: 0 }, position: 1000 }]);
    const ids = async (filter: Record<string, unknown>) => (await store.find(COUPONS, 't1', { filter: filter as never })).items.map((doc) => doc.id);
    expect(await ids({ deactivatedOn: null })).toEqual(['five', 'old']);
    expect(await ids({ deactivatedOn: { ne: null } })).toEqual(['ten']);
  });
});
