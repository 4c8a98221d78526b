import { assertNever, Decider } from '../../shared-kernel/decider';
import { InvalidInputError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';

/** The notices a tenant can email, and the variables each template gets (README "Email"). */
export const NOTICE_VARIABLES = {
  contactReminder: ['accountId', 'accountName', 'missing', 'sentOn'],
  invoicePosted: ['accountId', 'accountName', 'invoiceId', 'invoiceDate', 'dueDate', 'total', 'currency'],
  paymentFailed: ['accountId', 'accountName', 'paymentId', 'amount', 'currency', 'reason', 'businessDate'],
} as const;

export type Notice = keyof typeof NOTICE_VARIABLES;
export const NOTICES = Object.keys(NOTICE_VARIABLES) as Notice[];

export function isNotice(value: unknown): value is Notice {
  return typeof value === 'string' && (NOTICES as string[]).includes(value);
}

export interface EmailTemplate {
  subject: string;
  text: string;
  html: string | null;
}

/**
 * Used when the tenant set none. `invoicePosted` has no default: it is OFF until the tenant sets its template,
 * so a bill run of a tenant that never asked for invoice emails sends (and reads) nothing per invoice.
 */
export const DEFAULT_TEMPLATES: Record<Notice, EmailTemplate | null> = {
  contactReminder: {
    subject: 'Please complete your contact details',
    text: 'Hello {{accountName}},\n\nYour account {{accountId}} is still missing: {{missing}}. Please complete it.\n',
    html: null,
  },
  invoicePosted: null,
  paymentFailed: {
    subject: 'Your payment of {{amount}} {{currency}} failed',
    text: 'Hello {{accountName}},\n\nYour payment {{paymentId}} of {{amount}} {{currency}} failed ({{reason}}). Please update your payment method.\n',
    html: null,
  },
};

export const TEMPLATE_MAX_LENGTH = { subject: 500, text: 100_000, html: 200_000 } as const;

export type EmailTemplatesEvent = { type: 'EmailTemplateSet'; data: { notice: Notice; subject: string; text: string; html: string | null; setAt: string } };
export type EmailTemplatesCommand = { type: 'SetEmailTemplate'; data: { notice: Notice; subject: string; text: string; html: string | null; at: string } };
export type EmailTemplatesState = Partial<Record<Notice, EmailTemplate & { setAt: string }>>;

/** A tenant's email templates, one stream per tenant (`emailTemplates-<tenant>.all`). Values are validated by the caller (the template engine is not pure). */
export const emailTemplatesDecider: Decider<EmailTemplatesCommand, EmailTemplatesEvent, EmailTemplatesState> = {
  initialState: {},
  decide(command, state) {
    switch (command.type) {
      case 'SetEmailTemplate': {
        const { notice, subject, text, html, at } = command.data;
        if (!isNotice(notice)) throw InvalidInputError.forField('name', 'notice', `name must be one of ${NOTICES.join(', ')}`);
        const current = state[notice];
        if (current && current.subject === subject && current.text === text && current.html === html) return [];
        return [{ type: 'EmailTemplateSet', data: { notice, subject, text, html, setAt: at } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'EmailTemplateSet': {
        const { notice, subject, text, html, setAt } = event.data;
        return { ...state, [notice]: { subject, text, html, setAt } };
      }
      default:
        return assertNever(event.type);
    }
  },
};

export function emailTemplatesStream(tenantId: string): string {
  return streamName('emailTemplates', tenantId, 'all');
}

/** The template in force: the tenant's, else the default (null: the notice is off). */
export function templateFor(state: EmailTemplatesState, notice: Notice): EmailTemplate | null {
  const set = state[notice];
  return set ? { subject: set.subject, text: set.text, html: set.html } : DEFAULT_TEMPLATES[notice];
}
