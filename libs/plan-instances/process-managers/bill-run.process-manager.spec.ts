import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { NamedCommandClass } from '../../platform/command-pipeline/command';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { commandContext } from '../../platform/process-manager-runtime/process-manager-consumer';
import { PmCommand } from '../../platform/process-manager-runtime/process-manager';
import { DEFAULT_TENANT_SETTINGS } from '../../tenancy/domain/tenant.decider';
import { clockStream } from '../../time/domain/business-clock.decider';
import { BillPlanInstance } from '../domain/plan-instance.commands';
import { planInstanceStream } from '../domain/plan-instance.decider';
import { AssignPlanCommand } from '../commands/assign-plan';
import { ChangePlanInstanceCommand, PlanInstanceChange } from '../commands/change-plan-instance';
import { planInstancesContext } from '../index';
import { billRunProcessManager } from './bill-run.process-manager';

const BASIC: CreatePlanCommand['data'] = {
  id: 'basic',
  name: 'Plan basic',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
};

/** The BillPlanInstance the run issues for one instance on `date`, for an account with no hierarchy or overrides. */
const billCommand = (planInstanceId: string, date: string, extra: Partial<BillPlanInstance['data']> = {}): PmCommand => ({
  type: 'BillPlanInstance',
  data: {
    planInstanceId,
    today: date,
    pricing: { ancestors: [], overrides: [] },
    paymentTermsDays: 0,
    tenantProrationRule: 'prorate',
    payment: { responsibility: {}, ancestors: [] },
    ...extra,
  },
  key: `bill:${planInstanceId}:${date}`,
  businessDate: date,
  lane: planInstanceId,
});

const byKey = (commands: PmCommand[]) => [...commands].sort((x, y) => String(x.key).localeCompare(String(y.key)));

