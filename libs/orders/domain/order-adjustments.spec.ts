import { couponTerms } from '../../catalog/domain/testing/coupon-fixtures';
import { TaxFacts } from '../../plan-instances/domain/tax';
import { RuleViolationError } from '../../shared-kernel/errors';
import { InstallmentTerm } from './installment-terms';
import { discountsOrders } from './order-adjustments';
import { OrderItemFacts, OrderPlaced, orderDecider, orderView, PlaceOrder } from './order.decider';

const item = (itemId: string, unitPrice: string, unitAmount: number, currency = 'USD', taxCategory?: string): OrderItemFacts => ({
  itemId,
  name: itemId,
  currency,
  unitPrice,
  unitAmount,
  ...(taxCategory ? { taxCategory } : {}),
});
const catalog = [item('hundred', '100.00', 10000), item('price-120', '120.00', 12000), item('ebook', '10.00', 1000, 'USD', 'ebooks'), item('yen', '1000', 1000, 'JPY'), item('thousand', '1000.00', 100000)];
const coupon = couponTerms;
const rate = (taxRateId: string, percent: string, inclusive = false, taxCategory: string | null = null) => ({ taxRateId, name: 'VAT', percent, taxCategory, inclusive });
const vat = (percent: string, inclusive = false): TaxFacts => ({ exempt: false, rates: [rate(`vat-${percent}`, percent, inclusive)] });
const threeMonths: InstallmentTerm = { id: 'three', name: 'Three', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 3, lumpSum: null, daysUntilDue: null, lumpSumDaysUntilDue: null };

const order = (items: Array<[string, number]>, change: Partial<PlaceOrder['data']> = {}): OrderPlaced['data'] => {
  const currency = items[0][0] === 'yen' ? 'JPY' : 'USD';
  const command: PlaceOrder = {
    type: 'PlaceOrder',
    data: {
      orderId: 'o',
      accountId: 'acct',
      account: { currency, paymentTermsDays: 0 },
      items: items.map(([itemId, quantity]) => ({ itemId, quantity })),
      catalog,
      term: null,
      planInstance: null,
      orderDate: '2024-01-31',
      ...change,
    },
  };
  const [event] = orderDecider.decide(command, null) as OrderPlaced[];
  return event.data;
};
const shape = (o: OrderPlaced['data']) => ({
  lines: o.lines.map((line) => (line.taxIncluded !== undefined ? [line.amount, line.taxIncluded] : line.amount)),
  adjustments: (o.adjustments ?? []).map((line) => [line.type, line.amount]),
  subtotal: o.subtotal,
  tax: o.tax,
  total: o.total,
});

