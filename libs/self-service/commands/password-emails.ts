import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { AppConfig, APP_CONFIG } from '../../platform/config/config';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { LOGGER } from '../../platform/logging/logger';
import { deterministicUuid } from '../../shared-kernel/ids';
import { SendEmailCommand } from '../../notifications';
import { TenantDirectory } from '../../tenancy';
import { CustomerPasswordResetRequested, CustomerUser } from '../domain';
import { passwordLink } from '../settings';

/**
 * Emails a set-password link (an invitation, or a reset) through the notifications context's SendEmail, to the
 * user's own address. The raw token exists only here and in the email (the user's stream keeps its hash), so it is
 * sent by the command that made it, not by a process manager from the log: a crash between the two loses the email,
 * and the user asks for a reset again.
 */
@Injectable()
export class PasswordEmails {
  private readonly publicUrl: string;

  constructor(
    private readonly commandBus: CommandBus,
    private readonly directory: TenantDirectory,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.publicUrl = config.publicUrl;
  }

  /** Sends the email of the CustomerPasswordResetRequested at `revision` of `stream` (the command's last event); never throws (logged). */
  async send(context: CommandContext, stream: string, revision: number, user: CustomerUser, token: string): Promise<void> {
    try {
      const [recorded] = (await this.events.readStream(stream, { fromRevision: revision })).filter((event) => event.type === 'CustomerPasswordResetRequested');
      if (!recorded) return;
      const requested = recorded.data as CustomerPasswordResetRequested['data'];
      const tenant = await this.directory.byId(context.tenantId);
      const notice = requested.purpose === 'invite' ? 'customerInvite' : 'passwordReset';
      const view = { email: user.email, link: passwordLink(this.publicUrl, context.tenantId, token), expiresAt: requested.expiresAt, tenantName: tenant?.name ?? context.tenantId };
      await this.commandBus.execute(
        new SendEmailCommand(
          { notice, eventId: recorded.id, eventType: recorded.type, accountId: user.accountId, view, to: user.email },
          { ...context, commandId: deterministicUuid(context.commandId, 'email', notice), causationId: recorded.id },
        ),
      );
    } catch (error) {
      this.logger.error({ err: error, userId: user.userId }, 'the set-password email could not be queued');
    }
  }
}
