import fc from 'fast-check';
import { CouponTerms } from '../../catalog/domain';
import { couponTerms } from '../../catalog/domain/testing/coupon-fixtures';
import { InvoiceLine, owedBy } from './invoice';
import { adjustInvoice } from './invoice-adjustments';
import { discountAmount } from './discounts';
import { computeTax, TaxFacts, TaxRateFact } from './tax';
import { allocateSigned } from './signed-allocation';
import { assign, bill, cancel, facts, invoicesOf, monthlyPlan, runAll, switchPlan } from './testing/plan-instance-fixtures';

/** DOMAIN.md §13: discounts and tax, with the worked examples' exact numbers. */

function coupon(terms: Partial<CouponTerms> = {}): CouponTerms {
  return couponTerms({ couponId: 'promo', name: 'Promo', percentOff: null, ...terms });
}

function rate(terms: Partial<TaxRateFact> = {}): TaxRateFact {
  return { taxRateId: 'vat', name: 'VAT', percent: '20', taxCategory: null, inclusive: false, ...terms };
}

const tax = (...rates: TaxRateFact[]): TaxFacts => ({ exempt: false, rates });

function line(amount: number, terms: Partial<InvoiceLine> = {}): InvoiceLine {
  return { type: 'recurring', planInstanceId: 'pi-1', serviceId: 'seat', description: 'Seat', periodStart: '2024-01-01', periodEnd: '2024-01-31', quantity: '1', unitPrice: null, amount, prorated: false, ...terms };
}

function adjust(lines: InvoiceLine[], options: Partial<Parameters<typeof adjustInvoice>[0]> = {}) {
  return adjustInvoice({ lines, accountId: 'acc-1', planId: 'basic', planInstanceId: 'pi-1', currency: 'USD', taxCategories: {}, newPeriod: true, ...options });
}

const amounts = (lines: readonly InvoiceLine[]) => lines.map((l) => [l.type, l.amount]);

describe('DOMAIN.md §13 worked examples', () => {
  it('10% off a 29.00 plan for 3 months: −2.90 on each of the first three invoices, none on the fourth', () => {
    const plan = monthlyPlan('29.00');
    const promo = coupon({ percentOff: '10', duration: 'repeating', durationInPeriods: 3 });
    const withCoupon = { coupon: promo };
    const { events } = runAll([
      assign(plan, '2024-01-01', withCoupon),
      bill('2024-02-01', withCoupon),
      bill('2024-03-01', withCoupon),
      bill('2024-04-01', withCoupon),
    ]);
    const invoices = invoicesOf(events);
    expect(invoices.map((invoice) => amounts(invoice.lines))).toEqual([
      [['recurring', 2900], ['discount', -290]],
      [['recurring', 2900], ['discount', -290]],
      [['recurring', 2900], ['discount', -290]],
      [['recurring', 2900]],
    ]);
    expect(invoices.map((invoice) => invoice.total)).toEqual([2610, 2610, 2610, 2900]);
    expect(invoices[0]).toMatchObject({ subtotal: 2610, tax: 0 });
    expect(invoices[0].lines[1]).toMatchObject({ couponId: 'promo', description: 'Promo (10% off)', periodStart: '2024-01-01', periodEnd: '2024-01-31' });
  });

  it('a 5.00 coupon on a 3.00 line: −3.00, never more than the charges', () => {
    const adjusted = adjust([line(300)], { coupon: coupon({ amountOff: 500, currency: 'USD', duration: 'once' }) });
    expect(amounts(adjusted.lines)).toEqual([['recurring', 300], ['discount', -300]]);
    expect(adjusted.total).toBe(0);
  });

  it('20% exclusive VAT on 100.00 with a 10% coupon: 90.00 + 18.00 = 108.00', () => {
    const adjusted = adjust([line(10000)], { coupon: coupon({ percentOff: '10' }), tax: tax(rate()) });
    expect(amounts(adjusted.lines)).toEqual([['recurring', 10000], ['discount', -1000], ['tax', 1800]]);
    expect(adjusted).toMatchObject({ subtotal: 9000, tax: 1800, total: 10800 });
    expect(adjusted.lines[2]).toMatchObject({ description: 'VAT 20%', tax: { taxRateId: 'vat', percent: '20', inclusive: false, taxable: 9000 } });
  });

  it('20% inclusive on a 120.00 price: 100.00 + 20.00 tax = 120.00', () => {
    const adjusted = adjust([line(12000)], { tax: tax(rate({ inclusive: true })) });
    expect(amounts(adjusted.lines)).toEqual([['recurring', 10000], ['tax', 2000]]);
    expect(adjusted.lines[0].taxIncluded).toBe(2000);
    expect(adjusted).toMatchObject({ subtotal: 10000, tax: 2000, total: 12000 });
  });

  it('JPY 1,000 with 10% exclusive tax and 15% off: 850 + 85 = 935', () => {
    const plan = monthlyPlan('1000', { currency: 'JPY' });
    const { events } = runAll([assign(plan, '2024-01-01', { coupon: coupon({ percentOff: '15' }), tax: tax(rate({ percent: '10' })) })]);
    const [invoice] = invoicesOf(events);
    expect(amounts(invoice.lines)).toEqual([['recurring', 1000], ['discount', -150], ['tax', 85]]);
    expect(invoice).toMatchObject({ subtotal: 850, tax: 85, total: 935 });
  });
});

