import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, Matches, ValidateIf } from 'class-validator';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { Account } from '../domain/account.decider';
import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { ID_PATTERN } from '../../shared-kernel/ids';
import { hierarchyDecider, hierarchyStream } from '../domain/hierarchy.decider';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { loadAccount } from './account-lookup';

export class SetParentDto {
  @ApiProperty({ type: String, nullable: true, example: 'acme-hq', description: 'The new parent, or null to make the account a root' })
  @IsDefined({ message: 'parentAccountId is required: an account id, or null to detach the account' })
  @ValidateIf((_, value) => value !== null)
  @Matches(ID_PATTERN, { message: 'parentAccountId must be an account id' })
  parentAccountId: string | null;
}

export class SetParentCommand extends Command<{ accountId: string; parentAccountId: string | null }> {}

/** A parent must be an account of the tenant (checked before anything is written). */
export async function assertParentExists(events: EventStore, tenantId: string, accountId: string, parentAccountId: string | null): Promise<void> {
  if (parentAccountId === null || parentAccountId === accountId || (await loadAccount(events, tenantId, parentAccountId))) return;
  throw new RuleViolationError(`The parent ${parentAccountId} is not an account of this tenant`, [
    { field: 'parentAccountId', rule: 'accountExists', message: `no account ${parentAccountId}` },
  ]);
}

/**
 * Links an account under a parent (or detaches it) from the tenant's business date on. Both accounts
 * must exist; the hierarchy aggregate refuses cycles, also when requests race.
 */
export async function setParentLink(
  runner: DeciderRunner,
  events: EventStore,
  account: Account,
  parentAccountId: string | null,
  context: CommandContext,
): Promise<CommandOutcome<Account>> {
  await assertParentExists(events, context.tenantId, account.id, parentAccountId);
  const outcome = await runner.run(
    hierarchyDecider,
    hierarchyStream(context.tenantId),
    { type: 'SetParent', data: { accountId: account.id, parentAccountId, effectiveDate: context.businessDate } },
    context,
    { cache: true },
  );
  return { body: { ...account, parentAccountId: outcome.state.parents.get(account.id) ?? null }, position: outcome.position };
}

@CommandHandler(SetParentCommand)
export class SetParentHandler implements ICommandHandler<SetParentCommand, CommandOutcome<Account>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { accountId, parentAccountId }, context }: SetParentCommand): Promise<CommandOutcome<Account>> {
    const account = await loadAccount(this.events, context.tenantId, accountId);
    if (!account) throw new NotFoundError('Account', accountId);
    return setParentLink(this.runner, this.events, account, parentAccountId, context);
  }
}
