import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { INPUT_DATE_RANGE, parseTimeZone } from '../../shared-kernel/calendar-date';
import { DEFAULT_MAX_RETROACTIVE_PERIODS, MAX_RETROACTIVE_PERIODS_LIMIT, tenantDecider, TenantView, tenantStream } from '../domain/tenant.decider';
import { SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { generateApiKey, hashApiKey } from '../api-keys';
import { TenantDirectory } from '../tenant-directory';

export class TenantSettingsDto {
  @ApiPropertyOptional({ enum: ['prorate', 'none'], default: 'prorate' })
  @IsOptional()
  @IsIn(['prorate', 'none'])
  prorationRule?: 'prorate' | 'none';

  @ApiPropertyOptional({ description: 'Minor units', default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  minimumCollectionThreshold?: number;

  @ApiPropertyOptional({ description: 'Minor units', default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  netTermsThresholdBalance?: number;

  @ApiPropertyOptional({ enum: ['fifo', 'fdfo', 'statementFifo'], default: 'fifo' })
  @IsOptional()
  @IsIn(['fifo', 'fdfo', 'statementFifo'])
  paymentApplicationMethod?: 'fifo' | 'fdfo' | 'statementFifo';

  @ApiPropertyOptional({ description: 'Accept usage dated in a closed billing period, marked late (billed on the next invoice)', default: false })
  @IsOptional()
  @IsBoolean()
  allowLateUsage?: boolean;

  @ApiPropertyOptional({ description: "How many periods of a plan's interval a retroactiveStartDate may lie before today", default: DEFAULT_MAX_RETROACTIVE_PERIODS, minimum: 1, maximum: MAX_RETROACTIVE_PERIODS_LIMIT })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RETROACTIVE_PERIODS_LIMIT)
  maxRetroactivePeriods?: number;

  @ApiPropertyOptional({
    description:
      'Your own account and plan-instance statuses besides active, suspended and terminated: at most 50, names ^[a-z][a-zA-Z0-9_-]{0,39}$, unique; ' +
      'billable says whether an account or instance in it is billed',
    default: [],
    example: [{ name: 'onHold', billable: false }],
  })
  @IsOptional()
  customStatuses?: unknown; // checked by the domain (tenant-settings.ts), which names the item and the rule

  @ApiPropertyOptional({ description: 'Whether suspended accounts and plan instances are still billed', default: true })
  @IsOptional()
  @IsBoolean()
  billWhileSuspended?: boolean;

  @ApiPropertyOptional({ description: "Whether a one-time order's invoice is collected at once (future installments never are)", default: false })
  @IsOptional()
  @IsBoolean()
  autoCollectOnOrder?: boolean;

  @ApiPropertyOptional({
    description:
      'What customers see and may do in self-service: planIds (null: every plan) they may choose, paymentMethodTypes they may add, ' +
      'whether they may order one-time items. Absent fields take their defaults; operators are not bound by these rules.',
    default: { planIds: null, paymentMethodTypes: ['card', 'bankDebit'], ordering: true },
    example: { planIds: ['basic', 'pro'], paymentMethodTypes: ['card'], ordering: false },
  })
  @IsOptional()
  selfService?: unknown; // checked by the domain (tenant-settings.ts), which names the field and the rule

  @ApiPropertyOptional({
    enum: ['keep', 'reset'],
    default: 'keep',
    description:
      "The bill-date reset rule: reset re-anchors a plan instance's billing on the day of a quantity change or switch made now, and on the day it or its account goes from a non-billable to a billable status; a call's billDateReset overrides it",
  })
  @IsOptional()
  billDateReset?: unknown; // checked by the domain (tenant-settings.ts), which names the field and the rule
}

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Telecom' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'A sandbox tenant has a clock that only moves when told', default: false })
  @IsOptional()
  @IsBoolean()
  sandbox?: boolean;

  @ApiPropertyOptional({
    example: '2019-02-10',
    description: `Sandbox only: the starting business date, ${INPUT_DATE_RANGE.from} to ${INPUT_DATE_RANGE.to} (default: today)`,
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'businessDate must be a date as YYYY-MM-DD' })
  businessDate?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', default: 'UTC' })
  @IsOptional()
  @IsString()
  timeZone?: string;

  @ApiPropertyOptional({ type: TenantSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}

export interface CreatedTenant extends TenantView {
  /** Shown once; only its hash is stored. Absent when the creation is replayed. */
  apiKey?: string;
}

export class CreateTenantCommand extends Command<CreateTenantDto, Omit<CommandContext, 'tenantId' | 'businessDate'>> {}

@CommandHandler(CreateTenantCommand)
export class CreateTenantHandler implements ICommandHandler<CreateTenantCommand, CommandOutcome<CreatedTenant>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
  ) {}

  async execute({ data: input, context }: CreateTenantCommand): Promise<CommandOutcome<CreatedTenant>> {
    const timeZone = parseTimeZone(input.timeZone ?? 'UTC', 'timeZone');
    // Derived from the command id, so a repeated request (same Idempotency-Key) names the same tenant.
    const tenantId = `ten${createHash('sha256').update(context.commandId).digest('hex').slice(0, 16)}`;
    const apiKey = generateApiKey('bk');
    const today = this.directory.systemDate(timeZone);
    const outcome = await this.runner.run(
      tenantDecider,
      tenantStream(tenantId),
      { type: 'CreateTenant', data: { ...input, tenantId, timeZone, apiKeyHash: hashApiKey(apiKey), today } },
      { ...context, tenantId: SYSTEM_TENANT, businessDate: today },
    );
    if (outcome.state.status !== 'active') throw new Error(`tenant ${tenantId} was not created`);
    const body: CreatedTenant = { ...outcome.state.tenant };
    if (!outcome.alreadyApplied) body.apiKey = apiKey;
    return { body, position: outcome.position };
  }
}