describe('discounts', () => {
  it.each([
    // percentOff, amountOff, net, expected
    ['10', null, 2900, -290],
    ['33.3333', null, 100, -33],
    ['100', null, 1999, -1999],
    ['12.5', null, 1, 0], // 0.125 of a cent rounds to nothing
    ['10', null, -1450, 145], // a credit of a discounted period gives back its discount
    [null, 500, 300, -300],
    [null, 500, 2900, -500],
    [null, 500, -1450, 0], // an amount off gives nothing back
  ])('percentOff %s, amountOff %s on a net of %i: %i', (percentOff, amountOff, net, expected) => {
    expect(discountAmount({ percentOff, amountOff, currency: amountOff === null ? null : 'USD' }, net, 'USD')).toBe(expected);
  });

  it('an amount off in another currency takes nothing', () => {
    expect(discountAmount({ percentOff: null, amountOff: 500, currency: 'EUR' }, 2900, 'USD')).toBe(0);
  });

  it('is once: the first invoice only', () => {
    const withCoupon = { coupon: coupon({ percentOff: '10', duration: 'once' }) };
    const { events, state } = runAll([assign(monthlyPlan('29.00'), '2024-01-01', withCoupon), bill('2024-02-01', withCoupon)]);
    expect(invoicesOf(events).map((i) => i.total)).toEqual([2610, 2900]);
    expect(state?.coupon).toEqual({ couponId: 'promo', periods: 1, covering: false });
  });

  it('applies only to the plans and services it names', () => {
    const onOther = adjust([line(1000)], { coupon: coupon({ percentOff: '10', planIds: ['gold'] }) });
    expect(amounts(onOther.lines)).toEqual([['recurring', 1000]]);
    const onService = adjust([line(1000), line(2000, { serviceId: 'data' })], { coupon: coupon({ percentOff: '10', serviceIds: ['data'] }) });
    expect(amounts(onService.lines)).toEqual([['recurring', 1000], ['recurring', 2000], ['discount', -200]]);
  });

  it('on a switch inside a discounted period, discounts the net of the credit and the new charge without counting a period', () => {
    const withCoupon = { coupon: coupon({ percentOff: '10', duration: 'repeating', durationInPeriods: 1 }) };
    const ten = monthlyPlan('10.00', { id: 'ten' });
    const twentyNine = monthlyPlan('29.00', { id: 'twenty-nine' });
    const { perCommand, state } = runAll([assign(ten, '2024-02-01', withCoupon), switchPlan(twentyNine, '2024-02-15', withCoupon)]);
    const [invoice] = invoicesOf(perCommand[1]);
    // −5.17 + 15.00 = 9.83; 10% of it is 0.983 → −0.98
    expect(amounts(invoice.lines)).toEqual([['credit', -517], ['recurring', 1500], ['discount', -98]]);
    expect(state?.coupon).toEqual({ couponId: 'promo', periods: 1, covering: true });
  });

  it('gives back its share when a discounted period is cancelled, and nothing once it no longer covers the period', () => {
    const withCoupon = { coupon: coupon({ percentOff: '10', duration: 'once' }) };
    const plan = monthlyPlan('30.00');
    const first = runAll([assign(plan, '2024-04-01', withCoupon), cancel('2024-04-16', withCoupon)]);
    expect(amounts(invoicesOf(first.perCommand[1])[0].lines)).toEqual([['credit', -1500], ['discount', 150]]);
    const later = runAll([assign(plan, '2024-04-01', withCoupon), bill('2024-05-01', withCoupon), cancel('2024-05-16', withCoupon)]);
    expect(amounts(invoicesOf(later.perCommand[2])[0].lines)).toEqual([['credit', -1548]]);
  });
});