describe('bill-run process manager', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    await harness.givenTenant();
  });
  afterEach(() => harness.stop());

  function assign(accountId: string, input: AssignPlanCommand['data']['input']) {
    return harness.when(new AssignPlanCommand({ tenant: harness.tenant, accountId, input }, harness.context()));
  }
  function change(planInstanceId: string, input: PlanInstanceChange) {
    return harness.when(new ChangePlanInstanceCommand({ tenant: harness.tenant, planInstanceId, change: input }, harness.context()));
  }
  /** Starts the business day in the log (as the clock would) and answers the recorded event. */
  async function dayStarted(date: string): Promise<RecordedEvent> {
    await harness.given({ stream: clockStream(harness.tenant.id), type: 'BusinessDayStarted', data: { tenantId: harness.tenant.id, date } });
    const log = await harness.log();
    return log[log.length - 1];
  }

  /**
   * On 2019-02-10 (DOMAIN.md §4): pi-a is case A (next bill date 2019-03-02), pi-b case B (2019-02-22, on an
   * account with 30 days' terms), pi-c starts today and is to be cancelled on 2019-02-22, pi-d is cancelled.
   */
  async function givenInstances(): Promise<void> {
    await harness.when(new CreateAccountCommand({ id: 'a', name: 'a', currency: 'USD' }, harness.context()));
    await harness.when(new CreateAccountCommand({ id: 'b', name: 'b', currency: 'USD', paymentTermsDays: 30 }, harness.context()));
    await harness.when(new CreatePlanCommand(BASIC, harness.context()));
    await assign('a', { id: 'pi-a', planId: 'basic', retroactiveStartDate: '2019-02-02' });
    await assign('b', { id: 'pi-b', planId: 'basic', retroactiveStartDate: '2019-02-02', altBillDay: 22, invoicingOption: 'prorated' });
    await assign('a', { id: 'pi-c', planId: 'basic' });
    await change('pi-c', { type: 'CancelPlan', input: { effective: '2019-02-22' } });
    await assign('a', { id: 'pi-d', planId: 'basic' });
    await change('pi-d', { type: 'CancelPlan', input: { effective: 'now' } });
  }

  it('issues one BillPlanInstance per instance with something due that day (a new period, a scheduled change), keyed by instance and day', async () => {
    await givenInstances();
    const day = await dayStarted('2019-02-22');

    const commands = await harness.react(billRunProcessManager, day);

    // pi-a is due on 2019-03-02 and pi-d is cancelled: none for them.
    expect(byKey(commands)).toEqual([billCommand('pi-b', '2019-02-22', { paymentTermsDays: 30 }), billCommand('pi-c', '2019-02-22')]);
  });

  it('issues nothing on a day when nothing is due', async () => {
    await givenInstances();

    expect(await harness.react(billRunProcessManager, await dayStarted('2019-02-21'))).toEqual([]);
  });

  it('after missed days, issues one command for each instance due by then, however late', async () => {
    await givenInstances();

    const commands = await harness.react(billRunProcessManager, await dayStarted('2019-03-02'));

    expect(byKey(commands)).toEqual([
      billCommand('pi-a', '2019-03-02'),
      billCommand('pi-b', '2019-03-02', { paymentTermsDays: 30 }),
      billCommand('pi-c', '2019-03-02'),
    ]);
  });

  it('its commands bill each due instance once: a second run of the same day issues none', async () => {
    await givenInstances();
    const day = await dayStarted('2019-02-22');
    const commands = await harness.react(billRunProcessManager, day);

    const appended = [];
    for (const [index, command] of byKey(commands).entries()) {
      // As the runtime sends it: the class the context names for the type, the context derived from the key.
      const Named = planInstancesContext.commands?.[command.type] as NamedCommandClass;
      appended.push(...(await harness.when(new Named(command.data, commandContext(billRunProcessManager.name, day, command, index)))).events);
    }

    // pi-b: its period from 2019-02-22; pi-c: cancelled, its 16 unused days of 28 credited (100 × 16/28 = 57.14).
    expect(appended.map((event) => [event.stream, event.type, (event.data.invoice as { total: number } | null | undefined)?.total])).toEqual([
      [planInstanceStream(harness.tenant.id, 'pi-b'), 'PlanInstanceBilled', 10000],
      [planInstanceStream(harness.tenant.id, 'pi-c'), 'PlanCancelled', undefined],
      [planInstanceStream(harness.tenant.id, 'pi-c'), 'PlanInstanceBilled', -5714],
    ]);
    expect(await harness.react(billRunProcessManager, day)).toEqual([]);
  });

  it("bills only the day's tenant", async () => {
    await givenInstances();
    const other = { ...harness.tenant, id: 'tenother' };
    await harness.when(new CreateAccountCommand({ id: 'a', name: 'a', currency: 'USD' }, harness.context({ tenantId: other.id })));
    await harness.when(new CreatePlanCommand(BASIC, harness.context({ tenantId: other.id })));
    const input = { id: 'pi-other', planId: 'basic', retroactiveStartDate: '2019-02-02' };
    await harness.when(new AssignPlanCommand({ tenant: other, accountId: 'a', input }, harness.context({ tenantId: other.id })));

    const mine = await harness.react(billRunProcessManager, await dayStarted('2019-03-02'));

    expect(mine.map(({ lane }) => lane).sort()).toEqual(['pi-a', 'pi-b', 'pi-c']);
    await harness.given({ stream: clockStream(other.id), type: 'BusinessDayStarted', data: { tenantId: other.id, date: '2019-03-02' } });
    const theirs = await harness.react(billRunProcessManager, (await harness.log()).at(-1) as RecordedEvent);
    expect(theirs.map(({ lane }) => lane)).toEqual(['pi-other']);
  });

  it("carries the tenant's proration rule, for the changes it applies", async () => {
    await harness.stop();
    harness = await HandlerHarness.start({ businessDate: '2019-02-10', tenant: { settings: { ...DEFAULT_TENANT_SETTINGS, prorationRule: 'none' } } });
    await harness.givenTenant();
    await givenInstances();

    const commands = await harness.react(billRunProcessManager, await dayStarted('2019-02-22'));

    expect(byKey(commands)).toEqual([
      billCommand('pi-b', '2019-02-22', { paymentTermsDays: 30, tenantProrationRule: 'none' }),
      billCommand('pi-c', '2019-02-22', { tenantProrationRule: 'none' }),
    ]);
  });
});
