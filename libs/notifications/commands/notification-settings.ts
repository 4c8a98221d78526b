import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { InvalidInputError } from '../../shared-kernel/errors';
import { notificationSettingsDecider, notificationSettingsStream } from '../domain';

export class NotificationSettingsDto {
  @ApiProperty({ example: 'ops@example.com', nullable: true, description: 'Where the tenant itself is emailed (a webhook endpoint disabled after failing for three days); null: nowhere' })
  @IsOptional()
  email: unknown;
}

export class SetNotificationSettingsCommand extends Command<{ tenantId: string; input: NotificationSettingsDto }> {}

/** Records NotificationEmailSet on the tenant's notification settings stream (the same address again writes nothing). */
@CommandHandler(SetNotificationSettingsCommand)
export class SetNotificationSettingsHandler implements ICommandHandler<SetNotificationSettingsCommand, CommandOutcome<{ email: string | null }>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data: { tenantId, input }, context }: SetNotificationSettingsCommand): Promise<CommandOutcome<{ email: string | null }>> {
    if (input.email === undefined) throw InvalidInputError.forField('email', 'required', 'email is required: an email address, or null for none');
    const command = { type: 'SetNotificationEmail' as const, data: { email: input.email, at: this.clock.now().toISOString() } };
    const outcome = await this.runner.run(notificationSettingsDecider, notificationSettingsStream(tenantId), command, context);
    return { body: { email: outcome.state.email }, position: outcome.position };
  }
}
