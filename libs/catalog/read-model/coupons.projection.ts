import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { DocKey, ProjectionView, Projector } from '../../platform/projection-runner/projector';
import type { CouponEvent } from '../domain/coupon.decider';

export const COUPONS = 'coupons';
/** One document per account with a coupon set on it (id: the account id): the coupon's terms, for billing. */
export const ACCOUNT_COUPONS = 'accountCoupons';

/**
 * Coupons (with how many accounts they were applied to, and whether they may still be applied) and the coupon set on
 * each account: billing walks the account's ancestors for the nearest one (DOMAIN.md §5, §13). Applying another coupon
 * to an account replaces it; removing one deletes the account's document only while it is still that coupon's (a
 * removal that raced with another coupon's application leaves the newer one in force).
 */
export const couponsProjection: Projector = {
  name: 'coupons',
  collections: [
    // deactivatedOn: GET /v1/coupons?active= filters on it (null, or missing on documents projected before it, is active).
    { name: COUPONS, indexes: ['deactivatedOn'] },
    { name: ACCOUNT_COUPONS, indexes: ['couponId'] },
  ],
  eventTypes: ['CouponCreated', 'CouponApplied', 'CouponDeactivated', 'CouponRemoved'],
  prefetch(recorded: RecordedEvent): DocKey[] {
    const event = recorded as unknown as RecordedEvent & CouponEvent;
    return event.type === 'CouponRemoved' ? [{ collection: ACCOUNT_COUPONS, tenantId: recorded.metadata.tenantId, id: event.data.accountId }] : [];
  },
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const event = recorded as unknown as RecordedEvent & CouponEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    switch (event.type) {
      case 'CouponCreated': {
        const { couponId, ...terms } = event.data;
        return [{ op: 'upsert', collection: COUPONS, tenantId, id: couponId, doc: { ...terms, redemptions: 0, deactivatedOn: null, deactivationReason: null }, position }];
      }
      case 'CouponApplied': {
        const { couponId, accountId, appliedOn, redemptions, coupon } = event.data;
        return [
          { op: 'patch', collection: COUPONS, tenantId, id: couponId, fields: { redemptions }, position },
          { op: 'upsert', collection: ACCOUNT_COUPONS, tenantId, id: accountId, doc: { couponId, appliedOn, coupon }, position },
        ];
      }
      case 'CouponDeactivated': {
        const { couponId, deactivatedOn, reason } = event.data;
        return [{ op: 'patch', collection: COUPONS, tenantId, id: couponId, fields: { deactivatedOn, deactivationReason: reason }, position }];
      }
      case 'CouponRemoved': {
        const { couponId, accountId } = event.data;
        const current = await view.get(ACCOUNT_COUPONS, tenantId, accountId);
        return current?.couponId === couponId ? [{ op: 'delete', collection: ACCOUNT_COUPONS, tenantId, id: accountId, position }] : [];
      }
      default:
        return [];
    }
  },
};
