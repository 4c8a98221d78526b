import { NotFoundError } from '../../shared-kernel/errors';
import { fold } from '../../shared-kernel/decider';
import { refusal } from '../../shared-kernel/testing/refusal';
import { decideCoupon } from './testing/coupon-fixtures';
import { CouponCommand, couponDecider, CouponEvent, couponView } from './coupon.decider';

/** Ending a coupon and removing it from an account (decision 0021, "Managing coupons"). */
const create: CouponCommand = { type: 'CreateCoupon', data: { couponId: 'promo', input: { name: 'Promo', percentOff: '10', duration: 'forever', maxRedemptions: 3 }, today: '2024-01-10' } };
const apply = (accountId: string, today = '2024-01-10'): CouponCommand => ({ type: 'ApplyCoupon', data: { couponId: 'promo', accountId, accountCurrency: 'USD', today } });
const deactivate = (reason: unknown = 'Promotion ended', today = '2024-02-01'): CouponCommand => ({ type: 'DeactivateCoupon', data: { couponId: 'promo', reason, today } });
const remove = (accountId: string, couponOnAccount: string | null = 'promo', reason: unknown = 'Customer asked'): CouponCommand => ({
  type: 'RemoveCoupon',
  data: { couponId: 'promo', accountId, couponOnAccount, reason, today: '2024-02-15' },
});

function history(...commands: CouponCommand[]): CouponEvent[] {
  return commands.reduce<CouponEvent[]>((events, command) => [...events, ...decideCoupon(events, command)], []);
}

describe('Coupon decider: deactivating', () => {
  it('records the deactivation with its date and trimmed reason; the view says inactive, redemptions and remaining unchanged', () => {
    const given = history(create, apply('a'));
    expect(decideCoupon(given, deactivate('  Promotion ended '))).toEqual([{ type: 'CouponDeactivated', data: { couponId: 'promo', deactivatedOn: '2024-02-01', reason: 'Promotion ended' } }]);
    const state = fold(couponDecider, [...given, ...decideCoupon(given, deactivate())]);
    expect(couponView(state!)).toMatchObject({ id: 'promo', redemptions: 1, remaining: 2, active: false, deactivatedOn: '2024-02-01', deactivationReason: 'Promotion ended' });
  });

  it('refuses to apply a deactivated coupon (422 couponInactive on couponId), even to an account that had it', () => {
    const given = history(create, apply('a'), deactivate());
    expect(refusal(() => decideCoupon(given, apply('b', '2024-02-02')))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponInactive' }] });
    expect(refusal(() => decideCoupon(given, apply('a', '2024-02-02')))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponInactive' }] });
  });

  it('refuses a second deactivation (422 couponInactive on id), a missing reason (400 reason required) and an unknown coupon (404)', () => {
    const given = history(create, deactivate());
    expect(refusal(() => decideCoupon(given, deactivate()))).toEqual({ status: 422, details: [{ field: 'id', rule: 'couponInactive' }] });
    expect(refusal(() => decideCoupon(history(create), deactivate(null)))).toEqual({ status: 400, details: [{ field: 'reason', rule: 'required' }] });
    expect(refusal(() => decideCoupon(history(create), deactivate('   ')))).toEqual({ status: 400, details: [{ field: 'reason', rule: 'notBlank' }] });
    expect(refusal(() => decideCoupon(history(create), deactivate('x'.repeat(501))))).toEqual({ status: 400, details: [{ field: 'reason', rule: 'maxLength' }] });
    expect(() => decideCoupon([], deactivate())).toThrow(NotFoundError);
  });

  it('a deactivated coupon can still be removed from an account that has it', () => {
    const given = history(create, apply('a'), deactivate());
    expect(decideCoupon(given, remove('a'))).toEqual([{ type: 'CouponRemoved', data: { couponId: 'promo', accountId: 'a', removedOn: '2024-02-15', reason: 'Customer asked' } }]);
  });
});

describe('Coupon decider: removing from an account', () => {
  it('removes it; a second removal is refused (422 couponNotApplied on couponId), as is one from an account it was never applied to', () => {
    const given = history(create, apply('a'));
    const removed = decideCoupon(given, remove('a'));
    expect(removed).toEqual([{ type: 'CouponRemoved', data: { couponId: 'promo', accountId: 'a', removedOn: '2024-02-15', reason: 'Customer asked' } }]);
    // The stream itself refuses the second removal, even if the read model had not caught up (it still says promo).
    expect(refusal(() => decideCoupon([...given, ...removed], remove('a')))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponNotApplied' }] });
    expect(refusal(() => decideCoupon(given, remove('b')))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponNotApplied' }] });
  });

  it('refuses when the account now has another coupon or none (its read model), though the stream still lists it', () => {
    const given = history(create, apply('a'));
    expect(refusal(() => decideCoupon(given, remove('a', 'other')))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponNotApplied' }] });
    expect(refusal(() => decideCoupon(given, remove('a', null)))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponNotApplied' }] });
  });

  it('counts a removal back nothing: redemptions stay, and applying it again to the same account counts no new redemption', () => {
    const given = history(create, apply('a'), remove('a'));
    const again = decideCoupon(given, apply('a', '2024-03-01'));
    expect(again[0].data).toMatchObject({ accountId: 'a', redemptions: 1 });
    expect(couponView(fold(couponDecider, [...given, ...again])!)).toMatchObject({ redemptions: 1, remaining: 2, active: true });
    // ...and it can be removed again once re-applied.
    expect(decideCoupon([...given, ...again], remove('a'))).toHaveLength(1);
  });

  it('needs a reason (400 naming reason) and a known coupon (404)', () => {
    expect(refusal(() => decideCoupon(history(create, apply('a')), remove('a', 'promo', null)))).toEqual({ status: 400, details: [{ field: 'reason', rule: 'required' }] });
    expect(() => decideCoupon([], remove('a'))).toThrow(NotFoundError);
  });

  it('folds in one pass to the same state as evolving event by event', () => {
    const events = history(create, apply('a'), apply('b'), remove('a'), deactivate(), remove('b'));
    const evolved = events.reduce(couponDecider.evolve, couponDecider.initialState);
    expect(couponDecider.fold?.(events)).toEqual(evolved);
    expect([...(evolved?.appliedTo ?? [])]).toEqual(['a', 'b']);
    expect([...(evolved?.onAccounts ?? [])]).toEqual([]);
    expect(evolved?.deactivated).toEqual({ on: '2024-02-01', reason: 'Promotion ended' });
  });
});
