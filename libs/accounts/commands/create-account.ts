import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { deterministicUuid } from '../../shared-kernel/ids';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { accountStream } from '../domain/account.decider';
import { assertParentExists, setParentLink } from './set-parent';
import { createHash } from 'node:crypto';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../../platform/command-pipeline/command';
import { Account, accountDecider } from '../domain/account.decider';
import { CreateAccountDto } from './account.dto';
import { Command } from '../../platform/command-pipeline/command';

export class CreateAccountCommand extends Command<CreateAccountDto> {}

@CommandHandler(CreateAccountCommand)
export class CreateAccountHandler implements ICommandHandler<CreateAccountCommand, CommandOutcome<Account>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  /**
   * With a parent: the parent is checked first, then the account is created, then linked (a command of
   * its own, with an id derived from this one, so a repeated request completes a link a crash cut short).
   */
  async execute({ data: input, context }: CreateAccountCommand): Promise<CommandOutcome<Account>> {
    const { id, parentAccountId, ...fields } = input;
    const accountId = id ?? generatedAccountId(context.commandId);
    await assertParentExists(this.events, context.tenantId, accountId, parentAccountId ?? null);
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'CreateAccount', data: { ...fields, accountId, createdOn: context.businessDate } },
      context,
    );
    const account = outcome.state as Account;
    if (parentAccountId === undefined) return { body: account, position: outcome.position };
    const linkContext = { ...context, commandId: deterministicUuid(context.commandId, 'parent') };
    return setParentLink(this.runner, this.events, account, parentAccountId, linkContext);
  }
}

/** Derived from the command id, so a repeated request (same Idempotency-Key) names the same account. */
function generatedAccountId(commandId: string): string {
  return `acc_${createHash('sha256').update(commandId).digest('hex').slice(0, 20)}`;
}
