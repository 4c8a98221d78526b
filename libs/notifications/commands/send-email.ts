import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { fold } from '../../shared-kernel/decider';
import { assertValidId, deterministicUuid } from '../../shared-kernel/ids';
import { loadAccount } from '../../accounts';
import { TenantDirectory } from '../../tenancy';
import { emailDecider, emailPending, emailStream, emailTemplatesDecider, emailTemplatesStream, isNotice, notificationSettingsDecider, notificationSettingsStream, TemplateName, templateFor } from '../domain';
import { EmailSender } from '../email/email-sender';
import { render } from '../email/templates';

export interface SendEmailData {
  /** The template: a built-in notice, or the dunning template a dunning step's notify action names. */
  notice: TemplateName;
  eventId: string;
  eventType: string;
  /** The account emailed (at its contact email); null: the tenant itself, at its notification email. */
  accountId: string | null;
  /** The notice's variables from the event (accountId and accountName are added from the account). */
  view: Record<string, string>;
  /** A dunning notify action's email id (the dunning case refers to the email by it); else derived from the event and the notice. */
  emailId?: string;
  /**
   * An address the issuer names (a customer user's, for the self-service notices): the email goes there, not to the
   * account's contact; `accountId` then only says which account it is about.
   */
  to?: string;
}

/** Issued by the email-notices process manager, one per notice (or per dunning notify action): the email's id is stable, so a repeat is recognised. */
export class SendEmailCommand extends Command<SendEmailData> {}

export function emailIdOf(tenantId: string, eventId: string, notice: TemplateName): string {
  return deterministicUuid(tenantId, 'email', eventId, notice);
}

/**
 * Renders the tenant's template (or the default) with the account's name to the account's contact email (or, for a
 * notice to the tenant, to its notification email) and records EmailQueued (and, for a sandbox tenant, EmailKept:
 * never sent), then hands it to the sender without waiting. A repeat (a crash re-issued it) finds the email in its
 * stream and only hands it over again if it is still pending. Nothing is written when the notice is off (no
 * template) or there is no address.
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
    if (data.emailId !== undefined) assertValidId(data.emailId, 'emailId');
    const emailId = data.emailId ?? emailIdOf(tenantId, data.eventId, data.notice);
    const stream = emailStream(tenantId, emailId);
    const job = { tenantId, emailId, businessDate: context.businessDate };
    // Read once: the email is then written from this state (runFrom), not read again.
    const at = await this.runner.stateOf(emailDecider, stream);
    const existing = at.state;
    if (existing.status !== 'none') {
      if (emailPending(existing)) this.sender.enqueue(job);
      return { body: { emailId, status: existing.status }, position: 0 };
    }
    // The tenant's templates as this runner folded them last, with only what their stream gained since.
    const { state: templates } = await this.runner.stateOf(emailTemplatesDecider, emailTemplatesStream(tenantId), { cache: true });
    // A dunning template the tenant has not set (its process was checked when defined; templates are never removed,
    // so only a hand-made log gets here): the dunning notice still goes out, in the tenant's dunningNotice wording.
    const template = templateFor(templates, data.notice) ?? (isNotice(data.notice) ? null : templateFor(templates, 'dunningNotice'));
    if (!template) return { body: null, position: 0 };
    const recipient = data.to !== undefined ? { to: data.to, view: {} } : await this.recipient(tenantId, data.accountId);
    if (!recipient) return { body: null, position: 0 };
    const tenant = await this.directory.byId(tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} is not in the tenants' read model`);
    const rendered = render(template, { ...data.view, ...recipient.view });
    const outcome = await this.runner.runFrom(
      emailDecider,
      stream,
      {
        type: 'QueueEmail',
        data: { emailId, notice: data.notice, eventId: data.eventId, eventType: data.eventType, accountId: data.accountId, to: recipient.to, ...rendered, sandbox: tenant.sandbox, at: this.clock.now().toISOString() },
      },
      context,
      at,
    );
    if (emailPending(outcome.state)) this.sender.enqueue(job);
    return { body: { emailId, status: outcome.state.status }, position: outcome.position };
  }

  /** The account's contact email and the variables it gives, or the tenant's notification email; null: nowhere to send. */
  private async recipient(tenantId: string, accountId: string | null): Promise<{ to: string; view: Record<string, string> } | null> {
    if (accountId === null) {
      const settings = fold(notificationSettingsDecider, (await this.events.readStream(notificationSettingsStream(tenantId))) as never[]);
      return settings.email ? { to: settings.email, view: {} } : null;
    }
    // Through the runner's batching loader: the account streams of a chunk of notices are read with one query.
    const account = await loadAccount(this.runner, tenantId, accountId);
    return account?.email ? { to: account.email, view: { accountId: account.id, accountName: account.name } } : null;
  }
}
