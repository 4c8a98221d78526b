import { INestApplicationContext } from '@nestjs/common';
import { HandlerHarness } from '../../../test/support/handler-harness';
import { accountsContext } from '../../accounts';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { accountStream } from '../../accounts/domain/account.decider';
import { ACCOUNTS } from '../../accounts/read-model';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { NamedCommandClass } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { commandContext } from '../../platform/process-manager-runtime/process-manager-consumer';
import { InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { DEFAULT_TENANT_SETTINGS } from '../../tenancy/domain/tenant.decider';
import { clockStream } from '../../time/domain/business-clock.decider';
import { planInstanceStream } from '../domain/plan-instance.decider';
import { planInstancesContext } from '../index';
import { PLAN_INSTANCES } from '../read-model/plan-instances.projection';
import { billRunProcessManager } from '../process-managers/bill-run.process-manager';
import { AssignPlanCommand, AssignPlanDto, AssignPlanHandler } from './assign-plan';
import { ChangePlanInstanceCommand } from './change-plan-instance';
import { ChangePlanInstanceStatusCommand } from './change-plan-instance-status';
import { DunningGroupDirectory } from './dunning-groups.port';
import { PlanInstanceResponse } from './plan-instance-response';

const BASIC: CreatePlanCommand['data'] = {
  id: 'basic',
  name: 'Plan basic',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
};

const SETTINGS = { ...DEFAULT_TENANT_SETTINGS, customStatuses: [{ name: 'onHold', billable: false }], billWhileSuspended: false };

describe('Statuses through the handlers (the routes and the dunning process manager send these)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10', tenant: { settings: SETTINGS } });
    await harness.givenTenant(); // the handlers read the tenant's statuses from the tenants read model
    await harness.when(new CreateAccountCommand({ id: 'a', name: 'a', currency: 'USD' }, harness.context()));
    await harness.when(new CreatePlanCommand(BASIC, harness.context()));
    await assign({ id: 'pi-1' });
  });
  afterEach(() => harness.stop());

  function assign(input: Partial<AssignPlanDto>) {
    return harness.when<PlanInstanceResponse>(new AssignPlanCommand({ tenant: harness.tenant, accountId: 'a', input: { planId: 'basic', ...input } }, harness.context()));
  }
  /** As the process-manager runtime sends a command named in the log: the class the manifest names for its type. */
  function byName(type: string, data: Record<string, unknown>, key: string) {
    const Named = ({ ...accountsContext.commands, ...planInstancesContext.commands } as Record<string, NamedCommandClass>)[type];
    const cause = { id: `evt-${key}`, position: 1, metadata: { tenantId: harness.tenant.id, correlationId: 'c' } } as unknown as RecordedEvent;
    return harness.when(new Named(data, commandContext('dunning', cause, { type, data, key, businessDate: '2019-02-10' }, 0)));
  }

  it('an operator suspends a plan instance: 200 the instance, the event, the read model', async () => {
    const { body, events } = await harness.when<PlanInstanceResponse>(
      new ChangePlanInstanceStatusCommand({ planInstanceId: 'pi-1', status: 'onHold', reason: 'customer asked' }, harness.context()),
    );
    expect(body).toMatchObject({ planInstanceId: 'pi-1', status: 'onHold', invoice: null });
    expect(events).toEqual([
      {
        stream: planInstanceStream(harness.tenant.id, 'pi-1'),
        type: 'PlanInstanceStatusChanged',
        data: { planInstanceId: 'pi-1', accountId: 'a', from: 'active', to: 'onHold', reason: 'customer asked', by: { type: 'operator' }, changedOn: '2019-02-10' },
      },
    ]);
    expect(await harness.store.get(PLAN_INSTANCES, harness.tenant.id, 'pi-1')).toMatchObject({ status: 'onHold', nextActionDate: '2019-03-10' });
  });

  it('a status the tenant does not have: 400; an unknown instance: 404; a cancelled one: 422', async () => {
    const send = (planInstanceId: string, status: string) => harness.when(new ChangePlanInstanceStatusCommand({ planInstanceId, status, reason: 'x' }, harness.context()));
    await expect(send('pi-1', 'paused')).rejects.toMatchObject({ details: [{ field: 'status', rule: 'knownStatus' }] });
    await expect(send('pi-1', 'paused')).rejects.toThrow(InvalidInputError);
    await expect(send('nope', 'suspended')).rejects.toThrow(NotFoundError);
    await harness.when(new ChangePlanInstanceCommand({ tenant: harness.tenant, planInstanceId: 'pi-1', change: { type: 'CancelPlan', input: {} } }, harness.context()));
    await expect(send('pi-1', 'suspended')).rejects.toThrow(RuleViolationError);
  });

  it('the dunning process manager changes and restores both by name, idempotently', async () => {
    const suspendAccount = await byName('ChangeAccountStatus', { accountId: 'a', status: 'suspended', reason: 'step 2', dunningCaseId: 'case-1' }, 'k1');
    const suspendInstance = await byName('ChangePlanInstanceStatus', { planInstanceId: 'pi-1', status: 'suspended', reason: 'step 2', dunningCaseId: 'case-1' }, 'k2');
    expect([...suspendAccount.events, ...suspendInstance.events].map((event) => [event.type, event.data.to, event.data.by])).toEqual([
      ['AccountStatusChanged', 'suspended', { type: 'dunning', caseId: 'case-1' }],
      ['PlanInstanceStatusChanged', 'suspended', { type: 'dunning', caseId: 'case-1' }],
    ]);
    expect(await harness.store.get(ACCOUNTS, harness.tenant.id, 'a')).toMatchObject({ status: 'suspended' });
    expect(suspendAccount.body).not.toHaveProperty('dunningHold');

    // Same command again (another key, so not deduplicated by id): the same status writes nothing.
    expect((await byName('ChangeAccountStatus', { accountId: 'a', status: 'suspended', reason: 'step 2', dunningCaseId: 'case-1' }, 'k3')).events).toEqual([]);

    const restored = [
      ...(await byName('RestoreAccountStatusAfterDunning', { accountId: 'a', caseId: 'case-1' }, 'k4')).events,
      ...(await byName('RestorePlanInstanceStatusAfterDunning', { planInstanceId: 'pi-1', caseId: 'case-1' }, 'k5')).events,
    ];
    expect(restored.map((event) => [event.stream, event.data.from, event.data.to, event.data.reason])).toEqual([
      [accountStream(harness.tenant.id, 'a'), 'suspended', 'active', 'dunning resolved'],
      [planInstanceStream(harness.tenant.id, 'pi-1'), 'suspended', 'active', 'dunning resolved'],
    ]);
    expect((await byName('RestoreAccountStatusAfterDunning', { accountId: 'a', caseId: 'case-1' }, 'k6')).events).toEqual([]);
  });

  it('assignment may start suspended or in a custom status, not terminated', async () => {
    expect((await assign({ id: 'pi-2', status: 'suspended' })).body.status).toBe('suspended');
    await expect(assign({ id: 'pi-3', status: 'terminated' })).rejects.toMatchObject({ details: [{ field: 'status', rule: 'knownStatus' }] });
  });

  it("the bill run skips an instance whose account is not billable (suspended, with billWhileSuspended false): it stays due and advances with no invoice", async () => {
    await byName('ChangeAccountStatus', { accountId: 'a', status: 'suspended', reason: 'ops' }, 'k1');
    await harness.given({ stream: clockStream(harness.tenant.id), type: 'BusinessDayStarted', data: { tenantId: harness.tenant.id, date: '2019-03-10' } });
    const day = (await harness.log()).at(-1) as RecordedEvent;

    const [command] = await harness.react(billRunProcessManager, day);
    expect(command.data).toMatchObject({ planInstanceId: 'pi-1', billable: false, statusSettings: { billWhileSuspended: false, customStatuses: [{ name: 'onHold', billable: false }] } });
    const Named = planInstancesContext.commands?.BillPlanInstance as NamedCommandClass;
    const { events } = await harness.when(new Named(command.data, commandContext(billRunProcessManager.name, day, command, 0)));
    expect(events.map((event) => [event.type, event.data.invoice, event.data.skipped])).toEqual([
      ['PlanInstanceBilled', null, { reason: 'notBillable', from: '2019-03-10', to: '2019-04-10' }],
    ]);
    expect(await harness.store.get(PLAN_INSTANCES, harness.tenant.id, 'pi-1')).toMatchObject({ nextBillDate: '2019-04-10', nextActionDate: '2019-04-10' });
  });
});

