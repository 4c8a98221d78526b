import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { loadAccount } from '../../accounts';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { isValidId } from '../../shared-kernel/ids';
import { TenantDirectory } from '../../tenancy';
import { planInstanceDecider, PlanInstanceState, planInstanceStream } from '../domain/plan-instance.decider';
import { billingFacts, instanceUsageFacts, loadPlanInstance } from './billing-lookups';

/** Sent by the bill-date-reset process manager when the instance's account went billable under the "reset" rule. */
export class ResetPlanInstanceBillDateCommand extends Command<{ planInstanceId: string }> {}

/** Gathers the facts a billing needs (as a change does) and lets the decider reset the bill date, or decide nothing. */
@CommandHandler(ResetPlanInstanceBillDateCommand)
export class ResetPlanInstanceBillDateHandler implements ICommandHandler<ResetPlanInstanceBillDateCommand, CommandOutcome<PlanInstanceState>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: { planInstanceId }, context }: ResetPlanInstanceBillDateCommand): Promise<CommandOutcome<PlanInstanceState>> {
    const tenant = await this.directory.byId(context.tenantId);
    const instance = tenant && isValidId(planInstanceId) ? await loadPlanInstance(this.events, tenant.id, planInstanceId) : null;
    if (!tenant || instance === null || instance.status === 'cancelled') return { body: instance, position: 0 };
    const today = context.businessDate;
    const account = await loadAccount(this.events, tenant.id, instance.accountId);
    const usage = await instanceUsageFacts(this.store, tenant.id, instance, today, null);
    const facts = await billingFacts(this.store, tenant, today, account, instance.accountId, [instance.plan.id], usage);
    const stream = planInstanceStream(tenant.id, planInstanceId);
    const outcome = await this.runner.run(planInstanceDecider, stream, { type: 'ResetPlanInstanceBillDate', data: { ...facts, planInstanceId } }, context);
    return { body: outcome.state, position: outcome.position };
  }
}
