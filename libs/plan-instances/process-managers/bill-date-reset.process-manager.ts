import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { findEach } from '../../platform/read-store/find-all';
import { SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { DEFAULT_TENANT_SETTINGS, isBillableStatus, TenantSettings } from '../../tenancy/domain';
import { TENANTS } from '../../tenancy/read-model';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../read-model/plan-instances.projection';

/**
 * Seed 003: "bill dates will or will not be reset when accounts go from a non-billable to a billable status depending
 * on your client parameters". When an account does, under the tenant's settings.billDateReset "reset" (read when the
 * event is handled), each of its plan instances billed now gets ResetPlanInstanceBillDate on the change's business
 * date; the instance's decider checks again (cancelled, pending or its own status not billable: nothing). The
 * command ids derive from the event and the instance, so a crash replays nothing twice (decision 0005).
 */
/** What an `AccountStatusChanged` carries that this reads (accounts/domain/account.events.ts), read by its shape. */
interface AccountStatusChanged {
  data: { accountId: string; from: string; to: string; changedOn: string; billDateReset?: string };
}

export const billDateResetProcessManager: ProcessManager = {
  name: 'bill-date-reset',
  eventTypes: ['AccountStatusChanged'],
  react(recorded, context) {
    return resets(recorded as unknown as RecordedEvent & AccountStatusChanged, context);
  },
};

async function* resets(recorded: RecordedEvent & AccountStatusChanged, context: ProcessManagerContext): AsyncGenerator<PmCommand> {
  const { tenantId } = recorded.metadata;
  const { accountId, from, to, changedOn, billDateReset } = recorded.data;
  const tenant = await context.store.get<{ settings: TenantSettings }>(TENANTS, SYSTEM_TENANT, tenantId);
  const settings = tenant?.settings ?? DEFAULT_TENANT_SETTINGS;
  // The call's rule (recorded on the change), else the tenant's (seed 003: the call matches or overrides it).
  if ((billDateReset ?? settings.billDateReset) !== 'reset') return;
  if (isBillableStatus(from, settings) || !isBillableStatus(to, settings)) return;
  await context.readModelsAt(recorded.position); // every instance assigned before the change is in the read model
  for await (const instance of findEach<PlanInstanceDoc>(context.store, PLAN_INSTANCES, tenantId, { filter: { accountId } })) {
    if (instance.status === 'cancelled' || instance.status === 'pending') continue;
    yield { type: 'ResetPlanInstanceBillDate', data: { planInstanceId: instance.id }, key: `reset:${instance.id}`, businessDate: changedOn, lane: instance.id };
  }
}
