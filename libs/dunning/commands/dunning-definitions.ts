import { InvalidInputError } from '../../shared-kernel/errors';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PLAN_VERSIONS, planVersionId } from '../../catalog/read-model';
import { EMAIL_TEMPLATES } from '../../notifications/read-model';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { assertValidId, generatedId, ID_PATTERN, isValidId } from '../../shared-kernel/ids';
import { TenantDirectory } from '../../tenancy';
import {
  DunningGroup,
  dunningGroupDecider,
  DunningGroupState,
  dunningGroupStream,
  dunningProcessDecider,
  DunningProcessState,
  dunningProcessStream,
  DunningProcessVersion,
  mentionedTemplates,
  StepVocabulary,
} from '../domain';
import { DUNNING_PROCESSES } from '../read-model';

/*
 * Processes and groups: the nested levels (steps, actions) are described for the OpenAPI document but checked by
 * the domain (domain/steps.ts), so every error has one path format (`steps[1].actions[0].percent`) and unknown
 * nested fields are refused there. Unknown top-level fields are refused by the validation pipe.
 */

const ID_MESSAGE = 'id must be 1 to 64 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit';

export class DunningActionDto {
  @ApiProperty({ enum: ['retryCollection', 'notify', 'lateFee', 'setStatus'] })
  type: string;

  @ApiPropertyOptional({ example: 'dunningNotice', description: 'notify: "dunningNotice" (built in) or a template set with PUT /v1/email-templates/{name}' })
  template?: string;

  @ApiPropertyOptional({ example: '5.00', description: 'lateFee: a flat amount in major units of the account currency (at most 3 decimals); exactly one of flat and percent' })
  flat?: string;

  @ApiPropertyOptional({ example: '5', description: 'lateFee: a percentage (> 0, ≤ 100) of the past-due charges, never of earlier fees' })
  percent?: string;

  @ApiPropertyOptional({ enum: ['account', 'planInstance'], description: 'setStatus: what changes status' })
  target?: string;

  @ApiPropertyOptional({ example: 'suspended', description: "setStatus: active, suspended, terminated or one of the tenant's settings.customStatuses" })
  status?: string;
}

export class DunningStepDto {
  @ApiProperty({ minimum: 0, maximum: 3650, example: 3, description: 'Whole days after the due date, or after the previous step' })
  days: number;

  @ApiPropertyOptional({ enum: ['dueDate', 'previousStep'], default: 'dueDate' })
  from?: string;

  @ApiProperty({ type: [DunningActionDto], description: 'At least one action (at most 20)' })
  actions: DunningActionDto[];
}

/** The body of PUT /v1/dunning-processes/{id}: the whole new definition. */
export class DunningProcessDefinitionDto {
  @ApiProperty({ example: 'Standard', description: '1–200 characters' })
  @IsOptional()
  name: unknown;

  @ApiProperty({ type: [DunningStepDto], description: '1–50 steps whose dates never go backwards' })
  @IsOptional()
  steps: unknown;
}

export class CreateDunningProcessDto extends DunningProcessDefinitionDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id?: string;
}

/** The body of PUT /v1/dunning-groups/{id}: the whole new definition; a criterion left out matches anything. */
export class DunningGroupDefinitionDto {
  @ApiPropertyOptional({ example: 'EU card customers', description: 'At most 200 characters' })
  @IsOptional()
  name?: unknown;

  @ApiProperty({ example: 'standard', description: 'An existing dunning process: its latest version applies' })
  @IsOptional()
  processId: unknown;

  @ApiPropertyOptional({ example: ['gold'], description: 'Existing plans (not empty); left out: every plan' })
  @IsOptional()
  planIds?: unknown;

  @ApiPropertyOptional({ example: 'web', description: "Equal to the account's channel (free text, at most 50 characters)" })
  @IsOptional()
  channel?: unknown;

  @ApiPropertyOptional({ example: 'FR', description: "Equal to the account's country (ISO 3166-1 alpha-2)" })
  @IsOptional()
  country?: unknown;

  @ApiPropertyOptional({ example: 'fr', description: "Equal to the account's language (BCP 47, such as fr or pt-BR)" })
  @IsOptional()
  language?: unknown;
}

export class CreateDunningGroupDto extends DunningGroupDefinitionDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id?: string;
}

export class CreateDunningProcessCommand extends Command<CreateDunningProcessDto> {}
export class ReviseDunningProcessCommand extends Command<{ processId: string; definition: DunningProcessDefinitionDto }> {}
export class CreateDunningGroupCommand extends Command<CreateDunningGroupDto> {}
export class ReplaceDunningGroupCommand extends Command<{ groupId: string; definition: DunningGroupDefinitionDto }> {}

/** What the steps may name besides the built-ins: the tenant's own templates and custom statuses. */
async function vocabularyOf(store: ReadStore, directory: TenantDirectory, tenantId: string, steps: unknown): Promise<StepVocabulary> {
  const names = mentionedTemplates(steps);
  const found = await Promise.all(names.map(async (name) => ((await store.get(EMAIL_TEMPLATES, tenantId, name)) !== null ? name : null)));
  const settings = (await directory.byId(tenantId))?.settings;
  // customStatuses ([{ name, billable }]) is a newer setting: read tolerantly.
  const custom: unknown = (settings as unknown as { customStatuses?: unknown } | undefined)?.customStatuses ?? [];
  const statuses = Array.isArray(custom) ? custom.map((status) => (status as { name?: unknown })?.name).filter((name): name is string => typeof name === 'string') : [];
  return { templates: found.filter((name): name is string => name !== null), statuses };
}

