import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { fold } from '../../shared-kernel/decider';
import { deterministicUuid } from '../../shared-kernel/ids';
import { loadAccount } from '../../accounts';
import { TenantDirectory } from '../../tenancy';
import { emailDecider, emailPending, emailStream, emailTemplatesDecider, emailTemplatesStream, Notice, templateFor } from '../domain';
import { EmailSender } from '../email/email-sender';
import { render } from '../email/templates';

export interface SendEmailData {
  notice: Notice;
  eventId: string;
  eventType: string;
  accountId: string;
  /** The notice's variables from the event (accountId and accountName are added from the account). */
  view: Record<string, string>;
}

/** Issued by the email-notices process manager, one per notice: its email id comes from the event and the notice. */
export class SendEmailCommand extends Command<SendEmailData> {}

export function emailIdOf(tenantId: string, eventId: string, notice: Notice): string {
  return deterministicUuid(tenantId, 'email', eventId, notice);
}

/**
 * Renders the tenant's template (or the default) with the account's name to the account's contact email and records
 * EmailQueued (and, for a sandbox tenant, EmailKept: never sent), then hands it to the sender without waiting. A
 * repeat (a crash re-issued it) finds the email in its stream and only hands it over again if it is still pending.
 * Nothing is written when the notice is off (no template) or the account has no email.
 */
@CommandHandler(SendEmailCommand)
export class SendEmailHandler implements ICommandHandler<SendEmailCommand, CommandOutcome<{ emailId: string; status: string } | null>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly sender: EmailSender,
    private readonly directory: TenantDirectory,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data, context }: SendEmailCommand): Promise<CommandOutcome<{ emailId: string; status: string } | null>> {
    const { tenantId } = context;
    const emailId = emailIdOf(tenantId, data.eventId, data.notice);
    const stream = emailStream(tenantId, emailId);
    const job = { tenantId, emailId, businessDate: context.businessDate };
    const existing = fold(emailDecider, (await this.events.readStream(stream)) as never[]);
    if (existing.status !== 'none') {
      if (emailPending(existing)) this.sender.enqueue(job);
      return { body: { emailId, status: existing.status }, position: 0 };
    }
    const template = templateFor(fold(emailTemplatesDecider, (await this.events.readStream(emailTemplatesStream(tenantId))) as never[]), data.notice);
    if (!template) return { body: null, position: 0 };
    const account = await loadAccount(this.events, tenantId, data.accountId);
    if (!account?.email) return { body: null, position: 0 };
    const tenant = await this.directory.byId(tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} is not in the tenants' read model`);
    const rendered = render(template, { ...data.view, accountId: account.id, accountName: account.name });
    const outcome = await this.runner.run(
      emailDecider,
      stream,
      {
        type: 'QueueEmail',
        data: { emailId, notice: data.notice, eventId: data.eventId, eventType: data.eventType, accountId: account.id, to: account.email, ...rendered, sandbox: tenant.sandbox, at: this.clock.now().toISOString() },
      },
      context,
    );
    if (emailPending(outcome.state)) this.sender.enqueue(job);
    return { body: { emailId, status: outcome.state.status }, position: outcome.position };
  }
}