describe('tax', () => {
  it('one line per rate, each rounded once on the sum of what it taxes', () => {
    // 3 lines of 0.05 at 10%: 0.015 — rounded per line it would be 3 × 0.01 (0.03); rounded once it is 0.02.
    const result = computeTax([5, 5, 5].map((amount) => ({ amount, taxCategory: null })), tax(rate({ percent: '10' })));
    expect(result.lines.map((l) => l.amount)).toEqual([2]);
  });

  it('stacks the rates of a place (a country and a region), each its own line', () => {
    const adjusted = adjust([line(10000)], { tax: tax(rate({ taxRateId: 'gst', name: 'GST', percent: '5' }), rate({ taxRateId: 'pst', name: 'PST', percent: '7' })) });
    expect(amounts(adjusted.lines)).toEqual([['recurring', 10000], ['tax', 500], ['tax', 700]]);
    expect(adjusted.total).toBe(11200);
  });

  it("taxes a line by its service's category: the rates naming it, else those naming none", () => {
    const rates = tax(rate({ taxRateId: 'standard', percent: '20' }), rate({ taxRateId: 'reduced', name: 'VAT reduced', percent: '5', taxCategory: 'ebooks' }));
    const adjusted = adjust([line(1000), line(2000, { serviceId: 'book' })], { tax: rates, taxCategories: { book: 'ebooks' } });
    expect(amounts(adjusted.lines)).toEqual([['recurring', 1000], ['recurring', 2000], ['tax', 100], ['tax', 200]]);
    expect(adjusted.lines.map((l) => l.tax?.taxRateId)).toEqual([undefined, undefined, 'reduced', 'standard']);
  });

  it('charges a tax-exempt account none, and leaves inclusive prices whole', () => {
    const adjusted = adjust([line(12000)], { tax: { exempt: true, rates: [rate({ inclusive: true })] } });
    expect(amounts(adjusted.lines)).toEqual([['recurring', 12000]]);
    expect(adjusted).toMatchObject({ subtotal: 12000, tax: 0, total: 12000 });
  });

  it('reverses tax in proportion on credits: an invoice that only credits gets a negative tax line', () => {
    const plan = monthlyPlan('30.00');
    const vat = { tax: tax(rate()) };
    const { perCommand } = runAll([assign(plan, '2024-04-01', vat), cancel('2024-04-16', vat)]);
    expect(amounts(invoicesOf(perCommand[0])[0].lines)).toEqual([['recurring', 3000], ['tax', 600]]);
    expect(amounts(invoicesOf(perCommand[1])[0].lines)).toEqual([['credit', -1500], ['tax', -300]]);
  });

  it('allocates discount and tax lines to the payers of the lines they were computed on, so owedBy adds up', () => {
    const responsibility = { recurring: [{ payerAccountId: 'parent', percent: '100' }] };
    const adjusted = adjust([line(10000), line(3000, { type: 'usage', serviceId: 'data' })], { coupon: coupon({ percentOff: '10' }), tax: tax(rate()), responsibility });
    expect(amounts(adjusted.lines)).toEqual([['recurring', 10000], ['usage', 3000], ['discount', -1300], ['tax', 2340]]);
    const invoice = { accountId: 'acc-1', lines: adjusted.lines };
    // parent: 100.00 − 10.00 + 18.00 tax; the account: 30.00 − 3.00 + 5.40 tax
    expect(owedBy(invoice)).toEqual([
      { accountId: 'acc-1', amount: 3240 },
      { accountId: 'parent', amount: 10800 },
    ]);
    expect(adjusted.lines[2].payers).toEqual([{ accountId: 'acc-1', amount: -300 }, { accountId: 'parent', amount: -1000 }]);
  });
});

