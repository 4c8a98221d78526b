import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { CouponEvent } from '../domain/coupon.decider';

export const COUPONS = 'coupons';
/** One document per account with a coupon set on it (id: the account id): the coupon's terms, for billing. */
export const ACCOUNT_COUPONS = 'accountCoupons';

/**
 * Coupons (with how many accounts they were applied to) and the coupon set on each account: billing walks the
 * account's ancestors for the nearest one (DOMAIN.md §5, §13). Applying another coupon to an account replaces it.
 */
export const couponsProjection: Projector = {
  name: 'coupons',
  collections: [
    { name: COUPONS, indexes: [] },
    { name: ACCOUNT_COUPONS, indexes: ['couponId'] },
  ],
  eventTypes: ['CouponCreated', 'CouponApplied'],
  project(recorded: RecordedEvent): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & CouponEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    switch (event.type) {
      case 'CouponCreated': {
        const { couponId, ...terms } = event.data;
        return [{ op: 'upsert', collection: COUPONS, tenantId, id: couponId, doc: { ...terms, redemptions: 0 }, position }];
      }
      case 'CouponApplied': {
        const { couponId, accountId, appliedOn, redemptions, coupon } = event.data;
        return [
          { op: 'patch', collection: COUPONS, tenantId, id: couponId, fields: { redemptions }, position },
          { op: 'upsert', collection: ACCOUNT_COUPONS, tenantId, id: accountId, doc: { couponId, appliedOn, coupon }, position },
        ];
      }
      default:
        return [];
    }
  },
};
