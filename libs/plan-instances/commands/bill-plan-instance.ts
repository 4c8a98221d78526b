import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { BillPlanInstance } from '../domain/plan-instance.commands';
import { planInstanceDecider, PlanInstanceState, planInstanceStream } from '../domain/plan-instance.decider';

/** Issued by the bill run for each instance with something due, with the facts it gathered. */
export class BillPlanInstanceCommand extends Command<BillPlanInstance['data']> {}

@CommandHandler(BillPlanInstanceCommand)
export class BillPlanInstanceHandler implements ICommandHandler<BillPlanInstanceCommand, CommandOutcome<PlanInstanceState>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data, context }: BillPlanInstanceCommand): Promise<CommandOutcome<PlanInstanceState>> {
    const stream = planInstanceStream(context.tenantId, data.planInstanceId);
    const outcome = await this.runner.run(planInstanceDecider, stream, { type: 'BillPlanInstance', data }, context);
    return { body: outcome.state, position: outcome.position };
  }
}
