import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { loadAccount } from '../../accounts';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { TenantView } from '../../tenancy/domain';
import { BillingFacts } from '../domain/plan-instance.commands';
import { billingFacts, instanceUsageFacts, loadPlanInstance } from './billing-lookups';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { NotFoundError } from '../../shared-kernel/errors';
import { isValidId } from '../../shared-kernel/ids';
import { DEFAULT_TENANT_SETTINGS } from '../../tenancy/domain';
import { TenantDirectory } from '../../tenancy';
import { PlanInstanceCommand } from '../domain/plan-instance.commands';
import { PlanInstance, planInstanceDecider, planInstanceStream } from '../domain/plan-instance.decider';
import { planInstanceResponse, PlanInstanceResponse } from './plan-instance-response';

/** PUT /v1/plan-instances/{id}/status, or the dunning process manager by name (with `dunningCaseId`). */
export class ChangePlanInstanceStatusCommand extends Command<{ planInstanceId: string; status: unknown; reason: unknown; dunningCaseId?: string; billDateReset?: unknown }> {}

/** Sent by the dunning process manager when its case is resolved. */
export class RestorePlanInstanceStatusAfterDunningCommand extends Command<{ planInstanceId: string; caseId: string }> {}

/**
 * The billing facts a status change needs to reset the bill date (seed 003), read only when the call's rule or the
 * tenant's may say "reset": any other status change stays the one read it was.
 */
@Injectable()
export class BillDateResetLookups {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async whenResetMay(tenant: TenantView | null | undefined, planInstanceId: string, billDateReset: unknown, today: string): Promise<{ billing?: BillingFacts }> {
    if (!tenant || (billDateReset ?? tenant.settings.billDateReset) !== 'reset' || !isValidId(planInstanceId)) return {};
    const instance = await loadPlanInstance(this.events, tenant.id, planInstanceId);
    if (instance === null || instance.status === 'cancelled') return {};
    const account = await loadAccount(this.events, tenant.id, instance.accountId);
    const usage = await instanceUsageFacts(this.store, tenant.id, instance, today, null);
    return { billing: await billingFacts(this.store, tenant, today, account, instance.accountId, [instance.plan.id], usage) };
  }
}

@CommandHandler(ChangePlanInstanceStatusCommand)
export class ChangePlanInstanceStatusHandler implements ICommandHandler<ChangePlanInstanceStatusCommand, CommandOutcome<PlanInstanceResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
    private readonly lookups: BillDateResetLookups,
  ) {}

  /** The tenant's statuses are read per command, so a status just added to the settings is known at once. */
  async execute({ data, context }: ChangePlanInstanceStatusCommand): Promise<CommandOutcome<PlanInstanceResponse>> {
    const tenant = await this.directory.byId(context.tenantId);
    const settings = tenant?.settings ?? DEFAULT_TENANT_SETTINGS;
    const { planInstanceId, status, reason, dunningCaseId, billDateReset } = data;
    const billing = await this.lookups.whenResetMay(tenant, planInstanceId, billDateReset, context.businessDate);
    const command: PlanInstanceCommand = {
      type: 'ChangePlanInstanceStatus',
      data: { planInstanceId, status, reason, dunningCaseId, settings, today: context.businessDate, ...(billDateReset !== undefined ? { billDateReset } : {}), ...billing },
    };
    return run(this.runner, planInstanceId, command, context);
  }
}

@CommandHandler(RestorePlanInstanceStatusAfterDunningCommand)
export class RestorePlanInstanceStatusAfterDunningHandler implements ICommandHandler<RestorePlanInstanceStatusAfterDunningCommand, CommandOutcome<PlanInstanceResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
    private readonly lookups: BillDateResetLookups,
  ) {}

  /** Back to a billable status resets the bill date under the tenant's "reset" rule (seed 003). */
  async execute({ data, context }: RestorePlanInstanceStatusAfterDunningCommand): Promise<CommandOutcome<PlanInstanceResponse>> {
    const tenant = await this.directory.byId(context.tenantId);
    const billing = await this.lookups.whenResetMay(tenant, data.planInstanceId, undefined, context.businessDate);
    const command: PlanInstanceCommand = {
      type: 'RestorePlanInstanceStatusAfterDunning',
      data: { planInstanceId: data.planInstanceId, caseId: data.caseId, today: context.businessDate, ...billing },
    };
    return run(this.runner, data.planInstanceId, command, context);
  }
}

/** A malformed id is a 404 before a stream name is built from it; an unknown one the decider refuses (404). */
async function run(
  runner: DeciderRunner,
  planInstanceId: string,
  command: PlanInstanceCommand,
  context: ChangePlanInstanceStatusCommand['context'],
): Promise<CommandOutcome<PlanInstanceResponse>> {
  if (!isValidId(planInstanceId)) throw new NotFoundError('Plan instance', String(planInstanceId));
  const outcome = await runner.run(planInstanceDecider, planInstanceStream(context.tenantId, planInstanceId), command, context);
  return { body: planInstanceResponse(outcome.state as PlanInstance, outcome.written), position: outcome.position };
}
