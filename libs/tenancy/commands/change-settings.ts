import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { tenantDecider, tenantStream } from '../domain/tenant.decider';
import { TenantSettings } from '../domain/tenant-settings';

/**
 * `PATCH /v1/settings`: changes the tenant's own settings, from the context's business date on. The context acts
 * for the system tenant, which owns tenant streams (as key rotation does); `changes` are checked by the decider.
 */
export class ChangeTenantSettingsCommand extends Command<{ tenantId: string; changes: object | undefined }> {}

@CommandHandler(ChangeTenantSettingsCommand)
export class ChangeTenantSettingsHandler implements ICommandHandler<ChangeTenantSettingsCommand, CommandOutcome<TenantSettings>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { tenantId, changes }, context }: ChangeTenantSettingsCommand): Promise<CommandOutcome<TenantSettings>> {
    const outcome = await this.runner.run(
      tenantDecider,
      tenantStream(tenantId),
      { type: 'ChangeTenantSettings', data: { tenantId, changes, effectiveDate: context.businessDate } },
      context,
    );
    if (outcome.state.status !== 'active') throw new Error(`tenant ${tenantId} has no settings`);
    return { body: outcome.state.tenant.settings, position: outcome.position };
  }
}
