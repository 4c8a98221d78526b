import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Account, accountDecider, accountStream, accountView, AccountRecord } from '../domain/account.decider';
import { IsDefined } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { MAX_PAYMENT_TERMS_DAYS } from '../domain/payment-terms';
import { IsPaymentTermsDays, PAYMENT_TERMS_DESCRIPTION } from './account.dto';

export class PaymentTermsDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_PAYMENT_TERMS_DAYS, example: 30, description: PAYMENT_TERMS_DESCRIPTION })
  @IsDefined({ message: `paymentTermsDays is required: a whole number of days from 0 to ${MAX_PAYMENT_TERMS_DAYS}` })
  @IsPaymentTermsDays()
  paymentTermsDays: number;
}

export class ChangeAccountPaymentTermsCommand extends Command<{ accountId: string; paymentTermsDays: number }> {}

/** Payment terms live on the account's own stream, where invoicing reads them (loadAccount). */
@CommandHandler(ChangeAccountPaymentTermsCommand)
export class ChangeAccountPaymentTermsHandler implements ICommandHandler<ChangeAccountPaymentTermsCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { accountId, paymentTermsDays }, context }: ChangeAccountPaymentTermsCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'ChangeAccountPaymentTerms', data: { accountId, paymentTermsDays } },
      context,
    );
    return { body: accountView(outcome.state as AccountRecord), position: outcome.position };
  }
}
