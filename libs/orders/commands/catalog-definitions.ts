import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { generatedId, ID_PATTERN } from '../../shared-kernel/ids';
import { installmentTermDecider, InstallmentTermState, installmentTermStream, InstallmentTermView, Item, itemDecider, ItemState, itemStream } from '../domain';

/*
 * The catalog of one-time orders: items (NSOs) and installment terms. Every field is checked by the domain
 * (item.decider.ts, installment-terms.ts), so each error has one format and every bad field is reported at once;
 * the DTOs describe the fields for the OpenAPI document and let the validation pipe refuse unknown top-level
 * fields. Nested objects (frequency, lumpSum) are checked, unknown fields included, by the domain.
 */

const ID_MESSAGE = 'id must be 1 to 64 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit';

export class CreateItemDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id?: string;

  @ApiProperty({ example: 'Installation kit', description: '1–200 characters' })
  @IsOptional()
  name: unknown;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code' })
  @IsOptional()
  currency: unknown;

  @ApiProperty({
    example: '1000.00',
    description: "Price of one unit in major units: a decimal string > 0, at most 10000000000, no finer than the currency's minor unit; answered with exactly its minor digits",
  })
  @IsOptional()
  unitPrice: unknown;

  @ApiPropertyOptional({ example: 'standard', description: 'Which tax rates apply to it (POST /v1/tax-rates taxCategory), as a plan service\'s; absent: the rates that name no category' })
  @IsOptional()
  taxCategory?: unknown;
}

export class FrequencyDto {
  @ApiProperty({ enum: ['day', 'week', 'month'] })
  unit: string;

  @ApiProperty({ example: 1, description: 'Whole days (1–365), weeks (1–52) or months (1–12) between installments' })
  count: number;
}

export class LumpSumDto {
  @ApiPropertyOptional({ example: '20', description: 'A percent of the order total, 0 < p < 100, at most 4 decimals; exactly one of percent and amount' })
  percent?: string;

  @ApiPropertyOptional({ example: '150.00', description: "An amount in major units of the order's currency, > 0" })
  amount?: string;
}

export class CreateInstallmentTermDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id?: string;

  @ApiProperty({ example: 'Twelve months', description: '1–200 characters' })
  @IsOptional()
  name: unknown;

  @ApiProperty({ enum: ['aligned', 'independent'], description: "aligned: on the upcoming invoice dates of the order's plan instance; independent: every frequency from the order date" })
  @IsOptional()
  schedule: unknown;

  @ApiPropertyOptional({ type: FrequencyDto, description: 'Independent terms only, and required there' })
  @IsOptional()
  frequency?: unknown;

  @ApiProperty({ example: 12, description: 'Installments after the lump sum: 1–120' })
  @IsOptional()
  installments: unknown;

  @ApiPropertyOptional({ type: LumpSumDto, description: 'Paid first, on the order date' })
  @IsOptional()
  lumpSum?: unknown;

  @ApiPropertyOptional({ example: 10, description: "0–365; absent: the payment term's or payment method's" })
  @IsOptional()
  daysUntilDue?: unknown;

  @ApiPropertyOptional({ example: 0, description: 'Aligned terms with a lump sum only: 0–365; absent: as daysUntilDue' })
  @IsOptional()
  lumpSumDaysUntilDue?: unknown;
}

export class CreateItemCommand extends Command<CreateItemDto> {}
export class CreateInstallmentTermCommand extends Command<CreateInstallmentTermDto> {}

@CommandHandler(CreateItemCommand)
export class CreateItemHandler implements ICommandHandler<CreateItemCommand, CommandOutcome<Item>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: input, context }: CreateItemCommand): Promise<CommandOutcome<Item>> {
    const itemId = input.id ?? generatedId('item', context.commandId);
    const outcome = await this.runner.run(
      itemDecider,
      itemStream(context.tenantId, itemId),
      { type: 'CreateItem', data: { itemId, name: input.name, currency: input.currency, unitPrice: input.unitPrice, ...(input.taxCategory !== undefined ? { taxCategory: input.taxCategory } : {}), on: context.businessDate } },
      context,
    );
    return { body: existing(outcome.state, 'item'), position: outcome.position };
  }
}

@CommandHandler(CreateInstallmentTermCommand)
export class CreateInstallmentTermHandler implements ICommandHandler<CreateInstallmentTermCommand, CommandOutcome<InstallmentTermView>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: input, context }: CreateInstallmentTermCommand): Promise<CommandOutcome<InstallmentTermView>> {
    const termId = input.id ?? generatedId('term', context.commandId);
    const { name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue } = input;
    const outcome = await this.runner.run(
      installmentTermDecider,
      installmentTermStream(context.tenantId, termId),
      { type: 'CreateInstallmentTerm', data: { termId, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue, on: context.businessDate } },
      context,
    );
    return { body: existing(outcome.state, 'installment term'), position: outcome.position };
  }
}

function existing<T>(state: T | null, what: string): T {
  if (state === null) throw new Error(`creating an ${what} succeeded but left none`); // decide guarantees it
  return state;
}