describe('AssignPlan checks dunningGroupId against the dunning groups (a fake directory)', () => {
  let harness: HandlerHarness;
  const groups: DunningGroupDirectory = { exists: async (_tenantId, groupId) => groupId === 'standard' };

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    await harness.givenTenant();
    await harness.when(new CreateAccountCommand({ id: 'a', name: 'a', currency: 'USD' }, harness.context()));
    await harness.when(new CreatePlanCommand(BASIC, harness.context()));
  });
  afterEach(() => harness.stop());

  const handler = (directory?: DunningGroupDirectory) => {
    const app = (harness as unknown as { app: INestApplicationContext }).app;
    return new AssignPlanHandler(app.get(DeciderRunner), harness.events, harness.store, directory);
  };
  const command = (id: string, dunningGroupId: unknown) => new AssignPlanCommand({ tenant: harness.tenant, accountId: 'a', input: { id, planId: 'basic', dunningGroupId } }, harness.context());

  it('an unknown group: 400 on dunningGroupId (knownDunningGroup), nothing written', async () => {
    const head = await harness.events.headPosition();
    const attempt = handler(groups).execute(command('pi-1', 'gold'));
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({ details: [{ field: 'dunningGroupId', rule: 'knownDunningGroup' }] });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('a known group is kept on the instance', async () => {
    await handler(groups).execute(command('pi-1', 'standard'));
    const [assigned] = await harness.events.readStream(planInstanceStream(harness.tenant.id, 'pi-1'));
    expect(assigned.data).toMatchObject({ dunningGroupId: 'standard' });
  });

  it('no directory bound (no dunning context): not checked', async () => {
    await handler(undefined).execute(command('pi-1', 'gold'));
    const [assigned] = await harness.events.readStream(planInstanceStream(harness.tenant.id, 'pi-1'));
    expect(assigned.data).toMatchObject({ dunningGroupId: 'gold' });
  });
});
