import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { toMajorString } from '../../shared-kernel/money';
import { TemplateName } from '../domain';
import { EMAIL_TEMPLATES, emailTemplatesProjection } from '../read-model';
import { ReadModelAt } from '../../platform/process-manager-runtime/read-model-at';

/** Whether the tenant set its invoicePosted template (the notice is off until it does), from the templates' read model. */
const invoicePostedOn = new ReadModelAt(emailTemplatesProjection.name, async (store: ReadStore, tenantId: string) => (await store.get(EMAIL_TEMPLATES, tenantId, 'invoicePosted')) !== null);

function sendEmail(event: RecordedEvent, notice: TemplateName, accountId: string | null, view: Record<string, string>, emailId?: string): PmCommand {
  const data = { notice, eventId: event.id, eventType: event.type, accountId, view, ...(emailId ? { emailId } : {}) };
  return { type: 'SendEmail', data, key: emailId ? `email:dunning:${emailId}` : `email:${notice}`, lane: accountId ?? '_tenant' };
}

/** A dunning step's notify action, as DunningStepAdvanced (dunning context) carries it; read by type name, not imported. */
interface NotifyAction {
  type: 'notify';
  template: string;
  emailId: string;
}

/**
 * Email notices from the log: AccountContactReminderSent → contactReminder (when the account has an email: a
 * reminder of a missing email cannot be emailed), PaymentFailed → paymentFailed (not for a dunning step's retry), PlanInstanceBilled with an invoice
 * → invoicePosted, only once the tenant set that template (off by default: a 100,000-invoice bill run of a tenant
 * without it costs one read-model lookup per event and no command). One SendEmail per notice, its id derived from
 * the event, so a crash re-issues it and it is recognised as done.
 * DunningStepAdvanced → one email per notify action, rendered from the template it names (dunningNotice or the
 * tenant's own), its id the action's emailId (the dunning case refers to the email by it; the command key names it
 * too, so two notify actions of one step are two emails). WebhookEndpointDisabled for failing → webhookEndpointDisabled
 * to the tenant's notification email (when it set one).
 */
export const emailNoticesProcessManager: ProcessManager = {
  name: 'email-notices',
  eventTypes: ['AccountContactReminderSent', 'PaymentFailed', 'PlanInstanceBilled', 'DunningStepAdvanced', 'WebhookEndpointDisabled'],
  lanesAcrossEvents: true,
  // All of a batch's emails in flight: a dunning day's 100,000 notices share group commits (32 at a time did not).
  concurrency: COMMAND_CHUNK_SIZE,
  async react(event, context) {
    const data = event.data as Record<string, any>;
    switch (event.type) {
      case 'AccountContactReminderSent': {
        const missing = (data.missing as string[]) ?? [];
        if (missing.includes('email')) return [];
        return [sendEmail(event, 'contactReminder', data.accountId, { missing: missing.join(', '), sentOn: String(data.sentOn) })];
      }
      case 'PaymentFailed': {
        const { accountId, paymentId, amount, currency, reason, businessDate } = data;
        // A dunning step's retry (`dun:` ids): the step's own notices (the tenant's process) tell the customer.
        if (String(paymentId).startsWith('dun:')) return [];
        return [sendEmail(event, 'paymentFailed', accountId, { paymentId, amount: toMajorString({ amount, currency }), currency, reason, businessDate })];
      }
      case 'PlanInstanceBilled': {
        const invoice = data.invoice as { invoiceId: string; accountId: string; invoiceDate: string; dueDate: string; currency: string; total: number } | null;
        if (!invoice) return [];
        if (!(await invoicePostedOn.at(context.store, event.metadata.tenantId, event.position))) return [];
        const { invoiceId, invoiceDate, dueDate, currency, total } = invoice;
        return [sendEmail(event, 'invoicePosted', invoice.accountId, { invoiceId, invoiceDate, dueDate, currency, total: toMajorString({ amount: total, currency }) })];
      }
      case 'DunningStepAdvanced': {
        const { accountId, processId, step, date, pastDue, currency } = data;
        const view = { step: String(step), date, pastDue: toMajorString({ amount: pastDue, currency }), currency, processId };
        return ((data.actions as { type: string }[]) ?? [])
          .filter((action): action is NotifyAction => action.type === 'notify')
          .map((action) => sendEmail(event, action.template, accountId, view, action.emailId));
      }
      case 'WebhookEndpointDisabled': {
        // The tenant's own choice needs no telling; an endpoint failing for three days does.
        if (data.reason !== 'failing') return [];
        const { endpointId, url, detail, disabledAt } = data;
        return [sendEmail(event, 'webhookEndpointDisabled', null, { endpointId, url, detail: detail ?? 'deliveries failed for three days', disabledAt })];
      }
      default:
        return [];
    }
  },
};