@CommandHandler(CreateDunningProcessCommand)
export class CreateDunningProcessHandler implements ICommandHandler<CreateDunningProcessCommand, CommandOutcome<DunningProcessVersion>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly directory: TenantDirectory,
  ) {}

  async execute({ data: input, context }: CreateDunningProcessCommand): Promise<CommandOutcome<DunningProcessVersion>> {
    const processId = input.id ?? generatedId('dp', context.commandId);
    const vocabulary = await vocabularyOf(this.store, this.directory, context.tenantId, input.steps);
    const outcome = await this.runner.run(
      dunningProcessDecider,
      dunningProcessStream(context.tenantId, processId),
      { type: 'CreateDunningProcess', data: { processId, name: input.name, steps: input.steps, vocabulary, on: context.businessDate } },
      context,
    );
    return { body: latest(outcome.state), position: outcome.position };
  }
}

/** A new version with the whole definition; an identical one writes nothing and answers the latest. */
@CommandHandler(ReviseDunningProcessCommand)
export class ReviseDunningProcessHandler implements ICommandHandler<ReviseDunningProcessCommand, CommandOutcome<DunningProcessVersion>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly directory: TenantDirectory,
  ) {}

  async execute({ data: { processId, definition }, context }: ReviseDunningProcessCommand): Promise<CommandOutcome<DunningProcessVersion>> {
    assertValidId(processId, 'id');
    const vocabulary = await vocabularyOf(this.store, this.directory, context.tenantId, definition.steps);
    const outcome = await this.runner.run(
      dunningProcessDecider,
      dunningProcessStream(context.tenantId, processId),
      { type: 'ReviseDunningProcess', data: { processId, name: definition.name, steps: definition.steps, vocabulary, on: context.businessDate } },
      context,
    );
    return { body: latest(outcome.state), position: outcome.position };
  }
}

/** What the group names elsewhere: whether its process exists, which of its plans do (version 1 of a plan always exists). */
async function referencesOf(store: ReadStore, tenantId: string, input: DunningGroupDefinitionDto): Promise<{ processExists: boolean; knownPlanIds: string[] }> {
  const processExists = isValidId(input.processId) && (await store.get(DUNNING_PROCESSES, tenantId, input.processId)) !== null;
  const asked = Array.isArray(input.planIds) ? [...new Set(input.planIds.filter(isValidId))].slice(0, 1000) : [];
  const found = asked.length === 0 ? [] : await store.getMany<{ planId: string }>(PLAN_VERSIONS, tenantId, asked.map((planId) => planVersionId(planId, 1)));
  return { processExists, knownPlanIds: found.map((doc) => doc.planId) };
}

@CommandHandler(CreateDunningGroupCommand)
export class CreateDunningGroupHandler implements ICommandHandler<CreateDunningGroupCommand, CommandOutcome<DunningGroup>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: input, context }: CreateDunningGroupCommand): Promise<CommandOutcome<DunningGroup>> {
    const { id, ...definition } = input;
    // GET /v1/dunning-groups/match is a route of its own: a group of that id could never be read by id.
    if (id === 'match') throw InvalidInputError.forField('id', 'reservedId', 'id "match" is reserved (GET /v1/dunning-groups/match); choose another');
    const groupId = id ?? generatedId('dg', context.commandId);
    const references = await referencesOf(this.store, context.tenantId, definition);
    const outcome = await this.runner.run(
      dunningGroupDecider,
      dunningGroupStream(context.tenantId, groupId),
      { type: 'CreateDunningGroup', data: { groupId, ...groupFields(definition), ...references, on: context.businessDate } },
      context,
    );
    return { body: existingGroup(outcome.state), position: outcome.position };
  }
}

/** PUT: the whole new definition; an identical one writes nothing. */
@CommandHandler(ReplaceDunningGroupCommand)
export class ReplaceDunningGroupHandler implements ICommandHandler<ReplaceDunningGroupCommand, CommandOutcome<DunningGroup>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: { groupId, definition }, context }: ReplaceDunningGroupCommand): Promise<CommandOutcome<DunningGroup>> {
    assertValidId(groupId, 'id');
    const references = await referencesOf(this.store, context.tenantId, definition);
    const outcome = await this.runner.run(
      dunningGroupDecider,
      dunningGroupStream(context.tenantId, groupId),
      { type: 'ReplaceDunningGroup', data: { groupId, ...groupFields(definition), ...references, on: context.businessDate } },
      context,
    );
    return { body: existingGroup(outcome.state), position: outcome.position };
  }
}

function groupFields(input: DunningGroupDefinitionDto) {
  const { name, processId, planIds, channel, country, language } = input;
  return { name, processId, planIds, channel, country, language };
}

function latest(state: DunningProcessState): DunningProcessVersion {
  if (state === null) throw new Error('a dunning process command succeeded but left no process'); // decide guarantees it
  return state.current;
}

function existingGroup(state: DunningGroupState): DunningGroup {
  if (state === null) throw new Error('a dunning group command succeeded but left no group'); // decide guarantees it
  return state;
}
