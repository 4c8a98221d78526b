import { NotFoundError } from '../../shared-kernel/errors';
import { refusal } from '../../shared-kernel/testing/refusal';
import { decideCoupon } from './testing/coupon-fixtures';
import { CouponCommand, couponDecider, CouponEvent } from './coupon.decider';
import { taxRateDecider } from './tax-rate';

const create = (input: Record<string, unknown>): CouponCommand => ({ type: 'CreateCoupon', data: { couponId: 'promo', input, today: '2024-01-10' } });
const apply = (accountId: string, today = '2024-01-10', accountCurrency: string | null = 'USD'): CouponCommand => ({ type: 'ApplyCoupon', data: { couponId: 'promo', accountId, accountCurrency, today } });

describe('Coupon decider', () => {
  it('creates a coupon with its terms normalised', () => {
    const [event] = decideCoupon([], create({ name: ' Spring ', percentOff: '10.50', duration: 'repeating', durationInPeriods: 3, planIds: ['gold'], expiresOn: '2024-03-31' }));
    expect(event).toEqual({
      type: 'CouponCreated',
      data: {
        couponId: 'promo', name: 'Spring', percentOff: '10.5', amountOff: null, currency: null, duration: 'repeating', durationInPeriods: 3,
        planIds: ['gold'], serviceIds: [], maxRedemptions: null, expiresOn: '2024-03-31', createdOn: '2024-01-10',
      },
    });
  });

  it.each([
    ['both percentOff and amountOff', { percentOff: '10', amountOff: 500, currency: 'USD' }, 'percentOff', 'percentOrAmount'],
    ['neither percentOff nor amountOff', {}, 'percentOff', 'percentOrAmount'],
    ['a percent over 100', { percentOff: '100.01' }, 'percentOff', 'percent'],
    ['a percent of 0', { percentOff: '0' }, 'percentOff', 'percent'],
    ['amountOff without a currency', { amountOff: 500 }, 'currency', 'currencyWithAmount'],
    ['a negative amountOff', { amountOff: -5, currency: 'USD' }, 'amountOff', 'range'],
    ['an unknown currency', { amountOff: 500, currency: 'XXY' }, 'currency', 'isoCurrency'],
    ['repeating without durationInPeriods', { percentOff: '10', duration: 'repeating' }, 'durationInPeriods', 'required'],
    ['durationInPeriods on forever', { percentOff: '10', duration: 'forever', durationInPeriods: 2 }, 'durationInPeriods', 'onlyWhenRepeating'],
    ['an unknown duration', { percentOff: '10', duration: 'weekly' }, 'duration', 'oneOf'],
    ['maxRedemptions of 0', { percentOff: '10', maxRedemptions: 0 }, 'maxRedemptions', 'range'],
    ['a malformed expiry', { percentOff: '10', expiresOn: '2024-02-30' }, 'expiresOn', 'isoDate'],
  ])('refuses %s (400 naming the field and the rule)', (_case, body, field, rule) => {
    const refused = refusal(() => decideCoupon([], create({ name: 'Promo', duration: 'once', ...body })));
    expect(refused.status).toBe(400);
    expect(refused.details).toContainEqual({ field, rule });
  });

  const created = decideCoupon([], create({ name: 'Promo', percentOff: '10', duration: 'forever', maxRedemptions: 2, expiresOn: '2024-01-31' }));

  it('is applied to accounts, each counted once against maxRedemptions', () => {
    const first = decideCoupon(created, apply('a'));
    expect(first).toEqual([{ type: 'CouponApplied', data: expect.objectContaining({ couponId: 'promo', accountId: 'a', appliedOn: '2024-01-10', redemptions: 1 }) }]);
    const again = decideCoupon([...created, ...first], apply('a'));
    expect(again[0].data).toMatchObject({ redemptions: 1 });
    const second = decideCoupon([...created, ...first], apply('b'));
    expect(second[0].data).toMatchObject({ redemptions: 2 });
    // Exhausted: a third account is refused, one it was applied to is not.
    const refused = refusal(() => decideCoupon([...created, ...first, ...second], apply('c')));
    expect(refused).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponExhausted' }] });
    expect(decideCoupon([...created, ...first, ...second], apply('a'))).toHaveLength(1);
  });

  it('folds a long stream in one pass to the same state as evolving it event by event', () => {
    let events = created;
    for (const id of ['a', 'b', 'a']) events = [...events, ...decideCoupon(events, apply(id))];
    const evolved = events.reduce(couponDecider.evolve, couponDecider.initialState);
    expect(couponDecider.fold?.(events)).toEqual(evolved);
    expect([...(evolved?.appliedTo ?? [])]).toEqual(['a', 'b']);
  });

  it('cannot be applied after its expiry (on it, it can)', () => {
    expect(decideCoupon(created, apply('a', '2024-01-31'))).toHaveLength(1);
    expect(refusal(() => decideCoupon(created, apply('a', '2024-02-01')))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'couponExpired' }] });
  });

  it('applies an amount off only to accounts billed in its currency; a missing coupon or account is 404', () => {
    const amount = decideCoupon([], create({ name: 'Five off', amountOff: 500, currency: 'USD', duration: 'once' }));
    expect(refusal(() => decideCoupon(amount, apply('a', '2024-01-10', 'EUR')))).toEqual({ status: 422, details: [{ field: 'couponId', rule: 'sameCurrency' }] });
    expect(() => decideCoupon([], apply('a'))).toThrow(NotFoundError);
    expect(() => decideCoupon(created, apply('a', '2024-01-10', null))).toThrow(NotFoundError);
  });

  it('a repeated creation with the same terms writes nothing; other terms under the same id are a conflict', () => {
    expect(decideCoupon(created, create({ name: 'Promo', percentOff: '10', duration: 'forever', maxRedemptions: 2, expiresOn: '2024-01-31' }))).toEqual([]);
    expect(refusal(() => decideCoupon(created, create({ name: 'Promo', percentOff: '20', duration: 'forever' }))).status).toBe(409);
  });
});