describe('properties', () => {
  const lineArb = fc.record({
    type: fc.constantFrom<InvoiceLine['type']>('recurring', 'credit', 'usage'),
    amount: fc.integer({ min: 0, max: 10_000_000 }),
    serviceId: fc.constantFrom('seat', 'data', 'book'),
  }).map(({ type, amount, serviceId }) => line(type === 'credit' ? -amount : amount, { type, serviceId }));
  const couponArb = fc.oneof(
    fc.record({ percent: fc.integer({ min: 1, max: 1_000_000 }) }).map(({ percent }) => coupon({ percentOff: String(percent / 10_000) })),
    fc.integer({ min: 1, max: 20_000_000 }).map((amountOff) => coupon({ amountOff, currency: 'USD' })),
  ).chain((c) => fc.constantFrom<string[]>([], ['seat'], ['data', 'book']).map((serviceIds) => ({ ...c, serviceIds })));
  const rateArb = fc.record({
    taxRateId: fc.constantFrom('a', 'b', 'c'),
    percent: fc.integer({ min: 0, max: 1_000_000 }).map((p) => String(p / 10_000)),
    taxCategory: fc.constantFrom<string | null>(null, 'ebooks'),
    inclusive: fc.boolean(),
  }).map((r) => rate(r));
  const ratesArb = fc.uniqueArray(rateArb, { selector: (r) => r.taxRateId, maxLength: 3 });

  it('a discount never takes more than the charges it applies to, and never makes their sum change sign', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 6 }), couponArb, (lines, promo) => {
        const adjusted = adjust(lines, { coupon: promo });
        const discount = adjusted.lines.find((l) => l.type === 'discount');
        const net = lines.filter((l) => promo.serviceIds.length === 0 || promo.serviceIds.includes(l.serviceId)).reduce((sum, l) => sum + l.amount, 0);
        if (!discount) return;
        expect(Math.abs(discount.amount)).toBeLessThanOrEqual(Math.abs(net));
        expect(Math.sign(discount.amount)).toBe(-Math.sign(net));
        expect(adjusted.total).toBe(lines.reduce((sum, l) => sum + l.amount, 0) + discount.amount);
      }),
    );
  });

  it('tax is never computed on tax: tax lines given with the charges change nothing, and each is its rate on the discounted charges', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 6 }), fc.option(couponArb, { nil: undefined }), ratesArb, (lines, promo, rates) => {
        const facts = tax(...rates);
        const once = adjust(lines, { coupon: promo, tax: facts, taxCategories: { book: 'ebooks' } });
        const again = adjust([...lines, ...once.lines.filter((l) => l.type === 'tax')], { coupon: promo, tax: facts, taxCategories: { book: 'ebooks' } });
        // The earlier tax lines pass through untaxed: the new tax lines are the same as the first ones.
        expect(again.lines.filter((l) => l.type === 'tax' && l.tax !== undefined).slice(-once.lines.filter((l) => l.type === 'tax').length || undefined)).toEqual(
          once.lines.filter((l) => l.type === 'tax').length === 0 ? [] : once.lines.filter((l) => l.type === 'tax'),
        );
        expect(once.total).toBe(once.subtotal + once.tax);
        expect(once.lines.reduce((sum, l) => sum + l.amount, 0)).toBe(once.total);
      }),
    );
  });

  it('signed allocation always adds up to the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 8 }), (total, weights) => {
        expect(allocateSigned(total, weights).reduce((a, b) => a + b, 0)).toBe(total);
      }),
    );
  });

  it('what each payer owes adds up to the total with a coupon and tax under split billing', () => {
    const responsibility = { recurring: [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'acc-1', percent: '40' }], usage: [{ payerAccountId: 'other', percent: '100' }] };
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 6 }), couponArb, ratesArb, (lines, promo, rates) => {
        const adjusted = adjust(lines, { coupon: promo, tax: tax(...rates), responsibility });
        expect(owedBy({ accountId: 'acc-1', lines: adjusted.lines }).reduce((sum, p) => sum + p.amount, 0)).toBe(adjusted.total);
      }),
    );
  });
});

void facts;
