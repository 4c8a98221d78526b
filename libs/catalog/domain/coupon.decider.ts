import { assertNever, Decider } from '../../shared-kernel/decider';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { ConflictError, NotFoundError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';
import { assertApplicable, CouponTerms, parseCoupon } from './coupon';

/** A coupon was defined; the data is the whole of it. */
export type CouponCreated = { type: 'CouponCreated'; data: CouponTerms & { createdOn: CalendarDate } };
/**
 * The coupon was applied to an account (it and its descendants, unless a nearer account has its own): `coupon`
 * repeats the terms so the account's read model holds what billing needs. `redemptions` counts the distinct accounts.
 */
export type CouponApplied = { type: 'CouponApplied'; data: { couponId: string; accountId: string; appliedOn: CalendarDate; redemptions: number; coupon: CouponTerms } };

export type CouponEvent = CouponCreated | CouponApplied;

export type CouponCommand =
  | { type: 'CreateCoupon'; data: { couponId: string; input: Record<string, unknown>; today: CalendarDate } }
  | {
      type: 'ApplyCoupon';
      data: {
        couponId: string;
        accountId: string;
        /** The account's currency, or null when the account does not exist (404). */
        accountCurrency: string | null;
        today: CalendarDate;
      };
    };

export interface CouponState {
  coupon: CouponTerms;
  createdOn: CalendarDate;
  /** The accounts it was applied to, each once (maxRedemptions counts them); a set, as a coupon may reach many accounts. */
  appliedTo: ReadonlySet<string>;
}

/**
 * One coupon (stream `coupon-<tenant>.<id>`): its terms and the accounts it was applied to, in one stream so the
 * redemption limit holds under concurrent applications (the append is conditional on the version read).
 */
export const couponDecider: Decider<CouponCommand, CouponEvent, CouponState | null> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateCoupon': {
        const coupon = parseCoupon(command.data.couponId, command.data.input);
        if (state !== null) {
          // A retry of the same definition is answered as it was; another definition under the same id is a conflict.
          if (JSON.stringify(state.coupon) === JSON.stringify(coupon)) return [];
          throw new ConflictError(`coupon ${coupon.couponId} already exists with other terms; coupons cannot be changed, create another`, [
            { field: 'id', rule: 'unique', message: `coupon ${coupon.couponId} already exists` },
          ]);
        }
        return [{ type: 'CouponCreated', data: { ...coupon, createdOn: command.data.today } }];
      }
      case 'ApplyCoupon': {
        const { couponId, accountId, accountCurrency, today } = command.data;
        if (state === null) throw new NotFoundError('Coupon', couponId);
        if (accountCurrency === null) throw new NotFoundError('Account', accountId);
        assertApplicable(state.coupon, state.appliedTo, accountId, accountCurrency, today);
        const redemptions = state.appliedTo.size + (state.appliedTo.has(accountId) ? 0 : 1);
        return [{ type: 'CouponApplied', data: { couponId, accountId, appliedOn: today, redemptions, coupon: state.coupon } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'CouponCreated': {
        const { createdOn, ...coupon } = event.data;
        return { coupon, createdOn, appliedTo: new Set<string>() };
      }
      case 'CouponApplied': {
        if (state === null) throw new Error('CouponApplied before CouponCreated');
        return state.appliedTo.has(event.data.accountId) ? state : { ...state, appliedTo: new Set(state.appliedTo).add(event.data.accountId) };
      }
      default:
        return assertNever(event);
    }
  },
  // In one pass with one set: a coupon applied to 100,000 accounts loads in linear time, not by copying per event.
  fold(events) {
    let state: CouponState | null = null;
    const appliedTo = new Set<string>();
    for (const event of events) {
      if (event.type === 'CouponCreated') {
        const { createdOn, ...coupon } = event.data;
        state = { coupon, createdOn, appliedTo };
      } else appliedTo.add(event.data.accountId);
    }
    return state;
  },
};

/** The API view of a coupon. */
export function couponView(state: CouponState) {
  const { couponId, ...terms } = state.coupon;
  return { id: couponId, ...terms, redemptions: state.appliedTo.size, createdOn: state.createdOn };
}

export function couponStream(tenantId: string, couponId: string): string {
  return streamName('coupon', tenantId, couponId);
}