describe('Tax rate decider', () => {
  const createRate = (input: Record<string, unknown>) => taxRateDecider.decide({ type: 'CreateTaxRate', data: { taxRateId: 'vat', input, today: '2024-01-10' } }, null);

  it('creates a rate, exclusive unless told', () => {
    expect(createRate({ name: 'VAT', percent: '20.0', country: 'GB' })).toEqual([
      { type: 'TaxRateCreated', data: { taxRateId: 'vat', name: 'VAT', percent: '20', country: 'GB', region: null, taxCategory: null, inclusive: false, createdOn: '2024-01-10' } },
    ]);
    expect(createRate({ name: 'CA', percent: '7.25', country: 'US', region: 'CA', taxCategory: 'saas', inclusive: true })[0].data).toMatchObject({ region: 'CA', taxCategory: 'saas', inclusive: true });
  });

  it.each([
    ['a percent over 100', { percent: '100.5' }, 'percent', 'percentRange'],
    ['a negative percent', { percent: '-1' }, 'percent', 'percentRange'],
    ['a percent that is not a number', { percent: 'twenty' }, 'percent', 'decimal'],
    ['a region without a country', { percent: '5', region: 'CA' }, 'region', 'regionNeedsCountry'],
    ['an unknown country', { percent: '5', country: 'ZZ' }, 'country', 'iso3166Alpha2'],
    ['inclusive that is not a boolean', { percent: '5', inclusive: 'yes' }, 'inclusive', 'boolean'],
  ])('refuses %s (400 naming the field and the rule)', (_case, body, field, rule) => {
    const refused = refusal(() => createRate({ name: 'VAT', ...body }));
    expect(refused.status).toBe(400);
    expect(refused.details).toContainEqual({ field, rule });
  });
});

