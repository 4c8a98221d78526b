import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { Account, accountDecider, accountStream, accountView, AccountRecord } from '../domain/account.decider';

/** Issued by a timer seven days after an account was created without an email or a phone. */
export class RemindIncompleteContactCommand extends Command<{ accountId: string }> {}

@CommandHandler(RemindIncompleteContactCommand)
export class RemindIncompleteContactHandler implements ICommandHandler<RemindIncompleteContactCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  /** The reminder is dated the business day the timer fired on. */
  async execute({ data, context }: RemindIncompleteContactCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, data.accountId),
      { type: 'RemindIncompleteContact', data: { ...data, today: context.businessDate } },
      context,
    );
    return { body: accountView(outcome.state as AccountRecord), position: outcome.position };
  }
}
