import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { deterministicUuid } from '../../shared-kernel/ids';
import { BillPlanInstance } from '../domain/plan-instance.commands';
import { PlanInstanceState, planInstanceStream } from '../domain/plan-instance.decider';
import { MissingUsageFactsError } from '../domain/usage-charges';
import { AssignPlanCommand } from './assign-plan';
import { BillPlanInstanceCommand } from './bill-plan-instance';
import { ChangePlanInstanceCommand, PlanInstanceChange } from './change-plan-instance';

type PlanDefinition = CreatePlanCommand['data'];

const monthly = (id: string, unitPrice: string): PlanDefinition => ({
  id,
  name: `Plan ${id}`,
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice } }],
});
const BASIC = monthly('basic', '100.00');
const PREMIUM = monthly('premium', '200.00');
const METERED: PlanDefinition = { ...monthly('metered', '5.00'), services: [...monthly('metered', '5.00').services, { id: 'data', name: 'Data', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.10' } }] };
const snapshotOf = (plan: PlanDefinition) => ({ ...plan, version: 1 });

/** Invoice ids derive from the instance and its invoice count. */
const invoiceId = (planInstanceId: string, count: number) => deterministicUuid('invoice', planInstanceId, String(count));

/**
 * DOMAIN.md §4 on 2019-02-10, retroactive start 2019-02-02: pi-a is case A (next bill date 2019-03-02),
 * pi-b case B (altBillDay 22, prorated: next bill date 2019-02-22).
 */
describe('BillPlanInstance (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    await harness.givenTenant();
    for (const id of ['a', 'b']) await harness.when(new CreateAccountCommand({ id, name: id, currency: 'USD' }, harness.context()));
    for (const plan of [BASIC, PREMIUM, METERED]) await harness.when(new CreatePlanCommand(plan, harness.context()));
    await assign('a', { id: 'pi-a', planId: 'basic', retroactiveStartDate: '2019-02-02' });
    await assign('b', { id: 'pi-b', planId: 'basic', retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated' });
  });
  afterEach(() => harness.stop());

  function assign(accountId: string, input: AssignPlanCommand['data']['input']) {
    return harness.when(new AssignPlanCommand({ tenant: harness.tenant, accountId, input }, harness.context()));
  }
  function change(planInstanceId: string, input: PlanInstanceChange) {
    return harness.when(new ChangePlanInstanceCommand({ tenant: harness.tenant, planInstanceId, change: input }, harness.context()));
  }
  /** The facts the bill run gathers for an account with no hierarchy, overrides or payment terms. */
  const facts = (planInstanceId: string, today: string, extra: Partial<BillPlanInstance['data']> = {}): BillPlanInstance['data'] => ({
    planInstanceId,
    today,
    pricing: { ancestors: [], overrides: [] },
    paymentTermsDays: 0,
    tenantProrationRule: 'prorate',
    ...extra,
  });
  const bill = (data: BillPlanInstance['data'], context = harness.context({ businessDate: data.today })) =>
    harness.when<PlanInstanceState>(new BillPlanInstanceCommand(data, context));

  const wholePeriod = (planInstanceId: string, plan: PlanDefinition, periodStart: string, periodEnd: string, amount: number) => ({
    type: 'recurring',
    planInstanceId,
    serviceId: 'base',
    description: `${plan.name} – Base fee`,
    periodStart,
    periodEnd,
    quantity: '1',
    unitPrice: plan.services[0].pricing.unitPrice,
    amount,
    prorated: false,
  });

  it('bills a due instance for its new period, in advance, and answers the instance', async () => {
    const { body, events, position } = await bill(facts('pi-b', '2019-02-22'));

    expect(events).toEqual([
      {
        stream: planInstanceStream(harness.tenant.id, 'pi-b'),
        type: 'PlanInstanceBilled',
        data: {
          planInstanceId: 'pi-b',
          accountId: 'b',
          reason: 'billRun',
          nextBillDate: '2019-03-22',
          charges: [{ serviceId: 'base', quantity: 1, periodPrice: '100', unitPrice: '100.00' }],
          invoice: {
            invoiceId: invoiceId('pi-b', 2),
            accountId: 'b',
            planInstanceId: 'pi-b',
            invoiceDate: '2019-02-22',
            dueDate: '2019-02-22',
            currency: 'USD',
            total: 10000,
            lines: [wholePeriod('pi-b', BASIC, '2019-02-22', '2019-03-21', 10000)],
          },
        },
      },
    ]);
    expect(body).toEqual({
      id: 'pi-b',
      accountId: 'b',
      plan: snapshotOf(BASIC),
      quantity: 1,
      status: 'active',
      billingGroupId: null,
      dunningGroupId: null,
      startDate: '2019-02-02',
      grid: { anchorDate: '2019-02-22', billDay: 22, interval: { unit: 'month', count: 1 } },
      invoicingOption: 'prorated',
      nextBillDate: '2019-03-22',
      charges: [{ serviceId: 'base', quantity: 1, periodPrice: '100', unitPrice: '100.00' }],
      invoiceCount: 2,
      pending: null,
      lastChangeOn: null,
      cancelledOn: null,
      warnings: [],
      usage: { billedTo: {}, lateBilled: {} },
    });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('dates the invoice due after the payment terms it is given', async () => {
    const { events } = await bill(facts('pi-b', '2019-02-22', { paymentTermsDays: 30 }));

    expect(events[0].data.invoice).toMatchObject({ invoiceDate: '2019-02-22', dueDate: '2019-03-24' });
  });

  it('billing again the same day (another command) writes nothing and answers the same instance', async () => {
    const first = await bill(facts('pi-b', '2019-02-22'));

    const again = await bill(facts('pi-b', '2019-02-22'));

    expect(again.events).toEqual([]);
    expect(again.position).toBe(first.position);
    expect(again.body).toEqual(first.body);
  });

  it('the same command id again writes nothing and answers the same instance', async () => {
    const context = harness.context({ businessDate: '2019-02-22' });
    const first = await bill(facts('pi-b', '2019-02-22'), context);

    const again = await bill(facts('pi-b', '2019-02-22'), context);

    expect(again.events).toEqual([]);
    expect(again.position).toBe(first.position);
    expect(again.body).toEqual(first.body);
  });

  it('an instance with nothing due yet writes nothing', async () => {
    const head = await harness.events.headPosition();

    const { body, events } = await bill(facts('pi-a', '2019-02-22'));

    expect(events).toEqual([]);
    expect(await harness.events.headPosition()).toBe(head);
    expect(body).toMatchObject({ id: 'pi-a', nextBillDate: '2019-03-02', invoiceCount: 1 });
  });

  it('after missed days, bills every period begun by today on one invoice', async () => {
    const { body, events } = await bill(facts('pi-a', '2019-04-02'));

    expect(events.map((event) => event.type)).toEqual(['PlanInstanceBilled']);
    expect(events[0].data).toMatchObject({
      nextBillDate: '2019-05-02',
      invoice: {
        invoiceDate: '2019-04-02',
        total: 20000,
        lines: [wholePeriod('pi-a', BASIC, '2019-03-02', '2019-04-01', 10000), wholePeriod('pi-a', BASIC, '2019-04-02', '2019-05-01', 10000)],
      },
    });
    expect(body).toMatchObject({ nextBillDate: '2019-05-02', invoiceCount: 2 });
  });

  it('applies a cancellation scheduled for the day: cancelled, nothing more billed', async () => {
    await change('pi-a', { type: 'CancelPlan', input: { effective: 'nextBillDate' } });

    const { body, events } = await bill(facts('pi-a', '2019-03-02'));

    const stream = planInstanceStream(harness.tenant.id, 'pi-a');
    // Billed up to the cancellation already: nothing to credit, so no PlanInstanceBilled.
    expect(events).toEqual([
      { stream, type: 'PlanCancelled', data: { planInstanceId: 'pi-a', accountId: 'a', effectiveDate: '2019-03-02', prorationRule: 'prorate' } },
    ]);
    expect(body).toMatchObject({ status: 'cancelled', cancelledOn: '2019-03-02', nextBillDate: null, pending: null });
  });

  it('applies a switch scheduled for the day, then bills the new period at the new plan', async () => {
    await change('pi-b', { type: 'SwitchPlan', input: { planId: 'premium', effective: 'nextBillDate' } });

    const { events } = await bill(facts('pi-b', '2019-02-22'));

    expect(events.map((event) => event.type)).toEqual(['PlanSwitched', 'PlanInstanceBilled']);
    expect(events[0].data).toEqual({
      planInstanceId: 'pi-b',
      accountId: 'b',
      from: { planId: 'basic', version: 1 },
      plan: snapshotOf(PREMIUM),
      effectiveDate: '2019-02-22',
      grid: { anchorDate: '2019-02-22', billDay: 22, interval: { unit: 'month', count: 1 } },
      prorationRule: 'prorate',
    });
    expect(events[1].data).toMatchObject({
      nextBillDate: '2019-03-22',
      charges: [{ serviceId: 'base', quantity: 1, periodPrice: '200', unitPrice: '200.00' }],
      invoice: { total: 20000, lines: [wholePeriod('pi-b', PREMIUM, '2019-02-22', '2019-03-21', 20000)] },
    });
  });

  it('a cancelled instance writes nothing', async () => {
    await change('pi-b', { type: 'CancelPlan', input: { effective: 'now' } });
    const head = await harness.events.headPosition();

    const { body, events } = await bill(facts('pi-b', '2019-02-22'));

    expect(events).toEqual([]);
    expect(await harness.events.headPosition()).toBe(head);
    expect(body).toMatchObject({ status: 'cancelled', nextBillDate: null });
  });

  it('an instance that does not exist writes nothing and answers null', async () => {
    const head = await harness.events.headPosition();

    const outcome = await bill(facts('ghost', '2019-02-22'));

    expect(outcome).toEqual({ body: null, position: 0, events: [] });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses to bill a plan with usage services without its usage facts (never bills zero usage), and writes nothing', async () => {
    await assign('a', { id: 'pi-m', planId: 'metered' });
    const head = await harness.events.headPosition();

    const refused = bill(facts('pi-m', '2019-03-10'));

    await expect(refused).rejects.toThrow(MissingUsageFactsError);
    await expect(refused).rejects.toThrow(
      'usage facts for service data of plan instance pi-m are missing or do not cover this billing; gather them (gatherUsageFacts) before deciding',
    );
    expect(await harness.events.headPosition()).toBe(head);
  });
});
