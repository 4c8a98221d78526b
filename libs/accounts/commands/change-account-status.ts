import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { DEFAULT_TENANT_SETTINGS } from '../../tenancy/domain';
import { TenantDirectory } from '../../tenancy';
import { Account, accountDecider, accountStream, accountView, AccountRecord } from '../domain/account.decider';

/** PUT /v1/accounts/{id}/status and PUT /v1/plan-instances/{id}/status: checked by the domain, which names the field and rule. */
export class StatusChangeDto {
  @ApiProperty({ example: 'suspended', description: "active, suspended, terminated or one of the tenant's settings.customStatuses" })
  @IsOptional()
  status: unknown;

  @ApiProperty({ example: 'customer asked for a pause', description: 'Why (1-500 characters); recorded with the change' })
  @IsOptional()
  reason: unknown;

  @ApiPropertyOptional({
    enum: ['keep', 'reset'],
    description:
      "Seed 003's bill-date reset rule for this call (overrides settings.billDateReset, default keep): on a change from a non-billable to a billable status, " +
      '"reset" starts a whole period that day (of the plan instance, or of each of the account\'s plan instances): that day\'s day of month becomes the bill day',
  })
  @IsOptional()
  billDateReset?: unknown;
}

/** Sent by an operator's route, or by the dunning process manager by name (with `dunningCaseId`). */
export class ChangeAccountStatusCommand extends Command<{ accountId: string; status: unknown; reason: unknown; dunningCaseId?: string; billDateReset?: unknown }> {}

/** Sent by the dunning process manager when its case is resolved. */
export class RestoreAccountStatusAfterDunningCommand extends Command<{ accountId: string; caseId: string }> {}

/** The tenant's statuses are read per command (the tenants read model), so a status just added is known at once. */
@CommandHandler(ChangeAccountStatusCommand)
export class ChangeAccountStatusHandler implements ICommandHandler<ChangeAccountStatusCommand, CommandOutcome<Account>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
  ) {}

  async execute({ data, context }: ChangeAccountStatusCommand): Promise<CommandOutcome<Account>> {
    const settings = (await this.directory.byId(context.tenantId))?.settings ?? DEFAULT_TENANT_SETTINGS;
    const { accountId, status, reason, dunningCaseId, billDateReset } = data;
    const reset = billDateReset !== undefined ? { billDateReset } : {};
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'ChangeAccountStatus', data: { accountId, status, reason, dunningCaseId, settings, today: context.businessDate, ...reset } },
      context,
    );
    return { body: accountView(outcome.state as AccountRecord), position: outcome.position };
  }
}

@CommandHandler(RestoreAccountStatusAfterDunningCommand)
export class RestoreAccountStatusAfterDunningHandler implements ICommandHandler<RestoreAccountStatusAfterDunningCommand, CommandOutcome<Account>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data, context }: RestoreAccountStatusAfterDunningCommand): Promise<CommandOutcome<Account>> {
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, data.accountId),
      { type: 'RestoreAccountStatusAfterDunning', data: { accountId: data.accountId, caseId: data.caseId, today: context.businessDate } },
      context,
    );
    return { body: accountView(outcome.state as AccountRecord), position: outcome.position };
  }
}
