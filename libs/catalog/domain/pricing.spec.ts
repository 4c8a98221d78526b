import { Decimal } from '../../shared-kernel/decimal';
import { InvalidInputError } from '../../shared-kernel/errors';
import { parsePricing, Pricing, priceFor, Tier } from './pricing';

const graduatedGb: Pricing = {
  model: 'tiered',
  tiers: [
    { upTo: '10', unitPrice: '5.00' },
    { upTo: '50', unitPrice: '3.00' },
    { upTo: null, unitPrice: '1.00' },
  ],
};
const volumeGb: Pricing = { model: 'volume', tiers: graduatedGb.tiers };
const withFlat: Tier[] = [
  { upTo: '10', unitPrice: '1.00', flatPrice: '20.00' },
  { upTo: null, unitPrice: '0.50', flatPrice: '5.00' },
];

const price = (pricing: Pricing, quantity: string): string => priceFor(pricing, new Decimal(quantity)).toString();

describe('priceFor', () => {
  it.each([
    // DOMAIN.md §6: the pooled 50 GB and the unpooled 8, 12 and 30 GB.
    ['50', '170'],
    ['8', '40'],
    ['12', '56'],
    ['30', '110'],
    ['0', '0'],
    ['10', '50'],
    ['10.5', '51.5'],
    ['51', '171'],
    ['1000', '1120'],
  ])('graduated tiers: %s GB cost %s', (quantity, expected) => {
    expect(price(graduatedGb, quantity)).toBe(expected);
  });

  it.each([
    ['8', '40'],
    ['10', '50'],
    ['12', '36'],
    ['50', '150'],
    ['51', '51'],
    ['0', '0'],
  ])('volume tiers: %s GB cost %s', (quantity, expected) => {
    expect(price(volumeGb, quantity)).toBe(expected);
  });

  it.each([
    ['tiered', '5', '25'], // 5 × 1 + 20
    ['tiered', '10', '30'],
    ['tiered', '12', '36'], // 10 × 1 + 20 + 2 × 0.5 + 5
    ['volume', '5', '25'],
    ['volume', '12', '11'], // 12 × 0.5 + 5
    ['tiered', '0', '0'],
    ['volume', '0', '0'],
  ] as const)('%s tiers with flat prices: %s units cost %s', (model, quantity, expected) => {
    expect(price({ model, tiers: withFlat }, quantity)).toBe(expected);
  });

  it.each([
    ['100.00', '3', '300'],
    ['0.0035', '1234567', '4320.9845'],
    ['19.99', '2.5', '49.975'],
    ['0', '7', '0'],
  ])('per unit at %s: %s units cost %s, unrounded', (unitPrice, quantity, expected) => {
    expect(price({ model: 'perUnit', unitPrice }, quantity)).toBe(expected);
  });

  it('refuses a negative quantity', () => {
    expect(() => priceFor(graduatedGb, new Decimal(-1))).toThrow(RangeError);
  });
});

