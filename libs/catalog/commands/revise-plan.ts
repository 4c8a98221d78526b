import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Plan, planDecider, planStream } from '../domain/plan.decider';
import { currentPlan } from './create-plan';
import { PlanDefinitionDto } from './plan.dto';

export class RevisePlanCommand extends Command<{ planId: string; definition: PlanDefinitionDto }> {}

/** A new version with the full definition; an identical definition writes nothing and answers the current one. */
@CommandHandler(RevisePlanCommand)
export class RevisePlanHandler implements ICommandHandler<RevisePlanCommand, CommandOutcome<Plan>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { planId, definition }, context }: RevisePlanCommand): Promise<CommandOutcome<Plan>> {
    const outcome = await this.runner.run(
      planDecider,
      planStream(context.tenantId, planId),
      { type: 'RevisePlan', data: { ...definition, planId } },
      context,
    );
    return { body: currentPlan(outcome.state), position: outcome.position };
  }
}
