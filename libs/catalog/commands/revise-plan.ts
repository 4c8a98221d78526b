import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/app/command-gateway';
import { Plan, planDecider } from '../domain/plan.decider';
import { currentPlan } from './create-plan';
import { planStream } from '../domain/plan.decider';
import { PlanDefinitionDto } from './plan.dto';

export class RevisePlanCommand {
  constructor(
    readonly planId: string,
    readonly definition: PlanDefinitionDto,
    readonly context: CommandContext,
  ) {}
}

/** A new version with the full definition; an identical definition writes nothing and answers the current one. */
@CommandHandler(RevisePlanCommand)
export class RevisePlanHandler implements ICommandHandler<RevisePlanCommand, CommandOutcome<Plan>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ planId, definition, context }: RevisePlanCommand): Promise<CommandOutcome<Plan>> {
    const outcome = await this.runner.run(
      planDecider,
      planStream(context.tenantId, planId),
      { type: 'RevisePlan', data: { ...definition, planId } },
      context,
    );
    return { body: currentPlan(outcome.state), position: outcome.position };
  }
}
