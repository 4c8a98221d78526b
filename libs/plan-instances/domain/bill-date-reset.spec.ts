import { DomainError, InvalidInputError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import type { StatusSettings } from '../../tenancy/domain';
import { planInstanceDecider } from './plan-instance.decider';
import { BillingFacts, ChangePlanInstanceStatus, PlanInstanceCommand, ResetPlanInstanceBillDate, RestorePlanInstanceStatusAfterDunning } from './plan-instance.commands';
import { PlanInstance } from './plan-instance';
import { PlanInstanceEvent } from './plan-instance.events';
import { assign, bill, changeQuantity, facts, history, invoicesOf, linesOf, monthlyPlan, runAll, switchPlan } from './testing/plan-instance-fixtures';

/** Issue 23, Must have 4: seed 003's bill-date reset rule, per call and as the tenant's rule, and on going billable. */

const spec = specFor(planInstanceDecider);
const ten = monthlyPlan('10.00', { id: 'ten', name: 'Ten' });
const twentyNine = monthlyPlan('29.00', { id: 'twenty-nine', name: 'Twenty-nine' });
const monthly = { unit: 'month' as const, count: 1 };

// 10.00 monthly from 2024-02-01 (bill day 1); changed on 2024-02-15, 15 of February's 29 days left.
const given = () => history(assign(ten, '2024-02-01'));
const TODAY = '2024-02-15';
const suspendedNotBilled: StatusSettings = { billWhileSuspended: false, customStatuses: [] };

function decided(events: PlanInstanceEvent[], command: PlanInstanceCommand): PlanInstanceEvent[] {
  return runAll([command], events).perCommand[0];
}
function stateOf(events: PlanInstanceEvent[]): PlanInstance {
  return runAll([], events).state as PlanInstance;
}
function onlyInvoiceLines(events: PlanInstanceEvent[]) {
  const invoices = invoicesOf(events);
  expect(invoices).toHaveLength(1);
  return linesOf(invoices[0]);
}
function expectRefused(error: DomainError, status: number, field: string, rule: string) {
  expect(error.status).toBe(status);
  expect(error.details).toEqual([expect.objectContaining({ field, rule })]);
}

const status = (to: string, today: string, extra: Partial<ChangePlanInstanceStatus['data']> = {}): ChangePlanInstanceStatus => ({
  type: 'ChangePlanInstanceStatus',
  data: { planInstanceId: 'pi-1', status: to, reason: 'asked', settings: suspendedNotBilled, today, ...extra },
});
const billing = (today: string, overrides: Partial<BillingFacts> = {}): BillingFacts => facts(today, { statusSettings: suspendedNotBilled, ...overrides });

describe('bill-date reset on a change made now', () => {
  it('quantity 1 → 3 with billDateReset "reset": 5.17 credited, a whole period at quantity 3 (30.00) from today, bill day 15', () => {
    const events = decided(given(), changeQuantity(3, TODAY, { billDateReset: 'reset' }));

    expect(events.map((event) => event.type)).toEqual(['PlanQuantityChanged', 'PlanInstanceBillDateReset', 'PlanInstanceBilled']);
    expect(events[1]).toEqual({
      type: 'PlanInstanceBillDateReset',
      data: { planInstanceId: 'pi-1', accountId: 'acc-1', effectiveDate: TODAY, grid: { anchorDate: TODAY, billDay: 15, interval: monthly }, reason: 'change' },
    });
    // 10 × 15/29 = 5.172… → 5.17 back; 3 × 10.00 for 2024-02-15 – 2024-03-14.
    expect(onlyInvoiceLines(events)).toEqual([
      { type: 'credit', serviceId: 'seat', periodStart: TODAY, periodEnd: '2024-02-29', quantity: '1', amount: -517 },
      { type: 'recurring', serviceId: 'seat', periodStart: TODAY, periodEnd: '2024-03-14', quantity: '3', amount: 3000 },
    ]);
    const state = stateOf([...given(), ...events]);
    expect(state.nextBillDate).toBe('2024-03-15');
    expect(state.grid.billDay).toBe(15);
  });

  it("the tenant's rule applies when the call gives none; the call's \"keep\" overrides it", () => {
    const byTenant = decided(given(), changeQuantity(3, TODAY, { tenantBillDateReset: 'reset' }));
    expect(onlyInvoiceLines(byTenant).map((line) => line.amount)).toEqual([-517, 3000]);

    const kept = decided(given(), changeQuantity(3, TODAY, { tenantBillDateReset: 'reset', billDateReset: 'keep' }));
    // As without the rule: 30 × 15/29 = 15.517… → 15.52 for the rest of February, bill day 1 kept.
    expect(kept.map((event) => event.type)).toEqual(['PlanQuantityChanged', 'PlanInstanceBilled']);
    expect(onlyInvoiceLines(kept).map((line) => line.amount)).toEqual([-517, 1552]);
    expect(stateOf([...given(), ...kept]).nextBillDate).toBe('2024-03-01');
  });

  it('a switch with "reset": the new plan on a grid from today: 5.17 credited, 29.00 for 2024-02-15 – 2024-03-14', () => {
    const events = decided(given(), switchPlan(twentyNine, TODAY, { billDateReset: 'reset' }));

    expect(events.map((event) => event.type)).toEqual(['PlanSwitched', 'PlanInstanceBilled']);
    expect(events[0]).toMatchObject({ data: { effectiveDate: TODAY, grid: { anchorDate: TODAY, billDay: 15 } } });
    expect(onlyInvoiceLines(events)).toEqual([
      { type: 'credit', serviceId: 'seat', periodStart: TODAY, periodEnd: '2024-02-29', quantity: '1', amount: -517 },
      { type: 'recurring', serviceId: 'seat', periodStart: TODAY, periodEnd: '2024-03-14', quantity: '1', amount: 2900 },
    ]);
    expect(stateOf([...given(), ...events]).nextBillDate).toBe('2024-03-15');
  });

  it('under proration "none" nothing is credited: the whole new period is charged (30.00)', () => {
    const events = decided(given(), changeQuantity(3, TODAY, { billDateReset: 'reset', prorationRule: 'none' }));

    expect(onlyInvoiceLines(events)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: TODAY, periodEnd: '2024-03-14', quantity: '3', amount: 3000 }]);
  });

  it('an unknown rule: 400 on billDateReset, rule oneOf', () => {
    const error = spec.given(given()).when(changeQuantity(3, TODAY, { billDateReset: 'sometimes' })).thenThrows(InvalidInputError, /billDateReset must be one of/);
    expectRefused(error, 400, 'billDateReset', 'oneOf');
  });
});

