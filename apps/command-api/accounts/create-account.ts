import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { CommandContext } from '../../../libs/command-pipeline/command-context';
import { DeciderRunner } from '../../../libs/command-pipeline/decider-runner';
import { streamName } from '../../../libs/command-pipeline/streams';
import { CommandOutcome } from '../../../libs/core/command-gateway';
import { Account, accountDecider } from '../../../libs/domain/accounts/account.decider';
import { CreateAccountDto } from './account.dto';

export class CreateAccountCommand {
  constructor(
    readonly input: CreateAccountDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(CreateAccountCommand)
export class CreateAccountHandler implements ICommandHandler<CreateAccountCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ input, context }: CreateAccountCommand): Promise<CommandOutcome<Account>> {
    const { id, ...fields } = input;
    const accountId = id ?? generatedAccountId(context.commandId);
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'CreateAccount', data: { ...fields, accountId, createdOn: context.businessDate } },
      context,
    );
    return { body: outcome.state as Account, position: outcome.position };
  }
}

export function accountStream(tenantId: string, accountId: string): string {
  return streamName('account', tenantId, accountId);
}

/** Derived from the command id, so a repeated request (same Idempotency-Key) names the same account. */
function generatedAccountId(commandId: string): string {
  return `acc_${createHash('sha256').update(commandId).digest('hex').slice(0, 20)}`;
}
