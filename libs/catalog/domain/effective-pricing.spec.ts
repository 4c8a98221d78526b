import { Pricing } from './pricing';
import { CurrentPlan, effectivePricing, nearestOverride, StoredOverride } from './effective-pricing';

const perUnit = (unitPrice: string): Pricing => ({ model: 'perUnit', unitPrice });
const plan: CurrentPlan = {
  id: 'gold',
  version: 3,
  currency: 'USD',
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('100.00') },
    { id: 'data', name: 'Data', type: 'usage', pricing: perUnit('5.00') },
  ],
};
const override = (accountId: string, pricing: Pricing | null, discountPercent: string | null, serviceId = 'base', planId = 'gold'): StoredOverride => ({
  accountId,
  planId,
  serviceId,
  pricing,
  discountPercent,
});
const fromPlan = { accountId: null, kind: 'plan' };

describe('Effective pricing: the nearest override wins', () => {
  // chain: child → parent → grandparent
  const ancestors = ['parent', 'grandparent'];
  const gp = override('grandparent', perUnit('90'), null);
  const p = override('parent', perUnit('80'), '5');
  const c = override('child', perUnit('70'), null);
  const pDiscountOnly = override('parent', null, '10');

  it.each<[string, StoredOverride[], Pricing, string | null, string | null]>([
    ['no override anywhere: the plan', [], perUnit('100.00'), null, null],
    ['only the grandparent', [gp], perUnit('90'), null, 'grandparent'],
    ['parent nearer than grandparent', [gp, p], perUnit('80'), '5', 'parent'],
    ['the account itself nearest of all', [gp, p, c], perUnit('70'), null, 'child'],
    ['order of the overrides does not matter', [c, gp, p], perUnit('70'), null, 'child'],
    ['a nearer discount-only override is taken whole: plan price, not the farther override price', [gp, pDiscountOnly], perUnit('100.00'), '10', 'parent'],
    ['overrides of other plans are ignored', [override('child', perUnit('1'), null, 'base', 'silver')], perUnit('100.00'), null, null],
    ['overrides of accounts outside the chain are ignored', [override('sibling', perUnit('1'), null)], perUnit('100.00'), null, null],
  ])('%s', (_name, overrides, pricing, discountPercent, source) => {
    const base = effectivePricing('child', ancestors, plan, overrides).services[0];
    expect(base.pricing).toEqual(pricing);
    expect(base.discountPercent).toBe(discountPercent);
    expect(base.source).toEqual(source === null ? fromPlan : { accountId: source, kind: 'override' });
  });

  it('answers every service of the current version, each on its own', () => {
    const result = effectivePricing('child', ancestors, plan, [gp, override('child', null, '50', 'data'), override('child', perUnit('1'), null, 'gone')]);
    expect(result).toEqual({
      accountId: 'child',
      planId: 'gold',
      planVersion: 3,
      currency: 'USD',
      services: [
        { serviceId: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('90'), discountPercent: null, source: { accountId: 'grandparent', kind: 'override' } },
        { serviceId: 'data', name: 'Data', type: 'usage', pricing: perUnit('5.00'), discountPercent: '50', source: { accountId: 'child', kind: 'override' } },
      ],
    });
  });

  it('treats an account without ancestors as a root', () => {
    expect(effectivePricing('root', [], plan, [gp]).services.map((s) => s.source)).toEqual([fromPlan, fromPlan]);
    expect(nearestOverride(['root'], 'gold', 'base', [override('root', null, '1')])).toEqual(override('root', null, '1'));
  });
});
