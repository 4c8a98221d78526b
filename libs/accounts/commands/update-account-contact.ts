import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/app/command-gateway';
import { Account, accountDecider } from '../domain/account.decider';
import { ContactPatch } from '../domain/contact';
import { accountStream } from '../domain/account.decider';

export class UpdateAccountContactCommand {
  constructor(
    readonly accountId: string,
    readonly changes: ContactPatch,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(UpdateAccountContactCommand)
export class UpdateAccountContactHandler implements ICommandHandler<UpdateAccountContactCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ accountId, changes, context }: UpdateAccountContactCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'UpdateAccountContact', data: { accountId, changes } },
      context,
    );
    return { body: outcome.state as Account, position: outcome.position };
  }
}
