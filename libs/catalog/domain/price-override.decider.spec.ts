import { InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { KnownPlan } from './price-override';
import { overrideView, PriceOverrideCommand, priceOverrideDecider, PriceOverrideEvent } from './price-override.decider';

const spec = specFor(priceOverrideDecider);
const gold: KnownPlan = { id: 'gold', currency: 'USD', serviceIds: ['base', 'data'] };
const perUnit = (unitPrice: string) => ({ model: 'perUnit' as const, unitPrice });
const set = (body: Record<string, unknown>, options: { accountCurrency?: string | null; plan?: KnownPlan | null } = {}): PriceOverrideCommand => ({
  type: 'SetPriceOverride',
  data: {
    accountId: 'acme',
    accountCurrency: options.accountCurrency === undefined ? 'USD' : options.accountCurrency,
    plan: options.plan === undefined ? gold : options.plan,
    planId: 'gold',
    serviceId: 'base',
    ...body,
  },
});
const overrideSet = (pricing: ReturnType<typeof perUnit> | null, discountPercent: string | null, serviceId = 'base'): PriceOverrideEvent => ({
  type: 'PriceOverrideSet',
  data: { accountId: 'acme', planId: 'gold', serviceId, pricing, discountPercent },
});

describe('Price override decider', () => {
  it('sets a price, a discount, or both, for one service of a plan', () => {
    spec.given([]).when(set({ pricing: perUnit('80.00') })).then([overrideSet(perUnit('80.00'), null)]);
    spec.given([]).when(set({ discountPercent: '10.50' })).then([overrideSet(null, '10.5')]); // normalised
    spec.given([]).when(set({ pricing: perUnit('80.00'), discountPercent: '100' })).then([overrideSet(perUnit('80.00'), '100')]);
    spec.given([]).when(set({ pricing: perUnit('80'), discountPercent: null })).then([overrideSet(perUnit('80'), null)]);
  });

  it('keeps tiered pricing exactly as given', () => {
    const pricing = { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '4.00' }, { upTo: null, unitPrice: '1.00', flatPrice: '2.50' }] };
    const [event] = spec.given([]).when(set({ serviceId: 'data', pricing })).then([
      { type: 'PriceOverrideSet', data: { accountId: 'acme', planId: 'gold', serviceId: 'data', pricing: pricing as never, discountPercent: null } },
    ]);
    expect(event.data).toHaveProperty('pricing', pricing);
  });

  it('replaces the override of the same plan and service, and leaves the others alone', () => {
    const history = [overrideSet(perUnit('80.00'), null), overrideSet(null, '5', 'data')];
    spec.given(history).when(set({ discountPercent: '20' })).then([overrideSet(null, '20')]);
    const state = [...history, overrideSet(null, '20')].reduce(priceOverrideDecider.evolve, priceOverrideDecider.initialState);
    expect(overrideView('acme', 'gold', 'base', state)).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'base', pricing: null, discountPercent: '20' });
    expect(overrideView('acme', 'gold', 'data', state).discountPercent).toBe('5');
  });

  it('writes nothing when the same override is set again (the discount compared as a number, prices as written)', () => {
    const current = overrideSet(perUnit('80.00'), '10');
    spec.given([current]).when(set({ pricing: perUnit('80.00'), discountPercent: '10.00' })).then([]);
    spec.given([current]).when(set({ pricing: perUnit('80.0'), discountPercent: '10' })).then([overrideSet(perUnit('80.0'), '10')]);
  });

  it('removes the override when both parts are sent as null; removing nothing writes nothing', () => {
    const removed: PriceOverrideEvent = { type: 'PriceOverrideRemoved', data: { accountId: 'acme', planId: 'gold', serviceId: 'base' } };
    spec.given([overrideSet(perUnit('80'), null)]).when(set({ pricing: null, discountPercent: null })).then([removed]);
    spec.given([overrideSet(perUnit('80'), null), removed]).when(set({ pricing: null, discountPercent: null })).then([]);
    const state = [overrideSet(perUnit('80'), null), removed].reduce(priceOverrideDecider.evolve, priceOverrideDecider.initialState);
    expect(state).toEqual({});
  });

  it('lets an override be removed even when the plan no longer offers the service', () => {
    const plan = { ...gold, serviceIds: ['data'] };
    spec
      .given([overrideSet(perUnit('80'), null)])
      .when(set({ pricing: null, discountPercent: null }, { plan }))
      .then([{ type: 'PriceOverrideRemoved', data: { accountId: 'acme', planId: 'gold', serviceId: 'base' } }]);
    spec.given([overrideSet(perUnit('80'), null)]).when(set({ pricing: perUnit('80') }, { plan })).thenThrows(RuleViolationError, /not a service/);
  });

  it.each([
    ['neither pricing nor discount', {}, 'body', 'pricingOrDiscount'],
    ['one part null and the other missing', { pricing: null }, 'body', 'pricingOrDiscount'],
    ['a zero discount', { discountPercent: '0' }, 'discountPercent', 'percent'],
    ['a discount above 100', { discountPercent: '101' }, 'discountPercent', 'percent'],
    ['a negative discount', { discountPercent: '-5' }, 'discountPercent', 'percent'],
    ['a discount with 5 decimals', { discountPercent: '10.12345' }, 'discountPercent', 'percent'],
    ['a discount as a number', { discountPercent: 10 }, 'discountPercent', 'decimal'],
    ['a discount in exponent form', { discountPercent: '1e1' }, 'discountPercent', 'decimal'],
    ['a negative price', { pricing: perUnit('-1') }, 'pricing.unitPrice', 'nonNegative'],
    ['a malformed price', { pricing: perUnit('ten') }, 'pricing.unitPrice', 'decimal'],
    ['an unknown pricing model', { pricing: { model: 'free' } }, 'pricing.model', 'oneOf'],
    ['a bad tier', { pricing: { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '1' }, { upTo: null, unitPrice: 'x' }] } }, 'pricing.tiers[1].unitPrice', 'decimal'],
    ['tiers out of order', { pricing: { model: 'volume', tiers: [{ upTo: '10', unitPrice: '1' }, { upTo: '5', unitPrice: '1' }, { upTo: null, unitPrice: '1' }] } }, 'pricing.tiers[1].upTo', 'ascending'],
    ['an unknown pricing field', { pricing: { ...perUnit('1'), currency: 'EUR' } }, 'pricing.currency', 'unknownField'],
    ['a missing plan id', { planId: undefined, discountPercent: '5' }, 'planId', 'id'],
    ['a malformed service id', { serviceId: 'a b', discountPercent: '5' }, 'serviceId', 'id'],
  ])('refuses %s (400 naming the field)', (_name, body, field, rule) => {
    const error = spec.given([]).when(set(body)).thenThrows(InvalidInputError);
    expect(error.details).toContainEqual(expect.objectContaining({ field, rule }));
  });

  it('reports every malformed field at once', () => {
    const error = spec.given([]).when(set({ serviceId: '', pricing: perUnit('-1'), discountPercent: '0' })).thenThrows(InvalidInputError);
    expect(error.details.map((d) => d.field)).toEqual(['serviceId', 'pricing.unitPrice', 'discountPercent']);
  });

  it('refuses an unknown plan, a service the plan does not have, and a plan in another currency (422)', () => {
    const unknown = spec.given([]).when(set({ discountPercent: '5' }, { plan: null })).thenThrows(RuleViolationError);
    expect(unknown.details).toEqual([expect.objectContaining({ field: 'planId', rule: 'planExists' })]);
    const service = spec.given([]).when(set({ serviceId: 'sms', discountPercent: '5' })).thenThrows(RuleViolationError, /base, data/);
    expect(service.details).toEqual([expect.objectContaining({ field: 'serviceId', rule: 'serviceExists' })]);
    const euro = spec.given([]).when(set({ discountPercent: '5' }, { accountCurrency: 'EUR' })).thenThrows(RuleViolationError, /USD/);
    expect(euro.details).toEqual([expect.objectContaining({ field: 'planId', rule: 'sameCurrency' })]);
    const both = spec.given([]).when(set({ serviceId: 'sms', discountPercent: '5' }, { accountCurrency: 'EUR' })).thenThrows(RuleViolationError);
    expect(both.details.map((d) => d.rule)).toEqual(['serviceExists', 'sameCurrency']);
  });

  it('checks the input before the catalog: a malformed body is 400 even for an unknown plan', () => {
    spec.given([]).when(set({ discountPercent: '0' }, { plan: null })).thenThrows(InvalidInputError);
  });

  it('refuses an override for an account that does not exist (404), before anything else', () => {
    spec.given([]).when(set({}, { accountCurrency: null })).thenThrows(NotFoundError, /Account acme/);
  });
});
