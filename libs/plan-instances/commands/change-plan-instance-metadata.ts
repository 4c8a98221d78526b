import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import type { Metadata } from '../../shared-kernel/metadata';
import { PlanInstance, planInstanceDecider, planInstanceStream } from '../domain/plan-instance.decider';

export class ChangePlanInstanceMetadataCommand extends Command<{ planInstanceId: string; metadata: unknown }> {}

/** The answer of PATCH /v1/plan-instances/{id}/metadata: the instance's id and its whole metadata after. */
export interface PlanInstanceMetadataResponse {
  id: string;
  metadata: Metadata;
}

/** PlanInstanceMetadataChanged on the instance's stream (nothing when nothing differs); billing never reads it. */
@CommandHandler(ChangePlanInstanceMetadataCommand)
export class ChangePlanInstanceMetadataHandler implements ICommandHandler<ChangePlanInstanceMetadataCommand, CommandOutcome<PlanInstanceMetadataResponse>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { planInstanceId, metadata }, context }: ChangePlanInstanceMetadataCommand): Promise<CommandOutcome<PlanInstanceMetadataResponse>> {
    const outcome = await this.runner.run(
      planInstanceDecider,
      planInstanceStream(context.tenantId, planInstanceId),
      { type: 'ChangePlanInstanceMetadata', data: { planInstanceId, metadata } },
      context,
    );
    const state = outcome.state as PlanInstance;
    return { body: { id: state.id, metadata: state.metadata ?? {} }, position: outcome.position };
  }
}
