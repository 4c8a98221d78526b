import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { toMajorString } from '../../shared-kernel/money';
import { Notice } from '../domain';
import { EMAIL_TEMPLATES, emailTemplatesProjection } from '../read-model';
import { ReadModelAt } from './read-model-at';

/** Whether the tenant set its invoicePosted template (the notice is off until it does), from the templates' read model. */
const invoicePostedOn = new ReadModelAt(emailTemplatesProjection.name, async (store: ReadStore, tenantId: string) => (await store.get(EMAIL_TEMPLATES, tenantId, 'invoicePosted')) !== null);

function sendEmail(event: RecordedEvent, notice: Notice, accountId: string, view: Record<string, string>): PmCommand {
  return { type: 'SendEmail', data: { notice, eventId: event.id, eventType: event.type, accountId, view }, key: `email:${notice}`, lane: accountId };
}

/**
 * Email notices from the log: AccountContactReminderSent → contactReminder (when the account has an email: a
 * reminder of a missing email cannot be emailed), PaymentFailed → paymentFailed, PlanInstanceBilled with an invoice
 * → invoicePosted, only once the tenant set that template (off by default: a 100,000-invoice bill run of a tenant
 * without it costs one read-model lookup per event and no command). One SendEmail per notice, its id derived from
 * the event, so a crash re-issues it and it is recognised as done.
 */
export const emailNoticesProcessManager: ProcessManager = {
  name: 'email-notices',
  eventTypes: ['AccountContactReminderSent', 'PaymentFailed', 'PlanInstanceBilled'],
  lanesAcrossEvents: true,
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
        return [sendEmail(event, 'paymentFailed', accountId, { paymentId, amount: toMajorString({ amount, currency }), currency, reason, businessDate })];
      }
      case 'PlanInstanceBilled': {
        const invoice = data.invoice as { invoiceId: string; accountId: string; invoiceDate: string; dueDate: string; currency: string; total: number } | null;
        if (!invoice) return [];
        if (!(await invoicePostedOn.at(context.store, event.metadata.tenantId, event.position))) return [];
        const { invoiceId, invoiceDate, dueDate, currency, total } = invoice;
        return [sendEmail(event, 'invoicePosted', invoice.accountId, { invoiceId, invoiceDate, dueDate, currency, total: toMajorString({ amount: total, currency }) })];
      }
      default:
        return [];
    }
  },
};
