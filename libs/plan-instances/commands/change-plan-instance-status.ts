import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
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
export class ChangePlanInstanceStatusCommand extends Command<{ planInstanceId: string; status: unknown; reason: unknown; dunningCaseId?: string }> {}

/** Sent by the dunning process manager when its case is resolved. */
export class RestorePlanInstanceStatusAfterDunningCommand extends Command<{ planInstanceId: string; caseId: string }> {}

@CommandHandler(ChangePlanInstanceStatusCommand)
export class ChangePlanInstanceStatusHandler implements ICommandHandler<ChangePlanInstanceStatusCommand, CommandOutcome<PlanInstanceResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
  ) {}

  /** The tenant's statuses are read per command, so a status just added to the settings is known at once. */
  async execute({ data, context }: ChangePlanInstanceStatusCommand): Promise<CommandOutcome<PlanInstanceResponse>> {
    const settings = (await this.directory.byId(context.tenantId))?.settings ?? DEFAULT_TENANT_SETTINGS;
    const { planInstanceId, status, reason, dunningCaseId } = data;
    const command: PlanInstanceCommand = {
      type: 'ChangePlanInstanceStatus',
      data: { planInstanceId, status, reason, dunningCaseId, settings, today: context.businessDate },
    };
    return run(this.runner, planInstanceId, command, context);
  }
}

@CommandHandler(RestorePlanInstanceStatusAfterDunningCommand)
export class RestorePlanInstanceStatusAfterDunningHandler implements ICommandHandler<RestorePlanInstanceStatusAfterDunningCommand, CommandOutcome<PlanInstanceResponse>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data, context }: RestorePlanInstanceStatusAfterDunningCommand): Promise<CommandOutcome<PlanInstanceResponse>> {
    const command: PlanInstanceCommand = {
      type: 'RestorePlanInstanceStatusAfterDunning',
      data: { planInstanceId: data.planInstanceId, caseId: data.caseId, today: context.businessDate },
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
