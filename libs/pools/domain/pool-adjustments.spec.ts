import { couponTerms } from '../../catalog/domain/testing/coupon-fixtures';
import { owedBy } from '../../plan-instances/domain/invoice';
import { TaxFacts } from '../../plan-instances/domain/tax';
import { BillingGrid } from '../../plan-instances/domain';
import { couponPeriodLimit } from '../../plan-instances/domain';
import { couponPeriodsBefore } from './pool-adjustments';
import { MemberBilling, PoolRatingInput, ratePool } from './pool-rating';

const coupon = couponTerms;
const vat = (percent: string, inclusive = false, taxCategory: string | null = null): TaxFacts => ({
  exempt: false,
  rates: [{ taxRateId: `vat-${percent}`, name: 'VAT', percent, taxCategory, inclusive }],
});

/** One member using `quantity` units at 1.00 (JPY: 1) a unit, billed `billing`. */
const rated = (quantity: string, billing: Partial<MemberBilling>, overrides: Partial<PoolRatingInput> = {}) =>
  ratePool({
    ownerAccountId: 'family',
    serviceId: 'gb',
    serviceName: 'Data (GB)',
    pricing: { model: 'perUnit', unitPrice: overrides.currency === 'JPY' ? '1' : '1.00' },
    planId: 'family-plan',
    currency: 'USD',
    period: { from: '2024-01-01', to: '2024-02-01' },
    invoiceDate: '2024-02-01',
    usage: [{ accountId: 'a', quantity }],
    billing: () => ({ paymentTermsDays: 0, responsibility: {}, ancestors: [], ...billing }),
    ...overrides,
  })!.invoices[0];

const amounts = (invoice: ReturnType<typeof rated>) => invoice.lines.map((line) => [line.type, line.amount]);