describe('bill-date reset when the plan instance goes from a non-billable to a billable status', () => {
  // Suspended (not billed while suspended) on 2024-02-05; the bill run of 2024-03-01 skips March.
  const suspended = () => runAll([status('suspended', '2024-02-05'), bill('2024-03-01', { statusSettings: suspendedNotBilled })], given()).events;

  it('active again on 2024-03-12 under "reset": a whole period from that day, 10.00 for 2024-03-12 – 2024-04-11, on the answer', () => {
    const events = decided(suspended(), status('active', '2024-03-12', { billDateReset: 'reset', billing: billing('2024-03-12') }));

    expect(events.map((event) => event.type)).toEqual(['PlanInstanceStatusChanged', 'PlanInstanceBillDateReset', 'PlanInstanceBilled']);
    expect(events[1]).toMatchObject({ data: { effectiveDate: '2024-03-12', reason: 'billableStatus', grid: { billDay: 12 } } });
    expect(onlyInvoiceLines(events)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-03-12', periodEnd: '2024-04-11', quantity: '1', amount: 1000 }]);
    expect(stateOf([...suspended(), ...events]).nextBillDate).toBe('2024-04-12');
  });

  it('under "keep" (or without the facts) only the status changes: billing resumes on the bill day, 2024-04-01', () => {
    const kept = decided(suspended(), status('active', '2024-03-12', { billing: billing('2024-03-12') }));
    expect(kept.map((event) => event.type)).toEqual(['PlanInstanceStatusChanged']);

    const noFacts = decided(suspended(), status('active', '2024-03-12', { billDateReset: 'reset' }));
    expect(noFacts.map((event) => event.type)).toEqual(['PlanInstanceStatusChanged']);
    expect(stateOf([...suspended(), ...kept]).nextBillDate).toBe('2024-04-01');
  });

  it("the tenant's rule (billing.tenantBillDateReset) applies when the call gives none", () => {
    const events = decided(suspended(), status('active', '2024-03-12', { billing: billing('2024-03-12', { tenantBillDateReset: 'reset' }) }));

    expect(invoicesOf(events).map((invoice) => invoice.total)).toEqual([1000]);
  });

  it('resumed within a period already charged: what was charged from today is credited (10 × 10/29 = 3.45), a whole period charged', () => {
    const midPeriod = runAll([status('suspended', '2024-02-05')], given()).events;

    const events = decided(midPeriod, status('active', '2024-02-20', { billDateReset: 'reset', billing: billing('2024-02-20') }));

    expect(onlyInvoiceLines(events)).toEqual([
      { type: 'credit', serviceId: 'seat', periodStart: '2024-02-20', periodEnd: '2024-02-29', quantity: '1', amount: -345 },
      { type: 'recurring', serviceId: 'seat', periodStart: '2024-02-20', periodEnd: '2024-03-19', quantity: '1', amount: 1000 },
    ]);
  });

  it.each([
    ['billable to billable (suspended is billed)', given, 'suspended', { billWhileSuspended: true, customStatuses: [] }],
    ['billable to non-billable', given, 'suspended', suspendedNotBilled],
  ])('%s: no reset', (_case, before, to, settings) => {
    const events = decided(before(), status(to, TODAY, { settings, billDateReset: 'reset', billing: billing(TODAY, { statusSettings: settings }) }));

    expect(events.map((event) => event.type)).toEqual(['PlanInstanceStatusChanged']);
  });

  it('its account still not billable: no reset (the instance is not billed yet)', () => {
    const events = decided(suspended(), status('active', '2024-03-12', { billDateReset: 'reset', billing: billing('2024-03-12', { billable: false }) }));

    expect(events.map((event) => event.type)).toEqual(['PlanInstanceStatusChanged']);
  });

  it('restored after dunning under the tenant\'s "reset": reset as well', () => {
    const byDunning = runAll([status('suspended', '2024-02-05', { dunningCaseId: 'case-1' }), bill('2024-03-01', { statusSettings: suspendedNotBilled })], given()).events;
    const restore: RestorePlanInstanceStatusAfterDunning = {
      type: 'RestorePlanInstanceStatusAfterDunning',
      data: { planInstanceId: 'pi-1', caseId: 'case-1', today: '2024-03-12', billing: billing('2024-03-12', { tenantBillDateReset: 'reset' }) },
    };

    const events = decided(byDunning, restore);

    expect(events.map((event) => event.type)).toEqual(['PlanInstanceStatusChanged', 'PlanInstanceBillDateReset', 'PlanInstanceBilled']);
    expect(invoicesOf(events).map((invoice) => invoice.total)).toEqual([1000]);
  });

  it('an unknown rule: 400 on billDateReset', () => {
    const error = spec.given(suspended()).when(status('active', '2024-03-12', { billDateReset: 'later' })).thenThrows(InvalidInputError);
    expectRefused(error, 400, 'billDateReset', 'oneOf');
  });
});

describe('ResetPlanInstanceBillDate (its account went billable under "reset")', () => {
  const reset = (today: string, overrides: Partial<BillingFacts> = {}): ResetPlanInstanceBillDate => ({
    type: 'ResetPlanInstanceBillDate',
    data: { planInstanceId: 'pi-1', ...billing(today, overrides) },
  });
  // The account was suspended: the bill run of 2024-03-01 skipped March (billable: false).
  const accountSuspended = () => runAll([bill('2024-03-01', { billable: false })], given()).events;

  it('a whole period from the day the account went billable: 10.00 for 2024-03-12 – 2024-04-11', () => {
    const events = decided(accountSuspended(), reset('2024-03-12'));

    expect(events.map((event) => event.type)).toEqual(['PlanInstanceBillDateReset', 'PlanInstanceBilled']);
    expect(onlyInvoiceLines(events)).toEqual([{ type: 'recurring', serviceId: 'seat', periodStart: '2024-03-12', periodEnd: '2024-04-11', quantity: '1', amount: 1000 }]);
  });

  it('decides nothing for an instance not billed now (its own status not billable) or cancelled', () => {
    const ownSuspended = runAll([status('suspended', '2024-02-05')], accountSuspended()).events;
    expect(decided(ownSuspended, reset('2024-03-12'))).toEqual([]);
    expect(planInstanceDecider.decide(reset('2024-03-12'), null)).toEqual([]);
  });
});
