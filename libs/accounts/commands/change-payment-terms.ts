import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/app/command-gateway';
import { Account, accountDecider } from '../domain/account.decider';
import { accountStream } from '../domain/account.decider';

export class ChangeAccountPaymentTermsCommand {
  constructor(
    readonly accountId: string,
    readonly paymentTermsDays: number,
    readonly context: CommandContext,
  ) {}
}

/** Payment terms live on the account's own stream, where invoicing reads them (loadAccount). */
@CommandHandler(ChangeAccountPaymentTermsCommand)
export class ChangeAccountPaymentTermsHandler implements ICommandHandler<ChangeAccountPaymentTermsCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ accountId, paymentTermsDays, context }: ChangeAccountPaymentTermsCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'ChangeAccountPaymentTerms', data: { accountId, paymentTermsDays } },
      context,
    );
    return { body: outcome.state as Account, position: outcome.position };
  }
}
