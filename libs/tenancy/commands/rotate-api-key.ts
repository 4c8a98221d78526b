import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { tenantDecider, tenantStream } from '../domain/tenant.decider';
import { generateApiKey, hashApiKey } from '../api-keys';

export class RotateTenantApiKeyCommand extends Command<{ tenantId: string }> {}

/** Replaces a tenant's API key: the old key stops working once the tenants read model has the change. */
@CommandHandler(RotateTenantApiKeyCommand)
export class RotateTenantApiKeyHandler
  implements ICommandHandler<RotateTenantApiKeyCommand, CommandOutcome<{ id: string; apiKey?: string }>>
{
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { tenantId }, context }: RotateTenantApiKeyCommand): Promise<CommandOutcome<{ id: string; apiKey?: string }>> {
    const apiKey = generateApiKey('bk');
    const outcome = await this.runner.run(
      tenantDecider,
      tenantStream(tenantId),
      { type: 'RotateTenantApiKey', data: { tenantId, apiKeyHash: hashApiKey(apiKey) } },
      context,
    );
    return { body: outcome.alreadyApplied ? { id: tenantId } : { id: tenantId, apiKey }, position: outcome.position };
  }
}
