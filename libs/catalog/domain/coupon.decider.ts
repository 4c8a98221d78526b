import { assertNever, Decider } from '../../shared-kernel/decider';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { ConflictError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { text } from '../../shared-kernel/validation';
import { streamName } from '../../shared-kernel/streams';
import { assertApplicable, CouponTerms, parseCoupon } from './coupon';

/** A coupon was defined; the data is the whole of it. */
export type CouponCreated = { type: 'CouponCreated'; data: CouponTerms & { createdOn: CalendarDate } };
/**
 * The coupon was applied to an account (it and its descendants, unless a nearer account has its own): `coupon`
 * repeats the terms so the account's read model holds what billing needs. `redemptions` counts the distinct accounts.
 */
export type CouponApplied = { type: 'CouponApplied'; data: { couponId: string; accountId: string; appliedOn: CalendarDate; redemptions: number; coupon: CouponTerms } };

/**
 * The coupon was ended (Stripe's "delete coupon"): it can no longer be applied. Accounts that have it keep it, and
 * it runs its duration there, until it is removed from them (CouponRemoved) or replaced.
 */
export type CouponDeactivated = { type: 'CouponDeactivated'; data: { couponId: string; deactivatedOn: CalendarDate; reason: string } };
/** The coupon was taken off an account: from the next invoice on, the account (and its descendants) no longer get it from there. */
export type CouponRemoved = { type: 'CouponRemoved'; data: { couponId: string; accountId: string; removedOn: CalendarDate; reason: string } };

export type CouponEvent = CouponCreated | CouponApplied | CouponDeactivated | CouponRemoved;

/** The longest reason kept with a deactivation or a removal (as a request's metadata reason, decision 0018). */
export const MAX_COUPON_REASON = 500;

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
    }
  | { type: 'DeactivateCoupon'; data: { couponId: string; reason: unknown; today: CalendarDate } }
  | {
      type: 'RemoveCoupon';
      data: {
        couponId: string;
        accountId: string;
        /** The coupon set on the account now (its read model, caught up), or null when none: removing another one is refused. */
        couponOnAccount: string | null;
        reason: unknown;
        today: CalendarDate;
      };
    };

export interface CouponState {
  coupon: CouponTerms;
  createdOn: CalendarDate;
  /** The accounts it was applied to, each once (maxRedemptions counts them); a set, as a coupon may reach many accounts. */
  appliedTo: ReadonlySet<string>;
  /** The accounts it was applied to and not removed from since (another coupon may have replaced it on some). */
  onAccounts: ReadonlySet<string>;
  /** When it was ended; null while it may be applied. */
  deactivated: { on: CalendarDate; reason: string } | null;
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
        if (state.deactivated !== null) {
          const message = `coupon ${couponId} was deactivated on ${state.deactivated.on} (${state.deactivated.reason}); it can no longer be applied`;
          throw new RuleViolationError(message, [{ field: 'couponId', rule: 'couponInactive', message }]);
        }
        assertApplicable(state.coupon, state.appliedTo, accountId, accountCurrency, today);
        const redemptions = state.appliedTo.size + (state.appliedTo.has(accountId) ? 0 : 1);
        return [{ type: 'CouponApplied', data: { couponId, accountId, appliedOn: today, redemptions, coupon: state.coupon } }];
      }
      case 'DeactivateCoupon': {
        const { couponId, today } = command.data;
        const reason = text(command.data.reason, 'reason', MAX_COUPON_REASON);
        if (state === null) throw new NotFoundError('Coupon', couponId);
        if (state.deactivated !== null) {
          const message = `coupon ${couponId} was already deactivated on ${state.deactivated.on}`;
          throw new RuleViolationError(message, [{ field: 'id', rule: 'couponInactive', message }]);
        }
        return [{ type: 'CouponDeactivated', data: { couponId, deactivatedOn: today, reason } }];
      }
      case 'RemoveCoupon': {
        const { couponId, accountId, couponOnAccount, today } = command.data;
        const reason = text(command.data.reason, 'reason', MAX_COUPON_REASON);
        if (state === null) throw new NotFoundError('Coupon', couponId);
        // Both must agree: the account's read model (another coupon may have replaced this one there) and this
        // stream (two removals racing: the second finds it gone, as the append is conditional on the version read).
        if (couponOnAccount !== couponId || !state.onAccounts.has(accountId)) {
          const now = couponOnAccount === null ? 'it has no coupon' : `its coupon is ${couponOnAccount}`;
          const message = `coupon ${couponId} is not applied to account ${accountId} (${now}); only the coupon set on the account itself can be removed from it`;
          throw new RuleViolationError(message, [{ field: 'couponId', rule: 'couponNotApplied', message }]);
        }
        return [{ type: 'CouponRemoved', data: { couponId, accountId, removedOn: today, reason } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'CouponCreated': {
        const { createdOn, ...coupon } = event.data;
        return { coupon, createdOn, appliedTo: new Set<string>(), onAccounts: new Set<string>(), deactivated: null };
      }
      case 'CouponApplied': {
        if (state === null) throw new Error('CouponApplied before CouponCreated');
        const { accountId } = event.data;
        return {
          ...state,
          appliedTo: state.appliedTo.has(accountId) ? state.appliedTo : new Set(state.appliedTo).add(accountId),
          onAccounts: state.onAccounts.has(accountId) ? state.onAccounts : new Set(state.onAccounts).add(accountId),
        };
      }
      case 'CouponDeactivated': {
        if (state === null) throw new Error('CouponDeactivated before CouponCreated');
        return { ...state, deactivated: { on: event.data.deactivatedOn, reason: event.data.reason } };
      }
      case 'CouponRemoved': {
        if (state === null) throw new Error('CouponRemoved before CouponCreated');
        const onAccounts = new Set(state.onAccounts);
        onAccounts.delete(event.data.accountId);
        return { ...state, onAccounts };
      }
      default:
        return assertNever(event);
    }
  },
  // In one pass with one set: a coupon applied to 100,000 accounts loads in linear time, not by copying per event.
  fold(events) {
    let state: CouponState | null = null;
    const appliedTo = new Set<string>();
    const onAccounts = new Set<string>();
    let deactivated: CouponState['deactivated'] = null;
    for (const event of events) {
      switch (event.type) {
        case 'CouponCreated': {
          const { createdOn, ...coupon } = event.data;
          state = { coupon, createdOn, appliedTo, onAccounts, deactivated };
          break;
        }
        case 'CouponApplied':
          appliedTo.add(event.data.accountId);
          onAccounts.add(event.data.accountId);
          break;
        case 'CouponRemoved':
          onAccounts.delete(event.data.accountId);
          break;
        case 'CouponDeactivated':
          deactivated = { on: event.data.deactivatedOn, reason: event.data.reason };
          break;
        default:
          assertNever(event);
      }
    }
    return state === null ? null : { ...state, deactivated };
  },
};

/** The API view of a coupon. */
export function couponView(state: CouponState) {
  const { couponId, ...terms } = state.coupon;
  return {
    id: couponId,
    ...terms,
    redemptions: state.appliedTo.size,
    remaining: terms.maxRedemptions === null ? null : Math.max(0, terms.maxRedemptions - state.appliedTo.size),
    createdOn: state.createdOn,
    active: state.deactivated === null,
    deactivatedOn: state.deactivated?.on ?? null,
    deactivationReason: state.deactivated?.reason ?? null,
  };
}

export function couponStream(tenantId: string, couponId: string): string {
  return streamName('coupon', tenantId, couponId);
}