describe('parsePricing', () => {
  const field = 'services[1].pricing';
  const invalid = (value: unknown): string[][] => {
    try {
      parsePricing(value, field);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).details.map((d) => [d.field, d.rule]);
    }
    throw new Error('expected InvalidInputError');
  };
  const tiers = (...list: unknown[]) => ({ model: 'tiered', tiers: list });

  it('keeps valid pricing as given, dropping an absent or null flat price', () => {
    expect(parsePricing({ model: 'perUnit', unitPrice: '0.0035' }, field)).toEqual({ model: 'perUnit', unitPrice: '0.0035' });
    expect(parsePricing(graduatedGb, field)).toStrictEqual(graduatedGb);
    expect(parsePricing({ model: 'volume', tiers: [{ upTo: '5', unitPrice: '1', flatPrice: null }, { upTo: null, unitPrice: '0.5', flatPrice: '0' }] }, field)).toStrictEqual({
      model: 'volume',
      tiers: [
        { upTo: '5', unitPrice: '1' },
        { upTo: null, unitPrice: '0.5', flatPrice: '0' },
      ],
    });
    expect(parsePricing(tiers({ upTo: null, unitPrice: '2' }), field)).toStrictEqual(tiers({ upTo: null, unitPrice: '2' }));
  });

  it('accepts ten decimal places and no more', () => {
    expect(parsePricing({ model: 'perUnit', unitPrice: '0.0000000001' }, field)).toBeTruthy();
    expect(invalid({ model: 'perUnit', unitPrice: '0.00000000001' })).toEqual([[`${field}.unitPrice`, 'maxDecimalPlaces']]);
  });

  it.each<[string, unknown, string, string]>([
    ['not an object', 'perUnit', '', 'object'],
    ['an unknown model', { model: 'stairstep', unitPrice: '1' }, '.model', 'oneOf'],
    ['a missing model', { unitPrice: '1' }, '.model', 'oneOf'],
    ['an unknown field', { model: 'perUnit', unitPrice: '1', currency: 'USD' }, '.currency', 'unknownField'],
    ['a missing unit price', { model: 'perUnit' }, '.unitPrice', 'decimal'],
    ['a negative price', { model: 'perUnit', unitPrice: '-1.00' }, '.unitPrice', 'nonNegative'],
    ['a non-decimal price', { model: 'perUnit', unitPrice: 'abc' }, '.unitPrice', 'decimal'],
    ['an exponent', { model: 'perUnit', unitPrice: '1e3' }, '.unitPrice', 'decimal'],
    ['a number, not a string', { model: 'perUnit', unitPrice: 100 }, '.unitPrice', 'decimal'],
    ['tiers on perUnit', { model: 'perUnit', unitPrice: '1', tiers: [] }, '.tiers', 'notAllowed'],
    ['a unitPrice on tiered', { model: 'tiered', unitPrice: '1', tiers: [{ upTo: null, unitPrice: '1' }] }, '.unitPrice', 'notAllowed'],
    ['no tiers', { model: 'volume' }, '.tiers', 'array'],
    ['empty tiers', tiers(), '.tiers', 'notEmpty'],
    ['a tier that is not an object', tiers(null), '.tiers[0]', 'object'],
    ['an unknown tier field', tiers({ upTo: null, unitPrice: '1', from: '0' }), '.tiers[0].from', 'unknownField'],
    ['a missing upTo', tiers({ unitPrice: '1' }), '.tiers[0].upTo', 'required'],
    ['a zero upTo', tiers({ upTo: '0', unitPrice: '1' }, { upTo: null, unitPrice: '1' }), '.tiers[0].upTo', 'positive'],
    ['a numeric upTo', tiers({ upTo: 10, unitPrice: '1' }, { upTo: null, unitPrice: '1' }), '.tiers[0].upTo', 'decimal'],
    ['a negative flat price', tiers({ upTo: null, unitPrice: '1', flatPrice: '-5' }), '.tiers[0].flatPrice', 'nonNegative'],
    ['tiers not ascending', tiers({ upTo: '10', unitPrice: '5' }, { upTo: '50', unitPrice: '3' }, { upTo: '50', unitPrice: '2' }, { upTo: null, unitPrice: '1' }), '.tiers[2].upTo', 'ascending'],
    ['tiers descending', tiers({ upTo: '10.5', unitPrice: '5' }, { upTo: '9', unitPrice: '3' }, { upTo: null, unitPrice: '1' }), '.tiers[1].upTo', 'ascending'],
    ['two open tiers', tiers({ upTo: '10', unitPrice: '5' }, { upTo: null, unitPrice: '3' }, { upTo: null, unitPrice: '1' }), '.tiers[2].upTo', 'oneOpenTier'],
    ['an open tier not last', tiers({ upTo: null, unitPrice: '5' }, { upTo: '10', unitPrice: '3' }), '.tiers[0].upTo', 'openTierLast'],
    ['no open tier', tiers({ upTo: '10', unitPrice: '5' }, { upTo: '20', unitPrice: '3' }), '.tiers[1].upTo', 'lastTierOpen'],
  ])('refuses %s', (_, value, path, rule) => {
    expect(invalid(value)).toEqual([[`${field}${path}`, rule]]);
  });

  it('reports every bad tier field at once, with its full path', () => {
    expect(invalid(tiers({ upTo: 'x', unitPrice: '-1' }, { upTo: null, unitPrice: '1', flatPrice: 'abc' }))).toEqual([
      [`${field}.tiers[0].upTo`, 'decimal'],
      [`${field}.tiers[0].unitPrice`, 'nonNegative'],
      [`${field}.tiers[1].flatPrice`, 'decimal'],
    ]);
  });

  it('reports an open tier in the middle and a descending bound together', () => {
    expect(invalid(tiers({ upTo: '20', unitPrice: '5' }, { upTo: null, unitPrice: '3' }, { upTo: '10', unitPrice: '1' }))).toEqual([
      [`${field}.tiers[1].upTo`, 'openTierLast'],
      [`${field}.tiers[2].upTo`, 'ascending'],
    ]);
  });
});

describe('parsePricing: amounts within range (docs/domain-notes.md, "Amount limits")', () => {
  const refusal = (pricing: unknown): { field: string; rule: string; message: string } => {
    try {
      parsePricing(pricing, 'services[0].pricing');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).details[0];
    }
    throw new Error(`accepted ${JSON.stringify(pricing)}`);
  };
  const tiers = (tier: Record<string, unknown>) => ({ model: 'tiered', tiers: [tier, { upTo: null, unitPrice: '1' }] });

  it('accepts the largest price, flat price and tier bound', () => {
    expect(() => parsePricing({ model: 'perUnit', unitPrice: '10000000000' }, 'p')).not.toThrow();
    expect(() => parsePricing({ model: 'perUnit', unitPrice: '10000000000.0000000000' }, 'p')).not.toThrow();
    expect(() => parsePricing(tiers({ upTo: '1000000000000000', unitPrice: '10000000000', flatPrice: '10000000000' }), 'p')).not.toThrow();
  });

  it.each([
    ['a unit price above 10^10', { model: 'perUnit', unitPrice: '10000000000.0000000001' }, 'services[0].pricing.unitPrice', 'amountRange'],
    ['the found unit price', { model: 'perUnit', unitPrice: '99999999999999999999.99' }, 'services[0].pricing.unitPrice', 'amountRange'],
    ['a tier unit price above 10^10', tiers({ upTo: '10', unitPrice: '10000000001' }), 'services[0].pricing.tiers[0].unitPrice', 'amountRange'],
    ['a flat price above 10^10', tiers({ upTo: '10', unitPrice: '1', flatPrice: '10000000000.01' }), 'services[0].pricing.tiers[0].flatPrice', 'amountRange'],
    ['a tier bound above 10^15', tiers({ upTo: '1000000000000000.1', unitPrice: '1' }), 'services[0].pricing.tiers[0].upTo', 'quantityRange'],
  ])('refuses %s, naming the field, the rule and the limit', (_name, pricing, field, rule) => {
    const detail = refusal(pricing);
    expect(detail).toMatchObject({ field, rule });
    expect(detail.message).toContain(rule === 'amountRange' ? '10000000000' : '1000000000000000');
  });
});
