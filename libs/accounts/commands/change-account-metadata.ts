import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Account, accountDecider, accountStream, accountView, AccountRecord } from '../domain/account.decider';

export class ChangeAccountMetadataCommand extends Command<{ accountId: string; metadata: unknown }> {}

/** PATCH /v1/accounts/{id}/metadata: recorded as AccountMetadataChanged on the account's stream (nothing when nothing differs). */
@CommandHandler(ChangeAccountMetadataCommand)
export class ChangeAccountMetadataHandler implements ICommandHandler<ChangeAccountMetadataCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { accountId, metadata }, context }: ChangeAccountMetadataCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(accountDecider, accountStream(context.tenantId, accountId), { type: 'ChangeAccountMetadata', data: { accountId, metadata } }, context);
    return { body: accountView(outcome.state as AccountRecord), position: outcome.position };
  }
}