describe('orders: tax and whole-invoice coupons on the order invoice (DOMAIN.md §13, decision 0021)', () => {
  it.each<[string, Array<[string, number]>, Partial<PlaceOrder['data']>, ReturnType<typeof shape>]>([
    ['no coupon, no rate: as before', [['hundred', 1]], {}, { lines: [10000], adjustments: [], subtotal: undefined, tax: undefined, total: 10000 }],
    ['20% exclusive, 10% off: 100.00 − 10.00 = 90.00 + 18.00 = 108.00', [['hundred', 1]], { coupon: coupon(), tax: vat('20') }, { lines: [10000], adjustments: [['discount', -1000], ['tax', 1800]], subtotal: 9000, tax: 1800, total: 10800 }],
    ['20% inclusive on 120.00: 100.00 + 20.00 tax = 120.00', [['price-120', 1]], { tax: vat('20', true) }, { lines: [[10000, 2000]], adjustments: [['tax', 2000]], subtotal: 10000, tax: 2000, total: 12000 }],
    ['JPY 1,000, 10% exclusive, 15% off: 850 + 85 = 935', [['yen', 1]], { coupon: coupon({ percentOff: '15' }), tax: vat('10') }, { lines: [1000], adjustments: [['discount', -150], ['tax', 85]], subtotal: 850, tax: 85, total: 935 }],
    ['JPY: 8% of 1,000 × 3 rounded once on the sum (240)', [['yen', 3]], { tax: vat('8') }, { lines: [3000], adjustments: [['tax', 240]], subtotal: 3000, tax: 240, total: 3240 }],
    ['one tax line per rate, on the sum of the lines it taxes (10% of 100.00 + 10.00 × 3)', [['hundred', 1], ['ebook', 3]], { tax: vat('10') }, { lines: [10000, 3000], adjustments: [['tax', 1300]], subtotal: 13000, tax: 1300, total: 14300 }],
    [
      'an item’s tax category picks the rates naming it; the others take the rates naming none',
      [['hundred', 1], ['ebook', 3]],
      { tax: { exempt: false, rates: [rate('vat', '20'), rate('vat-ebooks', '5', false, 'ebooks')] } },
      { lines: [10000, 3000], adjustments: [['tax', 2000], ['tax', 150]], subtotal: 13000, tax: 2150, total: 15150 },
    ],
    ['a tax-exempt account: no tax, the discount stays', [['hundred', 1]], { coupon: coupon(), tax: { ...vat('20'), exempt: true } }, { lines: [10000], adjustments: [['discount', -1000]], subtotal: 9000, tax: 0, total: 9000 }],
    ['an amount off, in the order’s currency: 25.00 off 100.00 + 20% = 90.00', [['hundred', 1]], { coupon: coupon({ percentOff: null, amountOff: 2500, currency: 'USD' }), tax: vat('20') }, { lines: [10000], adjustments: [['discount', -2500], ['tax', 1500]], subtotal: 7500, tax: 1500, total: 9000 }],
    ['a coupon naming a plan does not discount an order', [['hundred', 1]], { coupon: coupon({ planIds: ['monthly'] }) }, { lines: [10000], adjustments: [], subtotal: undefined, tax: undefined, total: 10000 }],
    ['a coupon naming a service does not discount an order (even one named as an item)', [['hundred', 1]], { coupon: coupon({ serviceIds: ['hundred'] }) }, { lines: [10000], adjustments: [], subtotal: undefined, tax: undefined, total: 10000 }],
    ['a once coupon does not discount an order (orders bill no period)', [['hundred', 1]], { coupon: coupon({ duration: 'once' }), tax: vat('20') }, { lines: [10000], adjustments: [['tax', 2000]], subtotal: 10000, tax: 2000, total: 12000 }],
    ['nor a repeating one', [['hundred', 1]], { coupon: coupon({ duration: 'repeating', durationInPeriods: 3 }) }, { lines: [10000], adjustments: [], subtotal: undefined, tax: undefined, total: 10000 }],
  ])('%s', (_name, items, change, expected) => {
    expect(shape(order(items, change))).toEqual(expected);
  });

  it('the invoice is the taxed total; the view shows subtotal, tax and the discount and tax lines', () => {
    const placed = order([['hundred', 1]], { coupon: coupon(), tax: vat('20') });
    expect(placed.invoice.total).toBe(10800);
    const view = orderView(placed);
    expect(view).toMatchObject({ total: 10800, subtotal: 9000, tax: 1800, invoice: { total: 10800 } });
    expect(view.adjustments).toEqual([
      expect.objectContaining({ type: 'discount', couponId: 'ten-off', amount: -1000, periodStart: '2024-01-31', periodEnd: '2024-01-31' }),
      expect.objectContaining({ type: 'tax', amount: 1800, tax: { taxRateId: 'vat-20', percent: '20', inclusive: false, taxable: 9000 } }),
    ]);
    expect(orderView(order([['hundred', 1]]))).not.toHaveProperty('subtotal');
  });

  it('installments divide the taxed total exactly, never taxed again: 1,000.00 + 20% = 1,200.00 in 3 is 400.00 each; 10.00 + 7.25% = 10.73 in 3 is 3.58, 3.58, 3.57', () => {
    const rows = (o: OrderPlaced['data']) => o.installmentSchedule!.installments.map((row) => row.amount);
    const twenty = order([['thousand', 1]], { tax: vat('20'), term: threeMonths, installmentTermId: 'three' });
    expect(rows(twenty)).toEqual([40000, 40000, 40000]);
    const odd = order([['thousand', 1]], { tax: vat('7.25'), term: threeMonths, installmentTermId: 'three' });
    expect(odd.total).toBe(107250);
    expect(rows(odd)).toEqual([35750, 35750, 35750]);
    const cents = order([['hundred', 1]], { tax: vat('7.25'), term: threeMonths, installmentTermId: 'three' });
    expect(cents.total).toBe(10725);
    expect(rows(cents)).toEqual([3575, 3575, 3575]);
    const uneven = order([['hundred', 1]], { tax: vat('8'), term: threeMonths, installmentTermId: 'three' });
    expect(rows(uneven)).toEqual([3600, 3600, 3600]);
    const split = order([['ebook', 1]], { tax: vat('7.25'), term: threeMonths, installmentTermId: 'three' });
    expect(split.total).toBe(1073);
    expect(rows(split)).toEqual([358, 358, 357]);
  });

  it('a lump sum percent is of the taxed total: 10% of 1,200.00 is 120.00, the rest 1,080.00 in 3', () => {
    const term: InstallmentTerm = { ...threeMonths, lumpSum: { percent: '10' } };
    const placed = order([['thousand', 1]], { tax: vat('20'), term, installmentTermId: 'three' });
    expect(placed.installmentSchedule!.installments.map((row) => [row.kind, row.amount])).toEqual([
      ['lumpSum', 12000],
      ['installment', 36000],
      ['installment', 36000],
      ['installment', 36000],
    ]);
  });

  it('a 100% coupon on an order with installments leaves nothing to divide: 422 total / positive, as any zero total', () => {
    expect(() => order([['hundred', 1]], { coupon: coupon({ percentOff: '100' }), term: threeMonths, installmentTermId: 'three' })).toThrow(RuleViolationError);
    expect(order([['hundred', 1]], { coupon: coupon({ percentOff: '100' }) }).total).toBe(0);
  });

  it('discountsOrders: whole invoice and forever only', () => {
    expect([coupon(), coupon({ duration: 'once' }), coupon({ planIds: ['p'] }), coupon({ serviceIds: ['s'] })].map(discountsOrders)).toEqual([true, false, false, false]);
  });
});
