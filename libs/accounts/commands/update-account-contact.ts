import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Account, accountDecider, accountStream, accountView, AccountRecord } from '../domain/account.decider';
import { ContactPatch } from '../domain/contact';

export class UpdateAccountContactCommand extends Command<{ accountId: string; changes: ContactPatch }> {}

@CommandHandler(UpdateAccountContactCommand)
export class UpdateAccountContactHandler implements ICommandHandler<UpdateAccountContactCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { accountId, changes }, context }: UpdateAccountContactCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'UpdateAccountContact', data: { accountId, changes } },
      context,
    );
    return { body: accountView(outcome.state as AccountRecord), position: outcome.position };
  }
}
