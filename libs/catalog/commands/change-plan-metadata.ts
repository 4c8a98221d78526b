import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Plan, planDecider, planStream } from '../domain/plan.decider';
import { currentPlan } from './create-plan';

export class ChangePlanMetadataCommand extends Command<{ planId: string; metadata: unknown }> {}

/** PATCH /v1/plans/{id}/metadata: PlanMetadataChanged on the plan's stream, no new version (nothing when nothing differs). */
@CommandHandler(ChangePlanMetadataCommand)
export class ChangePlanMetadataHandler implements ICommandHandler<ChangePlanMetadataCommand, CommandOutcome<Plan>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { planId, metadata }, context }: ChangePlanMetadataCommand): Promise<CommandOutcome<Plan>> {
    const outcome = await this.runner.run(planDecider, planStream(context.tenantId, planId), { type: 'ChangePlanMetadata', data: { planId, metadata } }, context);
    return { body: currentPlan(outcome.state), position: outcome.position };
  }
}
