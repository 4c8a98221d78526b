import { ConflictError, DomainError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { PricingContext } from './plan-instance.commands';
import { planInstanceDecider } from './plan-instance.decider';
import { PlanInstanceEvent, PlanSnapshot } from './plan-instance.events';
import { assign, bill, cancel, changeQuantity, history, invoicesOf, linesOf, monthlyPlan, runAll, switchPlan, usageFacts } from './testing/plan-instance-fixtures';

const spec = specFor(planInstanceDecider);

const basic = monthlyPlan('100.00');
const ten = monthlyPlan('10.00', { id: 'ten', name: 'Ten' });
const twentyNine = monthlyPlan('29.00', { id: 'twenty-nine', name: 'Twenty-nine' });
const quarterly = monthlyPlan('30.00', { id: 'quarterly', name: 'Quarterly', interval: { unit: 'month', count: 3 } });

const invoiceId = (n: number) => deterministicUuid('invoice', 'pi-1', String(n));

/** The events a command decides on the state `given` leaves. */
function decided(given: PlanInstanceEvent[], command: Parameters<typeof planInstanceDecider.decide>[0]): PlanInstanceEvent[] {
  return runAll([command], given).perCommand[0];
}

function onlyInvoice(events: PlanInstanceEvent[]) {
  const invoices = invoicesOf(events);
  expect(invoices).toHaveLength(1);
  return invoices[0];
}

function expectRefused(error: DomainError, status: number, field: string, rule?: string) {
  expect(error.status).toBe(status);
  expect(error.details).toEqual([expect.objectContaining(rule === undefined ? { field } : { field, rule })]);
}

describe('AssignPlan', () => {
  it('today, no options: one whole period billed in advance, bill day = the start day', () => {
    spec
      .given([])
      .when(assign(basic, '2024-02-01'))
      .then([
        {
          type: 'PlanAssigned',
          data: {
            planInstanceId: 'pi-1',
            accountId: 'acc-1',
            plan: basic,
            quantity: 1,
            status: 'active',
            billingGroupId: null,
            dunningGroupId: null,
            startDate: '2024-02-01',
            anchorDate: '2024-02-01',
            billDay: 1,
            altBillDay: null,
            invoicingOption: 'full',
            prorationRule: 'prorate',
            warnings: [],
            assignedOn: '2024-02-01',
          },
        },
        {
          type: 'PlanInstanceBilled',
          data: {
            planInstanceId: 'pi-1',
            accountId: 'acc-1',
            reason: 'assignment',
            nextBillDate: '2024-03-01',
            charges: [{ serviceId: 'seat', quantity: 1, periodPrice: '100', unitPrice: '100.00' }],
            invoice: {
              invoiceId: invoiceId(1),
              accountId: 'acc-1',
              planInstanceId: 'pi-1',
              invoiceDate: '2024-02-01',
              dueDate: '2024-02-01',
              currency: 'USD',
              total: 10000,
              lines: [
                {
                  type: 'recurring',
                  planInstanceId: 'pi-1',
                  serviceId: 'seat',
                  description: 'Basic – Seat',
                  periodStart: '2024-02-01',
                  periodEnd: '2024-02-29',
                  quantity: '1',
                  unitPrice: '100.00',
                  amount: 10000,
                  prorated: false,
                },
              ],
            },
          },
        },
      ]);
  });

  describe('refusals (nothing is decided)', () => {
    it('an unknown plan: 422 on planId', () => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { planId: 'gold', plan: null })).thenThrows(RuleViolationError, /plan gold does not exist/);
      expectRefused(error, 422, 'planId', 'planExists');
    });

    it('a plan in another currency than the account: 422 on planId', () => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { account: { currency: 'EUR' } })).thenThrows(RuleViolationError, /priced in USD but account acc-1 is billed in EUR/);
      expectRefused(error, 422, 'planId', 'sameCurrency');
    });

    it.each([0, 32, 1.5, '7', -1])('altBillDay %j: 400 on altBillDay', (altBillDay) => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { altBillDay, invoicingOption: 'prorated' })).thenThrows(InvalidInputError, /altBillDay must be a whole number from 1 to 31/);
      expectRefused(error, 400, 'altBillDay');
    });

    it('a retroactive start date in the future: 422 on retroactiveStartDate', () => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { retroactiveStartDate: '2024-02-02' })).thenThrows(RuleViolationError, /after today/);
      expectRefused(error, 422, 'retroactiveStartDate', 'notInFuture');
    });

    it.each(['2023-02-29', '2024-2-1', 20240201])('retroactiveStartDate %j is not a date: 400', (retroactiveStartDate) => {
      const error = spec.given([]).when(assign(basic, '2024-03-01', { retroactiveStartDate })).thenThrows(InvalidInputError);
      expectRefused(error, 400, 'retroactiveStartDate', 'isoDate');
    });

    it.each([0, -1, 1.5, '2', 1_000_000_001])('quantity %j: 400 on quantity', (quantity) => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { quantity })).thenThrows(InvalidInputError, /quantity must be a whole number/);
      expectRefused(error, 400, 'quantity');
    });

    it.each([
      ['status', 'terminated'],
      ['status', 'cancelled'],
      ['status', 'paused'],
      ['invoicingOption', 'monthly'],
      ['prorationRule', 'sometimes'],
      ['billingGroupId', ''],
    ])('%s %j: 400', (field, value) => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { [field]: value })).thenThrows(InvalidInputError);
      expectRefused(error, 400, field);
    });

    it('every invalid field is reported at once', () => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { quantity: 0, altBillDay: 32 })).thenThrows(InvalidInputError, /2 fields are invalid/);
      expect(error.details.map((d) => d.field)).toEqual(['quantity', 'altBillDay']);
    });

    it('an unknown account: 404', () => {
      const error = spec.given([]).when(assign(basic, '2024-02-01', { account: null })).thenThrows(NotFoundError, /Account acc-1 was not found/);
      expect(error.status).toBe(404);
    });

    it('an instance that already exists: 409', () => {
      const error = spec.given(history(assign(basic, '2024-02-01'))).when(assign(basic, '2024-02-05')).thenThrows(ConflictError, /already exists/);
      expect(error.status).toBe(409);
    });
  });

  it('a retroactive start 14 months back: 14 + 1 periods on one invoice, one line per period, in order', () => {
    const [assigned, billed] = decided([], assign(basic, '2024-03-10', { retroactiveStartDate: '2023-01-10' }));
    expect(assigned).toMatchObject({ type: 'PlanAssigned', data: { startDate: '2023-01-10', anchorDate: '2023-01-10', billDay: 10 } });
    const invoice = onlyInvoice([billed]);
    const starts = ['2023-01-10', '2023-02-10', '2023-03-10', '2023-04-10', '2023-05-10', '2023-06-10', '2023-07-10', '2023-08-10', '2023-09-10', '2023-10-10', '2023-11-10', '2023-12-10', '2024-01-10', '2024-02-10', '2024-03-10'];
    const ends = ['2023-02-09', '2023-03-09', '2023-04-09', '2023-05-09', '2023-06-09', '2023-07-09', '2023-08-09', '2023-09-09', '2023-10-09', '2023-11-09', '2023-12-09', '2024-01-09', '2024-02-09', '2024-03-09', '2024-04-09'];
    expect(invoice.lines.map((l) => [l.periodStart, l.periodEnd, l.amount, l.prorated])).toEqual(starts.map((start, i) => [start, ends[i], 10000, false]));
    expect(invoice.total).toBe(150000);
    expect(invoice.invoiceDate).toBe('2024-03-10');
    expect(billed).toMatchObject({ data: { nextBillDate: '2024-04-10' } });
  });

  it('a retroactive start with a stub: the stub first (100 × 5/31 = 16.13), then 15 whole periods', () => {
    const invoice = onlyInvoice(decided([], assign(basic, '2024-03-10', { retroactiveStartDate: '2023-01-05', altBillDay: 10, invoicingOption: 'prorated' })));
    expect(invoice.lines).toHaveLength(16);
    // [2023-01-05, 2023-01-10) is 5 days of [2022-12-10, 2023-01-10), 31 days.
    expect(invoice.lines[0]).toMatchObject({ periodStart: '2023-01-05', periodEnd: '2023-01-09', amount: 1613, prorated: true, description: 'Basic – Seat (5 of 31 days)' });
    expect(invoice.lines[1]).toMatchObject({ periodStart: '2023-01-10', amount: 10000 });
    expect(invoice.lines[15]).toMatchObject({ periodStart: '2024-03-10', periodEnd: '2024-04-09', amount: 10000 });
    expect(invoice.total).toBe(1613 + 15 * 10000);
  });

  it('a stub measured against a quarter: 2024-02-15 → 2024-03-01 is 15 of 91 days (30.00 × 15/91 = 4.95)', () => {
    const invoice = onlyInvoice(decided([], assign(quarterly, '2024-02-15', { altBillDay: 1, invoicingOption: 'prorated' })));
    expect(linesOf(invoice)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-02-15', periodEnd: '2024-02-29', quantity: '1', amount: 495 }]);
  });

  it('altBillDay is ignored on a weekly plan, with a warning', () => {
    const weekly = monthlyPlan('7.00', { id: 'weekly', interval: { unit: 'week', count: 2 } });
    const [assigned, billed] = decided([], assign(weekly, '2024-02-15', { altBillDay: 1, invoicingOption: 'prorated' }));
    expect(assigned).toMatchObject({ data: { billDay: 15, anchorDate: '2024-02-15', warnings: [expect.stringMatching(/altBillDay 1 was ignored/)] } });
    expect(linesOf(onlyInvoice([billed]))).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-02-15', periodEnd: '2024-02-28', quantity: '1', amount: 700 }]);
    expect(billed).toMatchObject({ data: { nextBillDate: '2024-02-29' } });
  });

  it('billing and dunning groups are kept', () => {
    const [assigned] = decided([], assign(basic, '2024-02-01', { billingGroupId: 'bg-1', dunningGroupId: 'dg-1' }));
    expect(assigned).toMatchObject({ data: { billingGroupId: 'bg-1', dunningGroupId: 'dg-1' } });
  });

  describe('currencies with 0 and 3 minor digits: case B (stub of 20/31 days), rounded once', () => {
    it.each([
      // currency, monthly price, amount in minor units
      ['USD', '100.00', 6452], // 64.516… → 64.52
      ['JPY', '1000', 645], // 645.16… → 645 yen
      ['KWD', '10.000', 6452], // 6.4516… → 6.452 KWD = 6452 fils
    ])('%s at %s: %i', (currency, price, amount) => {
      const plan = monthlyPlan(price, { currency });
      const invoice = onlyInvoice(decided([], assign(plan, '2019-02-10', { retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated' })));
      expect(invoice.currency).toBe(currency);
      expect(linesOf(invoice)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2019-02-02', periodEnd: '2019-02-21', quantity: '1', amount }]);
    });

    it('half a yen rounds away from zero on both signs: 1 → 3 units at 1 JPY per 2 weeks, after 7 of 14 days', () => {
      const plan = monthlyPlan('1', { currency: 'JPY', interval: { unit: 'week', count: 2 } });
      const invoice = onlyInvoice(decided(history(assign(plan, '2024-03-04')), changeQuantity(3, '2024-03-11')));
      // credit 1 × 7/14 = 0.5 → −1; charge 3 × 7/14 = 1.5 → 2
      expect(invoice.lines.map((l) => l.amount)).toEqual([-1, 2]);
    });
  });

  it('a plan with two recurring services and a usage service: one line per recurring service, no usage line without usage', () => {
    const plan: PlanSnapshot = {
      ...basic,
      services: [
        { id: 'seat', name: 'Seat', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '10.00' } },
        { id: 'calls', name: 'Calls', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.01' } },
        { id: 'support', name: 'Support', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '5.00' } },
      ],
    };
    const usage = usageFacts({ calls: { from: '2024-02-01', to: '2024-02-16' } });
    const { events, perCommand } = runAll([assign(plan, '2024-02-01', { quantity: 3 }), changeQuantity(1, '2024-02-15', { usage })]);
    const [first, change] = invoicesOf(events);
    expect(linesOf(first)).toEqual([
      { type: 'recurring', serviceId: 'seat', periodStart: '2024-02-01', periodEnd: '2024-02-29', quantity: '3', amount: 3000 },
      { type: 'recurring', serviceId: 'support', periodStart: '2024-02-01', periodEnd: '2024-02-29', quantity: '3', amount: 1500 },
    ]);
    expect(first.lines[1].description).toBe('Basic – Support');
    // 3 → 1 on 2024-02-15, 15 of 29 days left: each service credited and charged on its own.
    expect(change.lines.map((l) => [l.type, l.serviceId, l.amount])).toEqual([
      ['credit', 'seat', -1552], // 30 × 15/29 = 15.517
      ['credit', 'support', -776], // 15 × 15/29 = 7.759
      ['recurring', 'seat', 517], // 10 × 15/29 = 5.172
      ['recurring', 'support', 259], // 5 × 15/29 = 2.586
    ]);
    expect(change.total).toBe(-1552);
    expect(perCommand[1].at(-1)).toMatchObject({ data: { charges: [{ serviceId: 'seat', quantity: 1 }, { serviceId: 'support', quantity: 1 }] } });
  });

  describe('prices from the PricingContext: the nearest override wins, whole (DOMAIN.md §5)', () => {
    const override = (accountId: string, unitPrice: string | null, discountPercent: string | null, planId = 'basic') => ({
      accountId,
      planId,
      serviceId: 'seat',
      pricing: unitPrice === null ? null : ({ model: 'perUnit', unitPrice } as const),
      discountPercent,
    });
    const ancestors = ['parent', 'grandparent'];

    it.each<[string, PricingContext['overrides'], string, number]>([
      ['no override: the catalog price', [], '100.00', 10000],
      ['the grandparent’s price', [override('grandparent', '80.00', null)], '80.00', 8000],
      ['the parent’s price is nearer than the grandparent’s', [override('grandparent', '80.00', null), override('parent', '90.00', null)], '90.00', 9000],
      ['the account’s 15% discount is nearest, on the catalog price', [override('parent', '90.00', null), override('acc-1', null, '15')], '85', 8500],
      ['the parent’s price with its 15% discount: 90 × 0.85', [override('parent', '90.00', '15')], '76.5', 7650],
      ['an override of another plan is ignored', [override('acc-1', '1.00', null, 'gold')], '100.00', 10000],
      ['an override of an account outside the chain is ignored', [override('acc-2', '1.00', null)], '100.00', 10000],
    ])('%s', (_case, overrides, unitPrice, amount) => {
      const invoice = onlyInvoice(decided([], assign(basic, '2024-02-01', { pricing: { ancestors, overrides } })));
      expect(invoice.lines[0]).toMatchObject({ unitPrice, amount });
    });

    it('a discount on a stub: 85.00 × 20/31 = 54.84, rounded once', () => {
      const pricing = { ancestors, overrides: [override('acc-1', null, '15')] };
      const invoice = onlyInvoice(decided([], assign(basic, '2019-02-10', { retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated', pricing })));
      expect(invoice.lines[0]).toMatchObject({ amount: 5484, unitPrice: '85' });
    });

    it('a credit refunds the discounted price that was charged, even when the discount has gone since', () => {
      const pricing = { ancestors, overrides: [override('acc-1', null, '15')] };
      const given = history(assign(basic, '2024-02-01', { pricing }));
      const invoice = onlyInvoice(decided(given, changeQuantity(2, '2024-02-15')));
      // credit 85 × 15/29 = 43.966; charge 2 × 100 × 15/29 = 103.448 at the price in force now
      expect(invoice.lines.map((l) => l.amount)).toEqual([-4397, 10345]);
    });
  });

  it('paymentTermsDays: the invoice is due that many days after its date', () => {
    const invoice = onlyInvoice(decided([], assign(basic, '2024-02-01', { paymentTermsDays: 30 })));
    expect(invoice).toMatchObject({ invoiceDate: '2024-02-01', dueDate: '2024-03-02' }); // February 2024 has 29 days
  });

  describe('proration rule at assignment: the call’s own, else the tenant’s default', () => {
    const caseB = { retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated' };
    it.each([
      // tenant default, call's rule → rule in force, stub amount (null: no invoice)
      ['prorate', undefined, 'prorate', 6452],
      ['none', undefined, 'none', null],
      ['none', 'prorate', 'prorate', 6452],
      ['prorate', 'none', 'none', null],
    ])('tenant %s, call %s → %s: stub %s', (tenantProrationRule, prorationRule, inForce, amount) => {
      const [assigned, billed] = decided([], assign(basic, '2019-02-10', { ...caseB, tenantProrationRule: tenantProrationRule as 'prorate' | 'none', prorationRule }));
      expect(assigned).toMatchObject({ data: { prorationRule: inForce } });
      if (amount === null) {
        // proration none: no stub is charged; billing starts on the bill day
        expect(billed).toEqual({
          type: 'PlanInstanceBilled',
          data: { planInstanceId: 'pi-1', accountId: 'acc-1', reason: 'assignment', nextBillDate: '2019-02-22', charges: [], invoice: null },
        });
      } else {
        expect(onlyInvoice([billed]).lines[0].amount).toBe(amount);
      }
    });

    it('under none, a retroactive start still catches up every whole period, just not the stub', () => {
      const invoice = onlyInvoice(decided([], assign(basic, '2019-03-10', { ...caseB, prorationRule: 'none' })));
      expect(invoice.lines.map((l) => [l.periodStart, l.amount])).toEqual([['2019-02-22', 10000]]);
    });
  });
});

describe('BillPlanInstance', () => {
  it('bills the new period on its first day, in advance', () => {
    spec
      .given(history(assign(basic, '2024-02-01')))
      .when(bill('2024-03-01'))
      .then([
        {
          type: 'PlanInstanceBilled',
          data: {
            planInstanceId: 'pi-1',
            accountId: 'acc-1',
            reason: 'billRun',
            nextBillDate: '2024-04-01',
            charges: [{ serviceId: 'seat', quantity: 1, periodPrice: '100', unitPrice: '100.00' }],
            invoice: {
              invoiceId: invoiceId(2),
              accountId: 'acc-1',
              planInstanceId: 'pi-1',
              invoiceDate: '2024-03-01',
              dueDate: '2024-03-01',
              currency: 'USD',
              total: 10000,
              lines: [
                {
                  type: 'recurring',
                  planInstanceId: 'pi-1',
                  serviceId: 'seat',
                  description: 'Basic – Seat',
                  periodStart: '2024-03-01',
                  periodEnd: '2024-03-31',
                  quantity: '1',
                  unitPrice: '100.00',
                  amount: 10000,
                  prorated: false,
                },
              ],
            },
          },
        },
      ]);
  });

  it('decides nothing before the next bill date', () => {
    spec.given(history(assign(basic, '2024-02-01'))).when(bill('2024-02-29')).then([]);
  });

  it('twice on the same date: the second decides nothing', () => {
    spec.given(history(assign(basic, '2024-02-01'), bill('2024-03-01'))).when(bill('2024-03-01')).then([]);
  });

  it('on an instance that does not exist (yet): nothing', () => {
    spec.given([]).when(bill('2024-03-01')).then([]);
  });

  it('after a gap of several periods: each missed period once, in order, on one invoice', () => {
    const invoice = onlyInvoice(decided(history(assign(basic, '2024-01-31')), bill('2024-05-15')));
    // Bill day 31: February clamps to the 29th, April to the 30th.
    expect(invoice.lines.map((l) => [l.periodStart, l.periodEnd, l.amount])).toEqual([
      ['2024-02-29', '2024-03-30', 10000],
      ['2024-03-31', '2024-04-29', 10000],
      ['2024-04-30', '2024-05-30', 10000],
    ]);
    expect(invoice.invoiceDate).toBe('2024-05-15');
    // …and a later run on the same day or before 2024-05-31 bills nothing again.
    const given = history(assign(basic, '2024-01-31'), bill('2024-05-15'));
    spec.given(given).when(bill('2024-05-30')).then([]);
    expect(onlyInvoice(decided(given, bill('2024-05-31'))).lines.map((l) => l.periodStart)).toEqual(['2024-05-31']);
  });

  it('the quantity of the next period is the one in force on its first day', () => {
    const { events } = runAll([assign(basic, '2024-02-01', { quantity: 2 }), changeQuantity(5, '2024-02-15', { prorationRule: 'none' }), bill('2024-03-01')]);
    expect(linesOf(invoicesOf(events).at(-1)!)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-03-01', periodEnd: '2024-03-31', quantity: '5', amount: 50000 }]);
  });
});

describe('ChangePlanQuantity', () => {
  it('prorate: credit the unused days of the old charge, charge the rest of the period at the new quantity', () => {
    spec
      .given(history(assign(ten, '2024-02-01', { quantity: 2 })))
      .when(changeQuantity(5, '2024-02-15'))
      .then([
        {
          type: 'PlanQuantityChanged',
          data: { planInstanceId: 'pi-1', accountId: 'acc-1', from: 2, to: 5, effectiveDate: '2024-02-15', prorationRule: 'prorate' },
        },
        {
          type: 'PlanInstanceBilled',
          data: {
            planInstanceId: 'pi-1',
            accountId: 'acc-1',
            reason: 'change',
            nextBillDate: '2024-03-01',
            charges: [{ serviceId: 'seat', quantity: 5, periodPrice: '50', unitPrice: '10.00' }],
            invoice: {
              invoiceId: invoiceId(2),
              accountId: 'acc-1',
              planInstanceId: 'pi-1',
              invoiceDate: '2024-02-15',
              dueDate: '2024-02-15',
              currency: 'USD',
              total: 1552,
              lines: [
                {
                  type: 'credit',
                  planInstanceId: 'pi-1',
                  serviceId: 'seat',
                  description: 'Credit for unused time: Ten – Seat (15 of 29 days)',
                  periodStart: '2024-02-15',
                  periodEnd: '2024-02-29',
                  quantity: '2',
                  unitPrice: '10.00',
                  amount: -1034, // 20 × 15/29 = 10.345
                  prorated: true,
                },
                {
                  type: 'recurring',
                  planInstanceId: 'pi-1',
                  serviceId: 'seat',
                  description: 'Ten – Seat (15 of 29 days)',
                  periodStart: '2024-02-15',
                  periodEnd: '2024-02-29',
                  quantity: '5',
                  unitPrice: '10.00',
                  amount: 2586, // 50 × 15/29 = 25.862
                  prorated: true,
                },
              ],
            },
          },
        },
      ]);
  });

  it.each([
    // tenant default, call's rule → [credit, charge] (empty: nothing now)
    ['prorate', undefined, [-1034, 2586]],
    ['none', undefined, []],
    ['none', 'prorate', [-1034, 2586]],
    ['prorate', 'none', []],
  ])('tenant %s, call %s: %j', (tenantProrationRule, prorationRule, amounts) => {
    const events = decided(history(assign(ten, '2024-02-01', { quantity: 2 })), changeQuantity(5, '2024-02-15', { tenantProrationRule: tenantProrationRule as 'prorate' | 'none', prorationRule }));
    expect(events[0]).toMatchObject({ type: 'PlanQuantityChanged', data: { from: 2, to: 5, prorationRule: prorationRule ?? tenantProrationRule } });
    expect(invoicesOf(events).flatMap((invoice) => invoice.lines.map((l) => l.amount))).toEqual(amounts);
    // under none nothing moved: the quantity change is the only event
    if (amounts.length === 0) expect(events).toHaveLength(1);
  });

  it('none now, then the new quantity on the next bill', () => {
    const { perCommand } = runAll([assign(ten, '2024-02-01', { quantity: 2 }), changeQuantity(5, '2024-02-15', { prorationRule: 'none' }), bill('2024-03-01')]);
    expect(perCommand[1].map((e) => e.type)).toEqual(['PlanQuantityChanged']);
    expect(linesOf(onlyInvoice(perCommand[2]))).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-03-01', periodEnd: '2024-03-31', quantity: '5', amount: 5000 }]);
  });

  it('the same quantity: nothing', () => {
    spec.given(history(assign(ten, '2024-02-01', { quantity: 2 }))).when(changeQuantity(2, '2024-02-15')).then([]);
  });

  it('catches up first: a change after a missed bill date bills that period, then credits from today', () => {
    const invoice = onlyInvoice(decided(history(assign(ten, '2024-02-01')), changeQuantity(2, '2024-03-11')));
    // March billed whole (10.00), then 21 of 31 days credited (6.77) and charged twice over (13.55).
    expect(invoice.lines.map((l) => [l.type, l.periodStart, l.amount])).toEqual([
      ['recurring', '2024-03-01', 1000],
      ['credit', '2024-03-11', -677],
      ['recurring', '2024-03-11', 1355],
    ]);
  });

  describe('refusals', () => {
    it.each([0, -1, 1.5, '2', null])('quantity %j: 400', (quantity) => {
      const error = spec.given(history(assign(basic, '2024-02-01'))).when(changeQuantity(quantity, '2024-02-15')).thenThrows(InvalidInputError, /quantity/);
      expectRefused(error, 400, 'quantity');
    });

    it('prorationRule "sometimes": 400', () => {
      const error = spec.given(history(assign(basic, '2024-02-01'))).when(changeQuantity(2, '2024-02-15', { prorationRule: 'sometimes' })).thenThrows(InvalidInputError);
      expectRefused(error, 400, 'prorationRule');
    });

    it('an unknown plan instance: 404', () => {
      spec.given([]).when(changeQuantity(2, '2024-02-15')).thenThrows(NotFoundError, /Plan instance pi-1 was not found/);
    });
  });
});

describe('SwitchPlan', () => {
  it('same interval, now: the DOMAIN.md §4 example, 10.00 → 29.00 on 2024-02-15 (credit 5.17, charge 15.00)', () => {
    const events = decided(history(assign(ten, '2024-02-01')), switchPlan(twentyNine, '2024-02-15'));
    expect(events[0]).toEqual({
      type: 'PlanSwitched',
      data: {
        planInstanceId: 'pi-1',
        accountId: 'acc-1',
        from: { planId: 'ten', version: 1 },
        plan: twentyNine,
        effectiveDate: '2024-02-15',
        grid: { anchorDate: '2024-02-01', billDay: 1, interval: { unit: 'month', count: 1 } },
        prorationRule: 'prorate',
      },
    });
    const invoice = onlyInvoice(events);
    expect(invoice.lines.map((l) => [l.type, l.description, l.amount])).toEqual([
      ['credit', 'Credit for unused time: Ten – Seat (15 of 29 days)', -517],
      ['recurring', 'Twenty-nine – Seat (15 of 29 days)', 1500],
    ]);
  });

  it('same interval, now, proration none: switched, nothing billed now, the new price from the next bill', () => {
    const { perCommand } = runAll([assign(ten, '2024-02-01'), switchPlan(twentyNine, '2024-02-15', { prorationRule: 'none' }), bill('2024-03-01')]);
    expect(perCommand[1].map((e) => e.type)).toEqual(['PlanSwitched']);
    expect(onlyInvoice(perCommand[2]).lines.map((l) => [l.periodStart, l.amount])).toEqual([['2024-03-01', 2900]]);
  });

  it('another version of the same plan is a switch', () => {
    const v2 = monthlyPlan('12.00', { id: 'ten', name: 'Ten', version: 2 });
    const events = decided(history(assign(ten, '2024-02-01')), switchPlan(v2, '2024-02-15'));
    expect(events[0]).toMatchObject({ type: 'PlanSwitched', data: { from: { planId: 'ten', version: 1 }, plan: { id: 'ten', version: 2 } } });
  });

  it('at the next bill date: scheduled now, applied by the bill run on that date, the next period billed at the new price', () => {
    const given = history(assign(ten, '2024-02-01'));
    spec
      .given(given)
      .when(switchPlan(twentyNine, '2024-02-15', { effective: 'nextBillDate' }))
      .then([
        {
          type: 'PlanChangeScheduled',
          data: { planInstanceId: 'pi-1', accountId: 'acc-1', change: { kind: 'switch', plan: twentyNine, effectiveDate: '2024-03-01', prorationRule: 'prorate' } },
        },
      ]);
    const scheduled = history(assign(ten, '2024-02-01'), switchPlan(twentyNine, '2024-02-15', { effective: 'nextBillDate' }));
    spec.given(scheduled).when(bill('2024-02-29')).then([]);
    const events = decided(scheduled, bill('2024-03-01'));
    expect(events.map((e) => e.type)).toEqual(['PlanSwitched', 'PlanInstanceBilled']);
    expect(events[0]).toMatchObject({ data: { effectiveDate: '2024-03-01', plan: twentyNine } });
    expect(linesOf(onlyInvoice(events))).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-03-01', periodEnd: '2024-03-31', quantity: '1', amount: 2900 }]);
  });

  it('to a quarterly plan, prorate: credit the month’s unused days, a new grid from the switch date, the whole quarter charged', () => {
    const events = decided(history(assign(ten, '2024-02-01')), switchPlan(quarterly, '2024-02-15'));
    expect(events[0]).toMatchObject({
      type: 'PlanSwitched',
      data: { effectiveDate: '2024-02-15', grid: { anchorDate: '2024-02-15', billDay: 15, interval: { unit: 'month', count: 3 } }, prorationRule: 'prorate' },
    });
    expect(events[1]).toMatchObject({ type: 'PlanInstanceBilled', data: { nextBillDate: '2024-05-15' } });
    expect(linesOf(onlyInvoice(events))).toEqual([
      { type: 'credit', serviceId: 'seat', periodStart: '2024-02-15', periodEnd: '2024-02-29', quantity: '1', amount: -517 }, // 10 × 15/29
      { type: 'recurring', serviceId: 'seat', periodStart: '2024-02-15', periodEnd: '2024-05-14', quantity: '1', amount: 3000 }, // a whole quarter
    ]);
    const next = onlyInvoice(decided(history(assign(ten, '2024-02-01'), switchPlan(quarterly, '2024-02-15')), bill('2024-05-15')));
    expect(next.lines.map((l) => [l.periodStart, l.periodEnd, l.amount])).toEqual([['2024-05-15', '2024-08-14', 3000]]);
  });

  it('to a quarterly plan on a clamped bill day: the bill day 31 is kept (2024-04-30 → 2024-07-31)', () => {
    const given = history(assign(ten, '2024-01-31'), bill('2024-04-30'));
    const events = decided(given, switchPlan(quarterly, '2024-04-30'));
    expect(events[0]).toMatchObject({ data: { grid: { anchorDate: '2024-04-30', billDay: 31 } } });
    expect(linesOf(onlyInvoice(events)).map((l) => [l.type, l.periodStart, l.periodEnd, l.amount])).toEqual([
      ['credit', '2024-04-30', '2024-05-30', -1000], // the whole month just billed
      ['recurring', '2024-04-30', '2024-07-30', 3000],
    ]);
  });

  it('to a quarterly plan, proration none: nothing now; the new grid starts at the next bill date with a whole quarter', () => {
    const given = history(assign(ten, '2024-02-01'));
    const now = decided(given, switchPlan(quarterly, '2024-02-15', { prorationRule: 'none' }));
    expect(invoicesOf(now)).toEqual([]);
    const { perCommand, state } = runAll([assign(ten, '2024-02-01'), switchPlan(quarterly, '2024-02-15', { prorationRule: 'none' }), bill('2024-03-01')]);
    const atNextBill = perCommand[2];
    expect(atNextBill.find((e) => e.type === 'PlanSwitched')).toMatchObject({
      data: { plan: quarterly, grid: { anchorDate: '2024-03-01', billDay: 1, interval: { unit: 'month', count: 3 } }, prorationRule: 'none' },
    });
    expect(linesOf(onlyInvoice(atNextBill))).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-03-01', periodEnd: '2024-05-31', quantity: '1', amount: 3000 }]);
    expect(state?.nextBillDate).toBe('2024-06-01');
  });

  it('to a quarterly plan, proration none, then a cancellation before the next bill date: the month’s own days are credited', () => {
    const { perCommand } = runAll([assign(ten, '2024-02-01'), switchPlan(quarterly, '2024-02-15', { prorationRule: 'none' }), cancel('2024-02-20', { prorationRule: 'prorate' })]);
    expect(perCommand[1].map((e) => e.type)).toEqual(['PlanChangeScheduled']); // the old plan keeps its month
    // The February charge (10.00 for 29 days) is what is refunded: 10 × 10/29 = 3.45, not 10 × 10/91 = 1.10.
    expect(linesOf(onlyInvoice(perCommand[2]))).toEqual([{ type: 'credit', serviceId: 'seat', periodStart: '2024-02-20', periodEnd: '2024-02-29', quantity: '1', amount: -345 }]);
  });

  describe('refusals', () => {
    it('to the same plan version: 409 on planId', () => {
      const error = spec.given(history(assign(ten, '2024-02-01'))).when(switchPlan(ten, '2024-02-15')).thenThrows(ConflictError, /already on plan ten version 1/);
      expectRefused(error, 409, 'planId', 'differentPlan');
    });

    it('to an unknown plan: 422 on planId', () => {
      const error = spec.given(history(assign(ten, '2024-02-01'))).when(switchPlan(null, '2024-02-15', { planId: 'gold' })).thenThrows(RuleViolationError, /plan gold does not exist/);
      expectRefused(error, 422, 'planId', 'planExists');
    });

    it('to a plan in another currency: 422 on planId', () => {
      const euro = monthlyPlan('10.00', { id: 'euro', currency: 'EUR' });
      const error = spec.given(history(assign(ten, '2024-02-01'))).when(switchPlan(euro, '2024-02-15')).thenThrows(RuleViolationError, /priced in EUR/);
      expectRefused(error, 422, 'planId', 'sameCurrency');
    });

    it.each(['later', '2024-03-01', 1, ''])('effective %j: 400 (a switch is "now" or "nextBillDate")', (effective) => {
      const error = spec.given(history(assign(ten, '2024-02-01'))).when(switchPlan(twentyNine, '2024-02-15', { effective })).thenThrows(InvalidInputError, /effective must be one of/);
      expectRefused(error, 400, 'effective');
    });

    it('an unknown plan instance: 404', () => {
      spec.given([]).when(switchPlan(twentyNine, '2024-02-15')).thenThrows(NotFoundError);
    });
  });
});

describe('CancelPlan: the effective date is the first day without service', () => {
  it('now, on the last day of a period: exactly one day credited (100 × 1/29 = 3.45)', () => {
    spec
      .given(history(assign(basic, '2024-02-01')))
      .when(cancel('2024-02-29'))
      .then([
        { type: 'PlanCancelled', data: { planInstanceId: 'pi-1', accountId: 'acc-1', effectiveDate: '2024-02-29', prorationRule: 'prorate' } },
        {
          type: 'PlanInstanceBilled',
          data: {
            planInstanceId: 'pi-1',
            accountId: 'acc-1',
            reason: 'change',
            nextBillDate: null,
            charges: [],
            invoice: {
              invoiceId: invoiceId(2),
              accountId: 'acc-1',
              planInstanceId: 'pi-1',
              invoiceDate: '2024-02-29',
              dueDate: '2024-02-29',
              currency: 'USD',
              total: -345,
              lines: [
                {
                  type: 'credit',
                  planInstanceId: 'pi-1',
                  serviceId: 'seat',
                  description: 'Credit for unused time: Basic – Seat (1 of 29 days)',
                  periodStart: '2024-02-29',
                  periodEnd: '2024-02-29',
                  quantity: '1',
                  unitPrice: '100.00',
                  amount: -345,
                  prorated: true,
                },
              ],
            },
          },
        },
      ]);
  });

  it('on a date in the past inside the open period: credited from that date (100 × 20/29 = 68.97)', () => {
    const events = decided(history(assign(basic, '2024-02-01')), cancel('2024-02-20', { effective: '2024-02-10' }));
    expect(events[0]).toMatchObject({ type: 'PlanCancelled', data: { effectiveDate: '2024-02-10' } });
    expect(linesOf(onlyInvoice(events))).toEqual([{ type: 'credit', serviceId: 'seat', periodStart: '2024-02-10', periodEnd: '2024-02-29', quantity: '1', amount: -6897 }]); // 2024-02-10 – 2024-02-29: 20 days
  });

  it('now, with proration none: cancelled, nothing credited', () => {
    spec
      .given(history(assign(basic, '2024-02-01')))
      .when(cancel('2024-02-15', { prorationRule: 'none' }))
      .then([{ type: 'PlanCancelled', data: { planInstanceId: 'pi-1', accountId: 'acc-1', effectiveDate: '2024-02-15', prorationRule: 'none' } }]);
  });

  it('on the start date: the whole first period credited', () => {
    const events = decided(history(assign(basic, '2024-02-05')), cancel('2024-02-05'));
    expect(onlyInvoice(events).lines.map((l) => l.amount)).toEqual([-10000]);
  });

  it('inside a stub that was not charged (proration none): nothing to credit', () => {
    const given = history(assign(basic, '2019-02-10', { retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated', prorationRule: 'none' }));
    const events = decided(given, cancel('2019-02-12', { prorationRule: 'prorate' }));
    expect(events.map((e) => e.type)).toEqual(['PlanCancelled']);
  });

  it('now, on a bill date the bill run has not reached yet: the period is billed first, as if the day had begun, then credited whole', () => {
    const invoice = onlyInvoice(decided(history(assign(basic, '2024-02-01')), cancel('2024-03-01')));
    expect(invoice.lines.map((l) => [l.type, l.periodStart, l.amount])).toEqual([
      ['recurring', '2024-03-01', 10000],
      ['credit', '2024-03-01', -10000],
    ]);
    expect(invoice.total).toBe(0);
  });

  it('at the next bill date: scheduled, nothing credited; the bill run on that date cancels and invoices nothing', () => {
    spec
      .given(history(assign(basic, '2024-02-01')))
      .when(cancel('2024-02-10', { effective: 'nextBillDate' }))
      .then([
        {
          type: 'PlanChangeScheduled',
          data: { planInstanceId: 'pi-1', accountId: 'acc-1', change: { kind: 'cancel', effectiveDate: '2024-03-01', prorationRule: 'prorate' } },
        },
      ]);
    const scheduled = history(assign(basic, '2024-02-01'), cancel('2024-02-10', { effective: 'nextBillDate' }));
    spec.given(scheduled).when(bill('2024-02-20')).then([]);
    spec
      .given(scheduled)
      .when(bill('2024-03-01'))
      .then([{ type: 'PlanCancelled', data: { planInstanceId: 'pi-1', accountId: 'acc-1', effectiveDate: '2024-03-01', prorationRule: 'prorate' } }]);
    spec.given(history(assign(basic, '2024-02-01'), cancel('2024-02-10', { effective: 'nextBillDate' }), bill('2024-03-01'))).when(bill('2024-03-01')).then([]);
  });

  it('on a future date inside a later period: the periods up to it are billed, then the rest of its period is credited', () => {
    const scheduled = history(assign(basic, '2024-01-01'), cancel('2024-01-10', { effective: '2024-03-16' }));
    expect(scheduled.at(-1)).toMatchObject({ type: 'PlanChangeScheduled', data: { change: { kind: 'cancel', effectiveDate: '2024-03-16' } } });
    const { perCommand } = runAll([bill('2024-02-01'), bill('2024-03-01'), bill('2024-03-15'), bill('2024-03-16')], scheduled);
    expect(invoicesOf(perCommand[0])[0].lines.map((l) => [l.periodStart, l.amount])).toEqual([['2024-02-01', 10000]]);
    expect(invoicesOf(perCommand[1])[0].lines.map((l) => [l.periodStart, l.amount])).toEqual([['2024-03-01', 10000]]);
    expect(perCommand[2]).toEqual([]);
    expect(perCommand[3].map((e) => e.type)).toEqual(['PlanCancelled', 'PlanInstanceBilled']);
    // 16 of March's 31 days unused: 100 × 16/31 = 51.61
    expect(linesOf(onlyInvoice(perCommand[3]))).toEqual([{ type: 'credit', serviceId: 'seat', periodStart: '2024-03-16', periodEnd: '2024-03-31', quantity: '1', amount: -5161 }]);
  });

  it('on a future date, with the bill runs missed: one invoice bills the periods and credits the rest', () => {
    const scheduled = history(assign(basic, '2024-01-01'), cancel('2024-01-10', { effective: '2024-03-16' }));
    const invoice = onlyInvoice(decided(scheduled, bill('2024-03-20')));
    expect(invoice.lines.map((l) => [l.type, l.periodStart, l.amount])).toEqual([
      ['recurring', '2024-02-01', 10000],
      ['recurring', '2024-03-01', 10000],
      ['credit', '2024-03-16', -5161],
    ]);
  });

  it('a later change replaces a scheduled one: a cancellation replaces a scheduled switch', () => {
    const { state } = runAll([assign(ten, '2024-02-01'), switchPlan(twentyNine, '2024-02-10', { effective: 'nextBillDate' }), cancel('2024-02-12', { effective: '2024-04-10' })]);
    expect(state?.pending).toEqual({ kind: 'cancel', effectiveDate: '2024-04-10', prorationRule: 'prorate' });
  });

  describe('refusals', () => {
    it('before the period in force: 422 on effective', () => {
      const given = history(assign(basic, '2024-01-01'), bill('2024-02-01'));
      const error = spec.given(given).when(cancel('2024-02-20', { effective: '2024-01-31' })).thenThrows(RuleViolationError, /may not take effect before 2024-02-01/);
      expectRefused(error, 422, 'effective', 'openPeriod');
    });

    it('before the start date: 422', () => {
      spec.given(history(assign(basic, '2024-02-05'))).when(cancel('2024-02-20', { effective: '2024-02-04' })).thenThrows(RuleViolationError, /may not take effect before 2024-02-05/);
    });

    it('before a period a missed bill run has just caught up: 422 (the bill run comes first, as if the days had passed)', () => {
      spec.given(history(assign(basic, '2024-01-01'))).when(cancel('2024-03-10', { effective: '2024-02-15' })).thenThrows(RuleViolationError, /may not take effect before 2024-03-01/);
    });

    it('before the last change in the period: 422 (the credit would refund days the charge in force does not cover)', () => {
      const given = history(assign(ten, '2024-02-01'), switchPlan(twentyNine, '2024-02-15'));
      const error = spec.given(given).when(cancel('2024-02-20', { effective: '2024-02-10' })).thenThrows(RuleViolationError, /may not take effect before 2024-02-15/);
      expectRefused(error, 422, 'effective');
    });

    it.each(['later', '2024-02-30', 5, '2024/03/01', ''])('effective %j: 400', (effective) => {
      const error = spec.given(history(assign(basic, '2024-02-01'))).when(cancel('2024-02-15', { effective })).thenThrows(InvalidInputError, /effective must be "now", "nextBillDate" or a date/);
      expectRefused(error, 400, 'effective', 'cancelEffective');
    });

    it('prorationRule "sometimes": 400', () => {
      const error = spec.given(history(assign(basic, '2024-02-01'))).when(cancel('2024-02-15', { prorationRule: 'sometimes' })).thenThrows(InvalidInputError);
      expectRefused(error, 400, 'prorationRule');
    });

    it('an unknown plan instance: 404', () => {
      spec.given([]).when(cancel('2024-02-15')).thenThrows(NotFoundError);
    });
  });
});

describe('a cancelled plan instance cannot be changed (422)', () => {
  const cancelled = history(assign(ten, '2024-02-01'), cancel('2024-02-15'));

  it.each([
    ['ChangePlanQuantity', changeQuantity(2, '2024-02-20')],
    ['SwitchPlan now', switchPlan(twentyNine, '2024-02-20')],
    ['SwitchPlan at the next bill date', switchPlan(twentyNine, '2024-02-20', { effective: 'nextBillDate' })],
    ['CancelPlan', cancel('2024-02-20')],
    ['CancelPlan on a future date', cancel('2024-02-20', { effective: '2024-04-01' })],
  ])('%s', (_name, command) => {
    const error = spec.given(cancelled).when(command).thenThrows(RuleViolationError, /was cancelled on 2024-02-15; a cancelled plan instance cannot be changed/);
    expectRefused(error, 422, 'planInstanceId', 'notCancelled');
  });

  it('a scheduled cancellation, once applied, refuses changes too', () => {
    const given = history(assign(ten, '2024-02-01'), cancel('2024-02-10', { effective: 'nextBillDate' }), bill('2024-03-01'));
    spec.given(given).when(changeQuantity(2, '2024-03-05')).thenThrows(RuleViolationError, /cancelled on 2024-03-01/);
  });

  it('the bill run decides nothing for it', () => {
    spec.given(cancelled).when(bill('2024-03-01')).then([]);
    spec.given(cancelled).when(bill('2025-03-01')).then([]);
  });

  it('the existing instance is still not assignable again (409)', () => {
    spec.given(cancelled).when(assign(ten, '2024-03-01')).thenThrows(ConflictError);
  });
});

describe('determinism: deciding the same command on the same state gives the same events (a preview equals its commit)', () => {
  it.each([
    ['AssignPlan with catch-up', [], assign(basic, '2024-03-10', { retroactiveStartDate: '2023-01-05', altBillDay: 10, invoicingOption: 'prorated' })],
    ['ChangePlanQuantity', history(assign(basic, '2024-02-01')), changeQuantity(3, '2024-02-10')],
    ['SwitchPlan', history(assign(ten, '2024-02-01')), switchPlan(quarterly, '2024-02-15')],
    ['CancelPlan', history(assign(basic, '2024-02-01')), cancel('2024-02-10')],
    ['BillPlanInstance', history(assign(basic, '2024-02-01')), bill('2024-06-01')],
  ] as const)('%s', (_name, given, command) => {
    const first = decided([...given], command);
    const second = decided([...given], command);
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
