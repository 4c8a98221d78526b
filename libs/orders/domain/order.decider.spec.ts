import { ConflictError, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { InstallmentTerm } from './installment-terms';
import { createScheduleCommand, OrderPlaced, orderDecider, OrderPlanInstanceFacts, orderStream, orderView, PlaceOrder } from './order.decider';

const spec = specFor(orderDecider);

const kit = { itemId: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1000.00', unitAmount: 100000 };
const cable = { itemId: 'cable', name: 'Cable', currency: 'USD', unitPrice: '5.25', unitAmount: 525 };
const yen = { itemId: 'yen', name: 'Yen item', currency: 'JPY', unitPrice: '500', unitAmount: 500 };

const threeMonths: InstallmentTerm = {
  id: 'three',
  name: 'Three months',
  schedule: 'independent',
  frequency: { unit: 'month', count: 1 },
  installments: 3,
  lumpSum: null,
  daysUntilDue: null,
  lumpSumDaysUntilDue: null,
};
const aligned: InstallmentTerm = { ...threeMonths, id: 'aligned', schedule: 'aligned', frequency: null, lumpSum: { percent: '10' }, daysUntilDue: 5, lumpSumDaysUntilDue: 0 };
const planInstance: OrderPlanInstanceFacts = {
  planInstanceId: 'pi-1',
  accountId: 'acct',
  status: 'active',
  anchorDate: '2024-01-31',
  billDay: 31,
  billingInterval: { unit: 'month', count: 1 },
  nextBillDate: '2024-02-29',
  endsOn: null,
};

const place = (change: Partial<PlaceOrder['data']> = {}): PlaceOrder => ({
  type: 'PlaceOrder',
  data: {
    orderId: 'order-1',
    accountId: 'acct',
    account: { currency: 'USD', paymentTermsDays: 30 },
    items: [{ itemId: 'kit', quantity: 1 }],
    catalog: [kit, cable, yen],
    term: null,
    planInstance: null,
    orderDate: '2024-01-31',
    ...change,
  },
});

const placed = (change: Partial<OrderPlaced['data']> = {}): OrderPlaced => ({
  type: 'OrderPlaced',
  data: {
    orderId: 'order-1',
    accountId: 'acct',
    currency: 'USD',
    orderDate: '2024-01-31',
    lines: [{ itemId: 'kit', name: 'Installation kit', quantity: 1, unitPrice: '1000.00', amount: 100000 }],
    total: 100000,
    invoice: { id: 'ord:order-1', invoiceDate: '2024-01-31', dueDate: '2024-03-01', total: 100000 },
    planInstanceId: null,
    installmentTerm: null,
    installmentSchedule: null,
    ...change,
  },
});

describe('order decider', () => {
  it('places an order: lines at unit amount × quantity exactly, invoiced today, due after the payment terms', () => {
    const [event] = spec
      .given([])
      .when(place({ items: [{ itemId: 'kit', quantity: 1 }, { itemId: 'cable', quantity: 3 }] }))
      .then([
        placed({
          lines: [
            { itemId: 'kit', name: 'Installation kit', quantity: 1, unitPrice: '1000.00', amount: 100000 },
            { itemId: 'cable', name: 'Cable', quantity: 3, unitPrice: '5.25', amount: 1575 },
          ],
          total: 101575,
          invoice: { id: 'ord:order-1', invoiceDate: '2024-01-31', dueDate: '2024-03-01', total: 101575 },
        }),
      ]);
    expect(createScheduleCommand(event.data)).toBeNull();
    expect(orderView(event.data)).toMatchObject({ id: 'order-1', total: 101575, installmentSchedule: null });
  });

  it('DOMAIN.md §10: 1,000.00 in 3 independent installments is 333.34, 333.33, 333.33, monthly from the order date, clamped', () => {
    const [event] = spec.given([]).when(place({ installmentTermId: 'three', term: threeMonths })).then([
      placed({
        installmentTerm: threeMonths,
        installmentSchedule: {
          id: 'order-1',
          daysUntilDue: 30,
          upcomingInvoiceDates: [],
          installments: [
            { number: 1, kind: 'installment', invoiceDate: '2024-01-31', dueDate: '2024-03-01', amount: 33334 },
            { number: 2, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-03-30', amount: 33333 },
            { number: 3, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-04-30', amount: 33333 },
          ],
        },
      }),
    ]);
    expect(createScheduleCommand(event.data)).toEqual({
      type: 'CreateInstallmentSchedule',
      data: {
        scheduleId: 'order-1',
        accountId: 'acct',
        orderId: 'order-1',
        planInstanceId: null,
        term: threeMonths,
        currency: 'USD',
        total: 100000,
        orderDate: '2024-01-31',
        daysUntilDue: 30,
        upcomingInvoiceDates: [],
      },
    });
    expect(orderView(event.data).installmentSchedule).toEqual({
      id: 'order-1',
      status: 'active',
      installments: [
        { number: 1, kind: 'installment', invoiceDate: '2024-01-31', dueDate: '2024-03-01', amount: 33334, status: 'scheduled' },
        { number: 2, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-03-30', amount: 33333, status: 'scheduled' },
        { number: 3, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-04-30', amount: 33333, status: 'scheduled' },
      ],
    });
  });

  it("an aligned term follows the plan instance's estimated invoice dates; the lump sum is billed today with its own days until due", () => {
    const [event] = spec
      .given([])
      .when(place({ installmentTermId: 'aligned', term: aligned, planInstanceId: 'pi-1', planInstance, orderDate: '2024-02-10' }))
      .then([
        placed({
          orderDate: '2024-02-10',
          invoice: { id: 'ord:order-1', invoiceDate: '2024-02-10', dueDate: '2024-03-11', total: 100000 },
          planInstanceId: 'pi-1',
          installmentTerm: aligned,
          installmentSchedule: {
            id: 'order-1',
            daysUntilDue: 5,
            upcomingInvoiceDates: ['2024-02-29', '2024-03-31', '2024-04-30'],
            installments: [
              { number: 0, kind: 'lumpSum', invoiceDate: '2024-02-10', dueDate: '2024-02-10', amount: 10000 },
              { number: 1, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-03-05', amount: 30000 },
              { number: 2, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-04-05', amount: 30000 },
              { number: 3, kind: 'installment', invoiceDate: '2024-04-30', dueDate: '2024-05-05', amount: 30000 },
            ],
          },
        }),
      ]);
    expect(createScheduleCommand(event.data)?.data.planInstanceId).toBe('pi-1');
  });

  it('the same id with the same request decides nothing; with another: 409 naming what differs', () => {
    spec.given([placed()]).when(place()).then([]);
    const error = spec.given([placed()]).when(place({ items: [{ itemId: 'kit', quantity: 2 }] })).thenThrows(ConflictError, /items/);
    expect(error.details).toEqual([expect.objectContaining({ field: 'id', rule: 'unique' })]);
    spec.given([placed()]).when(place({ installmentTermId: 'three', term: threeMonths })).thenThrows(ConflictError, /installmentTermId/);
  });

  it('a server-made id already taken is a conflict, never a repeat (the handler takes the next one)', () => {
    spec.given([placed()]).when(place({ newOnly: true })).thenThrows(ConflictError);
  });

  it.each<[string, Partial<PlaceOrder['data']>, string, string]>([
    ['no items', { items: undefined }, 'items', 'required'],
    ['items that are not an array', { items: { itemId: 'kit' } }, 'items', 'array'],
    ['no lines', { items: [] }, 'items', 'range'],
    ['101 lines', { items: Array.from({ length: 101 }, () => ({ itemId: 'kit', quantity: 1 })) }, 'items', 'range'],
    ['a line that is not an object', { items: ['kit'] }, 'items[0]', 'object'],
    ['an unknown field of a line', { items: [{ itemId: 'kit', quantity: 1, price: '1' }] }, 'items[0].price', 'unknownField'],
    ['a bad item id', { items: [{ itemId: 'a b', quantity: 1 }] }, 'items[0].itemId', 'id'],
    ['a zero quantity', { items: [{ itemId: 'kit', quantity: 0 }] }, 'items[0].quantity', 'range'],
    ['a fractional quantity', { items: [{ itemId: 'kit', quantity: 1.5 }] }, 'items[0].quantity', 'range'],
    ['a quantity as text', { items: [{ itemId: 'kit', quantity: '2' }] }, 'items[0].quantity', 'range'],
    ['a quantity over 100,000', { items: [{ itemId: 'kit', quantity: 100001 }] }, 'items[0].quantity', 'range'],
    ['an unknown item', { items: [{ itemId: 'kit', quantity: 1 }, { itemId: 'nope', quantity: 1 }] }, 'items[1].itemId', 'knownItem'],
    ['an unknown term', { installmentTermId: 'nope' }, 'installmentTermId', 'knownInstallmentTerm'],
    ['a bad term id', { installmentTermId: 7 }, 'installmentTermId', 'id'],
    ['an unknown plan instance', { planInstanceId: 'nope' }, 'planInstanceId', 'knownPlanInstance'],
    ["another account's plan instance", { planInstanceId: 'pi-1', planInstance: { ...planInstance, accountId: 'other' } }, 'planInstanceId', 'knownPlanInstance'],
  ])('refuses %s (400 with the field and the rule)', (_name, change, field, rule) => {
    const error = spec.given([]).when(place(change)).thenThrows(InvalidInputError);
    expect(error.details).toContainEqual(expect.objectContaining({ field, rule }));
  });

  it('reports every bad line at once', () => {
    const error = spec.given([]).when(place({ items: [{ itemId: 'kit', quantity: 0 }, { itemId: 'a b', quantity: 1 }, { itemId: 'nope', quantity: 1 }], installmentTermId: 'x y' })).thenThrows(InvalidInputError);
    expect(error.details.map((d) => `${d.field}:${d.rule}`)).toEqual(['items[0].quantity:range', 'items[1].itemId:id', 'installmentTermId:id']);
  });

  it.each<[string, Partial<PlaceOrder['data']>, string, string]>([
    ["an item in another currency than the account's", { items: [{ itemId: 'yen', quantity: 1 }] }, 'items[0].itemId', 'accountCurrency'],
    ['an aligned term without a plan instance', { installmentTermId: 'aligned', term: aligned }, 'planInstanceId', 'requiredForAligned'],
    ['a cancelled plan instance', { planInstanceId: 'pi-1', planInstance: { ...planInstance, status: 'cancelled', nextBillDate: null } }, 'planInstanceId', 'activePlanInstance'],
    [
      'an aligned term on a plan instance that stops billing too soon',
      { installmentTermId: 'aligned', term: aligned, planInstanceId: 'pi-1', planInstance: { ...planInstance, endsOn: '2024-03-31' } },
      'planInstanceId',
      'enoughInvoiceDates',
    ],
    ['a lump sum not below the total', { installmentTermId: 'three', term: { ...threeMonths, lumpSum: { amount: '1000.00' } } }, 'lumpSum.amount', 'lumpSumBelowTotal'],
    ['a line beyond the safe range of minor units', { items: [{ itemId: 'big', quantity: 100000 }], catalog: [{ ...kit, itemId: 'big', unitPrice: '10000000000.00', unitAmount: 1e12 }] }, 'items[0].quantity', 'amountRange'],
  ])('refuses %s (422 with the field and the rule)', (_name, change, field, rule) => {
    const error = spec.given([]).when(place(change)).thenThrows(RuleViolationError);
    expect(error.details).toContainEqual(expect.objectContaining({ field, rule }));
  });

  it('streams are order-<tenant>.<id>', () => {
    expect(orderStream('t1', 'order-1')).toBe('order-t1.order-1');
  });
});
