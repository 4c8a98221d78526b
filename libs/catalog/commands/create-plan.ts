import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/command-pipeline/command';
import { Plan, planDecider, PlanState } from '../domain/plan.decider';
import { CreatePlanDto } from './plan.dto';
import { planStream } from '../domain/plan.decider';
import { Command } from '../../platform/command-pipeline/command';

export class CreatePlanCommand extends Command<CreatePlanDto> {}

@CommandHandler(CreatePlanCommand)
export class CreatePlanHandler implements ICommandHandler<CreatePlanCommand, CommandOutcome<Plan>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: input, context }: CreatePlanCommand): Promise<CommandOutcome<Plan>> {
    const { id, ...definition } = input;
    const planId = id ?? generatedPlanId(context.commandId);
    const outcome = await this.runner.run(
      planDecider,
      planStream(context.tenantId, planId),
      { type: 'CreatePlan', data: { ...definition, planId } },
      context,
    );
    return { body: currentPlan(outcome.state), position: outcome.position };
  }
}

/** The plan as the API answers it: its current version. */
export function currentPlan(state: PlanState): Plan {
  if (state === null) throw new Error('a plan command succeeded but left no plan'); // decide guarantees it
  return state.current;
}

/** Derived from the command id, so a repeated request (same Idempotency-Key) names the same plan. */
function generatedPlanId(commandId: string): string {
  return `plan_${createHash('sha256').update(commandId).digest('hex').slice(0, 20)}`;
}