describe('pool invoices: coupons and tax through the invoices seam (DOMAIN.md §13, decision 0021)', () => {
  it.each<[string, string, Partial<MemberBilling>, Partial<PoolRatingInput>, Array<[string, number]>, number, number, number]>([
    ['no coupon, no rate: as before', '100', {}, {}, [['usage', 10000]], 10000, 0, 10000],
    ['20% exclusive with 10% off: 100.00 − 10.00 = 90.00 + 18.00 = 108.00', '100', { coupon: { terms: coupon(), periodsBefore: 0 }, tax: vat('20') }, {}, [['usage', 10000], ['discount', -1000], ['tax', 1800]], 9000, 1800, 10800],
    ['20% inclusive on 120.00: 100.00 + 20.00 tax = 120.00', '120', { tax: vat('20', true) }, {}, [['usage', 10000], ['tax', 2000]], 10000, 2000, 12000],
    ['JPY 1,000 with 10% exclusive and 15% off: 850 + 85 = 935', '1000', { coupon: { terms: coupon({ percentOff: '15' }), periodsBefore: 0 }, tax: vat('10') }, { currency: 'JPY' }, [['usage', 1000], ['discount', -150], ['tax', 85]], 850, 85, 935],
    ['JPY rounds once per rate: 10% of 333 is 33', '333', { tax: vat('10') }, { currency: 'JPY' }, [['usage', 333], ['tax', 33]], 333, 33, 366],
    ['a tax-exempt member is not taxed, and keeps its discount', '100', { coupon: { terms: coupon(), periodsBefore: 0 }, tax: { ...vat('20'), exempt: true } }, {}, [['usage', 10000], ['discount', -1000]], 9000, 0, 9000],
    ['a coupon naming the pool’s plan applies', '100', { coupon: { terms: coupon({ planIds: ['family-plan'] }), periodsBefore: 0 } }, {}, [['usage', 10000], ['discount', -1000]], 9000, 0, 9000],
    ['a coupon naming the pool’s service applies', '100', { coupon: { terms: coupon({ serviceIds: ['gb'] }), periodsBefore: 0 } }, {}, [['usage', 10000], ['discount', -1000]], 9000, 0, 9000],
    ['a coupon naming another plan does not', '100', { coupon: { terms: coupon({ planIds: ['other'] }), periodsBefore: 0 } }, {}, [['usage', 10000]], 10000, 0, 10000],
    ['a coupon naming another service does not', '100', { coupon: { terms: coupon({ serviceIds: ['minutes'] }), periodsBefore: 0 } }, {}, [['usage', 10000]], 10000, 0, 10000],
    ['repeating 3: the third period is discounted', '100', { coupon: { terms: coupon({ duration: 'repeating', durationInPeriods: 3 }), periodsBefore: 2 } }, {}, [['usage', 10000], ['discount', -1000]], 9000, 0, 9000],
    ['repeating 3: the fourth is not', '100', { coupon: { terms: coupon({ duration: 'repeating', durationInPeriods: 3 }), periodsBefore: 3 } }, {}, [['usage', 10000]], 10000, 0, 10000],
    ['once: only the first period after it was applied', '100', { coupon: { terms: coupon({ duration: 'once' }), periodsBefore: 1 } }, {}, [['usage', 10000]], 10000, 0, 10000],
    ['an amount off of at most the line: 5.00 off 3.00 is −3.00', '3', { coupon: { terms: coupon({ percentOff: null, amountOff: 500, currency: 'USD' }), periodsBefore: 0 } }, {}, [['usage', 300], ['discount', -300]], 0, 0, 0],
    ['a category rate wins over the rate naming none', '100', { tax: { exempt: false, rates: [...vat('20').rates, { taxRateId: 'vat-data', name: 'Data tax', percent: '5', taxCategory: 'data', inclusive: false }] } }, { taxCategory: 'data' }, [['usage', 10000], ['tax', 500]], 10000, 500, 10500],
  ])('%s', (_name, quantity, billing, overrides, lines, subtotal, tax, total) => {
    const invoice = rated(quantity, billing, overrides);
    expect(amounts(invoice)).toEqual(lines);
    expect({ subtotal: invoice.subtotal ?? invoice.total, tax: invoice.tax ?? 0, total: invoice.total }).toEqual({ subtotal, tax, total });
    if (!billing.coupon && !billing.tax) expect(invoice).not.toHaveProperty('subtotal');
  });

  it('the tax line carries its rate and what it taxed; the discount line its coupon', () => {
    const invoice = rated('100', { coupon: { terms: coupon(), periodsBefore: 0 }, tax: vat('20') });
    expect(invoice.lines[1]).toMatchObject({ type: 'discount', couponId: 'ten-off', planInstanceId: 'pool:family:gb', periodStart: '2024-01-01', periodEnd: '2024-01-31' });
    expect(invoice.lines[2]).toMatchObject({ type: 'tax', planInstanceId: 'pool:family:gb', tax: { taxRateId: 'vat-20', percent: '20', inclusive: false, taxable: 9000 } });
  });

  it('split billing: the parent pays the usage, so it owes its discount and tax too (owedBy adds up to the total)', () => {
    const invoice = rated('100', { coupon: { terms: coupon(), periodsBefore: 0 }, tax: vat('20'), responsibility: { usage: [{ payerAccountId: 'family', percent: '100' }] }, ancestors: ['family'] });
    expect(owedBy(invoice)).toEqual([{ accountId: 'family', amount: 10800 }]);
    expect(invoice.ancestors).toEqual(['family']);
  });
});

describe('what once and repeating count on a pool (couponPeriodsBefore)', () => {
  const monthly: BillingGrid = { anchorDate: '2024-01-01', billDay: 1, interval: { unit: 'month', count: 1 } };

  it.each<[string, string, string, string, number, number]>([
    ['applied before the first period ends: none before it', '2024-01-10', '2024-01-01', '2024-02-01', 3, 0],
    ['applied on Jan 10, rating March: January counted', '2024-01-10', '2024-01-01', '2024-03-01', 3, 1],
    ['applied on Jan 10, rating May: Jan, Feb, Mar counted', '2024-01-10', '2024-01-01', '2024-05-01', 3, 3],
    ['counts no further than the limit', '2024-01-10', '2024-01-01', '2024-12-01', 3, 3],
    ['applied on a rating day: that day’s rating came first, so it is not counted', '2024-02-01', '2024-01-01', '2024-03-01', 3, 0],
    ['a pool started after the coupon: only its own periods', '2023-06-01', '2024-01-01', '2024-03-01', 3, 1],
  ])('%s', (_name, appliedOn, poolStart, periodEnd, limit, expected) => {
    expect(couponPeriodsBefore(monthly, appliedOn, poolStart, periodEnd, limit)).toBe(expected);
  });

  it('limits (the plan instances\' rule): once 1, repeating n, forever no end', () => {
    expect([couponPeriodLimit(coupon({ duration: 'once' })), couponPeriodLimit(coupon({ duration: 'repeating', durationInPeriods: 3 })), couponPeriodLimit(coupon())]).toEqual([1, 3, Infinity]);
  });
});
