import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Account, accountDecider, accountStream, accountView, AccountRecord } from '../domain/account.decider';

/** The body of PUT /v1/accounts/{id}/tax-exempt; the value is checked by the decider (400 naming taxExempt). */
export class TaxExemptDto {
  @ApiProperty({ example: true, description: 'true: no tax on the invoices posted from now on (DOMAIN.md §13); false: taxed again' })
  @Allow()
  taxExempt: boolean;
}

export class SetAccountTaxExemptCommand extends Command<{ accountId: string; taxExempt: unknown }> {}

/** On the account's own stream, where billing reads it (loadAccount; the bill run from the accounts read model). */
@CommandHandler(SetAccountTaxExemptCommand)
export class SetAccountTaxExemptHandler implements ICommandHandler<SetAccountTaxExemptCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { accountId, taxExempt }, context }: SetAccountTaxExemptCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(accountDecider, accountStream(context.tenantId, accountId), { type: 'SetAccountTaxExempt', data: { accountId, taxExempt } }, context);
    return { body: accountView(outcome.state as AccountRecord), position: outcome.position };
  }
}
