import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, Matches } from 'class-validator';
import { Metadata, METADATA_DESCRIPTION, shownMetadata } from '../../shared-kernel/metadata';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Plan, planDecider, PlanState, planStream } from '../domain/plan.decider';
import { PlanDefinitionDto } from './plan.dto';
import { generatedId, ID_PATTERN } from '../../shared-kernel/ids';

/** The body of POST /v1/plans: the definition of version 1, and optionally the plan's own id. */
export class CreatePlanDto extends PlanDefinitionDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'id must be 1 to 64 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit' })
  id?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { sku: 'GOLD-M' }, description: `${METADATA_DESCRIPTION} The plan's, outside versions: PUT keeps it; PATCH /v1/plans/{id}/metadata changes it.` })
  @IsOptional()
  @IsObject({ message: 'metadata must be an object of string values' })
  metadata?: Record<string, string>;
}

export class CreatePlanCommand extends Command<CreatePlanDto> {}

@CommandHandler(CreatePlanCommand)
export class CreatePlanHandler implements ICommandHandler<CreatePlanCommand, CommandOutcome<Plan>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: input, context }: CreatePlanCommand): Promise<CommandOutcome<Plan>> {
    const { id, ...definition } = input;
    const planId = id ?? generatedId('plan', context.commandId);
    const outcome = await this.runner.run(
      planDecider,
      planStream(context.tenantId, planId),
      { type: 'CreatePlan', data: { ...definition, planId } },
      context,
    );
    return { body: currentPlan(outcome.state), position: outcome.position };
  }
}

/** The plan as the API answers it: its current version, and the plan's metadata (outside versions) when it has some. */
export function currentPlan(state: PlanState): Plan & { metadata?: Metadata } {
  if (state === null) throw new Error('a plan command succeeded but left no plan'); // decide guarantees it
  return { ...state.current, ...shownMetadata(state.metadata) };
}
