import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { BillPlanInstance } from '../domain/plan-instance.commands';
import { PlanInstanceState, planInstanceStream } from '../domain/plan-instance.decider';
import { assign as assignFixture, history, monthlyPlan } from '../domain/testing/plan-instance-fixtures';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../read-model/plan-instances.projection';
import { BillPlanInstanceCommand } from './bill-plan-instance';

/** An instance assigned before the door checked prices (its PlanAssigned appended as such an old command wrote it). */
async function givenHugeInstance(harness: HandlerHarness, planInstanceId: string, accountId: string, price: string): Promise<void> {
  const [event] = history(assignFixture(monthlyPlan('100.00'), '2019-02-02', { planInstanceId, accountId }));
  const data = { ...event.data, plan: monthlyPlan(price) }; // only PlanAssigned: nothing billed yet
  await harness.given({ stream: planInstanceStream(harness.tenant.id, planInstanceId), type: event.type, data });
}

describe('BillPlanInstance on an instance that cannot be billed (handler)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-03-02' });
    await harness.givenTenant();
    await harness.when(new CreateAccountCommand({ id: 'a', name: 'a', currency: 'USD' }, harness.context()));
    await givenHugeInstance(harness, 'pi-huge', 'a', '99999999999999999999.99');
    await givenHugeInstance(harness, 'pi-fine', 'a', '100.00');
  });
  afterEach(() => harness.stop());

  const facts = (planInstanceId: string, today: string): BillPlanInstance['data'] => ({
    planInstanceId,
    today,
    pricing: { ancestors: [], overrides: [] },
    paymentTermsDays: 0,
    tenantProrationRule: 'prorate',
  });
  const bill = (planInstanceId: string, today: string) =>
    harness.when<PlanInstanceState>(new BillPlanInstanceCommand(facts(planInstanceId, today), harness.context({ businessDate: today })));
  const doc = (id: string) => harness.store.get<PlanInstanceDoc>(PLAN_INSTANCES, harness.tenant.id, id);

  it('records PlanInstanceBillingFailed, shows it on the instance, and bills the other instances', async () => {
    const failed = await bill('pi-huge', '2019-03-02');
    expect(failed.events).toEqual([
      expect.objectContaining({
        type: 'PlanInstanceBillingFailed',
        data: expect.objectContaining({ planInstanceId: 'pi-huge', date: '2019-03-02', field: 'amount', rule: 'integerMinorUnits' }),
      }),
    ]);
    expect((await doc('pi-huge'))?.billingError).toMatchObject({ date: '2019-03-02', rule: 'integerMinorUnits', reason: expect.stringContaining('minor units') });
    expect((await doc('pi-huge'))?.nextBillDate).toBe('2019-02-02'); // still due: the next bill run tries again

    const billed = await bill('pi-fine', '2019-03-02');
    expect(billed.events.map((event) => event.type)).toEqual(['PlanInstanceBilled']);
    expect((await doc('pi-fine'))?.billingError).toBeUndefined();
  });

  it('a repeat the same day writes nothing', async () => {
    await bill('pi-huge', '2019-03-02');
    expect((await bill('pi-huge', '2019-03-02')).events).toEqual([]);
  });
});
