import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { assertValidId, generatedId } from '../../shared-kernel/ids';
import { TaxRate, taxRateDecider, taxRateStream, taxRateView } from '../domain/tax-rate';

/** The body of POST /v1/tax-rates; values are checked by the domain (catalog/domain/tax-rate.ts). */
export class CreateTaxRateDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @Allow()
  id?: string;

  @ApiProperty({ example: 'VAT' })
  @Allow()
  name: string;

  @ApiProperty({ example: '20', description: 'Percent, a decimal string from 0 to 100 (up to 4 decimals)' })
  @Allow()
  percent: string;

  @ApiPropertyOptional({ example: 'GB', description: "ISO 3166-1 alpha-2: accounts whose address (else account) country it is; absent: every country" })
  @Allow()
  country?: string;

  @ApiPropertyOptional({ example: 'CA', description: "Within country: accounts whose address region it is; absent: the whole country" })
  @Allow()
  region?: string;

  @ApiPropertyOptional({ example: 'ebooks', description: "Lines of services with this taxCategory; absent: lines of a category no rate of the place names" })
  @Allow()
  taxCategory?: string;

  @ApiPropertyOptional({ example: false, description: 'true: prices include this tax, which is carved out of them; false (default): it is added' })
  @Allow()
  inclusive?: boolean;
}

export class CreateTaxRateCommand extends Command<CreateTaxRateDto> {}

@CommandHandler(CreateTaxRateCommand)
export class CreateTaxRateHandler implements ICommandHandler<CreateTaxRateCommand, CommandOutcome<ReturnType<typeof taxRateView>>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: input, context }: CreateTaxRateCommand) {
    const { id, ...terms } = input;
    if (id !== undefined) assertValidId(id, 'id');
    const taxRateId = id ?? generatedId('tax', context.commandId);
    const outcome = await this.runner.run(taxRateDecider, taxRateStream(context.tenantId, taxRateId), { type: 'CreateTaxRate', data: { taxRateId, input: { ...terms }, today: context.businessDate } }, context);
    return { body: taxRateView(outcome.state as TaxRate), position: outcome.position };
  }
}
