import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { APP_CONFIG, AppConfig } from '../../platform/config/config';
import { deterministicUuid, assertValidId } from '../../shared-kernel/ids';
import { TenantView } from '../../tenancy/domain';
import { WebhookEndpointCommand, webhookEndpointDecider, WebhookEndpointState, webhookEndpointStream } from '../domain';
import { newSigningSecret, SecretBox } from '../delivery/secret-box';

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://example.com/billing-webhooks', description: 'http(s), at most 2,048 characters; public addresses only for production tenants' })
  @IsOptional()
  url: unknown;

  @ApiPropertyOptional({ example: ['*'], description: '["*"] (default: every published event) or event types from GET /v1/webhook-events' })
  @IsOptional()
  events?: unknown;

  @ApiPropertyOptional({ description: 'At most 500 characters' })
  @IsOptional()
  description?: unknown;
}

/** An endpoint as the API shows it; `secret` only in the answers that made it (create, rotate-secret). */
export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  status: 'enabled' | 'disabled';
  description: string | null;
  secret?: string;
}

export type EndpointAction = 'rotate' | 'disable' | 'enable' | 'delete';

export class CreateWebhookEndpointCommand extends Command<{ tenant: TenantView; input: CreateWebhookEndpointDto }> {}
export class ChangeWebhookEndpointCommand extends Command<{ tenantId: string; endpointId: string; action: EndpointAction }> {}

export function endpointView(state: WebhookEndpointState): WebhookEndpointView {
  return { id: state.endpointId, url: state.url, events: state.events, status: state.status === 'disabled' ? 'disabled' : 'enabled', description: state.description };
}

/** A new endpoint: its secret is made here, shown in this answer only, and stored encrypted. */
@CommandHandler(CreateWebhookEndpointCommand)
export class CreateWebhookEndpointHandler implements ICommandHandler<CreateWebhookEndpointCommand, CommandOutcome<WebhookEndpointView>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data: { tenant, input }, context }: CreateWebhookEndpointCommand): Promise<CommandOutcome<WebhookEndpointView>> {
    // With an Idempotency-Key a repeat names the same endpoint (and is answered from the idempotency store).
    const suffix = context.idempotencyKey ? deterministicUuid(tenant.id, 'webhookEndpoint', context.idempotencyKey).replace(/-/g, '').slice(0, 24) : randomBytes(12).toString('hex');
    const endpointId = `we_${suffix}`;
    const secret = newSigningSecret();
    const command: WebhookEndpointCommand = {
      type: 'CreateWebhookEndpoint',
      data: {
        endpointId,
        url: input.url,
        events: input.events,
        description: input.description,
        secretCiphertext: this.box.encrypt(secret, `${tenant.id}.${endpointId}`),
        sandbox: tenant.sandbox,
        allowPrivate: tenant.sandbox || this.config.webhookAllowPrivateUrls,
        at: this.clock.now().toISOString(),
      },
    };
    const outcome = await this.runner.run(webhookEndpointDecider, webhookEndpointStream(tenant.id, endpointId), command, context);
    return { body: { ...endpointView(outcome.state), secret }, position: outcome.position };
  }
}

/** Rotate the secret (the new one shown once), disable, enable or delete an endpoint. */
@CommandHandler(ChangeWebhookEndpointCommand)
export class ChangeWebhookEndpointHandler implements ICommandHandler<ChangeWebhookEndpointCommand, CommandOutcome<WebhookEndpointView | { id: string; status: 'deleted' }>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly box: SecretBox,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data: { tenantId, endpointId, action }, context }: ChangeWebhookEndpointCommand) {
    assertValidId(endpointId, 'id');
    const at = this.clock.now().toISOString();
    const secret = action === 'rotate' ? newSigningSecret() : undefined;
    const command: WebhookEndpointCommand =
      action === 'rotate'
        ? { type: 'RotateWebhookSecret', data: { endpointId, secretCiphertext: this.box.encrypt(secret!, `${tenantId}.${endpointId}`), at } }
        : action === 'disable'
          ? { type: 'DisableWebhookEndpoint', data: { endpointId, reason: 'requested', at } }
          : action === 'enable'
            ? { type: 'EnableWebhookEndpoint', data: { endpointId, at } }
            : { type: 'DeleteWebhookEndpoint', data: { endpointId, at } };
    const outcome = await this.runner.run(webhookEndpointDecider, webhookEndpointStream(tenantId, endpointId), command, context);
    if (action === 'delete') return { body: { id: endpointId, status: 'deleted' as const }, position: outcome.position };
    return { body: { ...endpointView(outcome.state), ...(secret ? { secret } : {}) }, position: outcome.position };
  }
}
