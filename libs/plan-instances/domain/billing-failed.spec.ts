import { fold } from '../../shared-kernel/decider';
import { planInstanceDecider } from './plan-instance.decider';
import { PlanInstanceEvent } from './plan-instance.events';
import { assign, bill, history, monthlyPlan, runAll } from './testing/plan-instance-fixtures';

/** An instance assigned before the door checked prices: its stored plan bills a charge beyond safe minor units. */
function hugeHistory(): PlanInstanceEvent[] {
  const events = history(assign(monthlyPlan('100.00'), '2024-02-01'));
  return events.map((event) => (event.type === 'PlanAssigned' ? { ...event, data: { ...event.data, plan: monthlyPlan('99999999999999999999.99') } } : event));
}

const failedOn = (date: string): PlanInstanceEvent => ({
  type: 'PlanInstanceBillingFailed',
  data: {
    planInstanceId: 'pi-1',
    accountId: 'acc-1',
    date,
    reason: expect.stringContaining('minor units') as unknown as string,
    field: 'amount',
    rule: 'integerMinorUnits',
  },
});

describe('BillPlanInstance that breaks a rule (PlanInstanceBillingFailed)', () => {
  it('records why the instance could not be billed instead of refusing the command', () => {
    expect(runAll([bill('2024-03-01')], hugeHistory()).perCommand[0]).toEqual([failedOn('2024-03-01')]);
  });

  it('records it once a day: the same day again decides nothing, the next day records again', () => {
    const { perCommand } = runAll([bill('2024-03-01'), bill('2024-03-01'), bill('2024-03-02')], hugeHistory());
    expect(perCommand).toEqual([[failedOn('2024-03-01')], [], [failedOn('2024-03-02')]]);
  });

  it('the next billing supersedes it', () => {
    const events = history(assign(monthlyPlan('100.00'), '2024-02-01'));
    const failed: PlanInstanceEvent = { type: 'PlanInstanceBillingFailed', data: { planInstanceId: 'pi-1', accountId: 'acc-1', date: '2024-03-01', reason: 'x', field: null, rule: null } };
    expect(fold(planInstanceDecider, [...events, failed])?.billingFailedOn).toBe('2024-03-01');
    const { events: after, perCommand } = runAll([bill('2024-03-02')], [...events, failed]);
    expect(perCommand[0].map((event) => event.type)).toEqual(['PlanInstanceBilled']);
    expect(fold(planInstanceDecider, after)).not.toHaveProperty('billingFailedOn');
  });

  it('a programming error still throws (only domain errors are recorded)', () => {
    expect(() => planInstanceDecider.decide({ type: 'BillPlanInstance', data: { planInstanceId: 'pi-1' } as never }, fold(planInstanceDecider, hugeHistory()))).toThrow();
  });
});
