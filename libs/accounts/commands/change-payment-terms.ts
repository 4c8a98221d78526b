import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/command-pipeline/command';
import { Account, accountDecider } from '../domain/account.decider';
import { accountStream } from '../domain/account.decider';
import { Command } from '../../platform/command-pipeline/command';

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
    return { body: outcome.state as Account, position: outcome.position };
  }
}
