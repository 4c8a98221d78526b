import { assertNever, Decider } from '../../shared-kernel/decider';
import { InvalidInputError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';

/** What a dunning step's notice gives its template (the built-in dunningNotice and every dunning template a tenant names). */
export const DUNNING_VARIABLES = ['accountId', 'accountName', 'step', 'date', 'pastDue', 'currency', 'processId'] as const;

/** The built-in notices, and the variables each template gets (README "Email"). */
export const NOTICE_VARIABLES = {
  contactReminder: ['accountId', 'accountName', 'missing', 'sentOn'],
  invoicePosted: ['accountId', 'accountName', 'invoiceId', 'invoiceDate', 'dueDate', 'total', 'currency'],
  paymentFailed: ['accountId', 'accountName', 'paymentId', 'amount', 'currency', 'reason', 'businessDate'],
  dunningNotice: DUNNING_VARIABLES,
  /** To the tenant (its notification email), not to an account. */
  webhookEndpointDisabled: ['endpointId', 'url', 'detail', 'disabledAt'],
} as const;

export type Notice = keyof typeof NOTICE_VARIABLES;
export const NOTICES = Object.keys(NOTICE_VARIABLES) as Notice[];

export function isNotice(value: unknown): value is Notice {
  return typeof value === 'string' && (NOTICES as string[]).includes(value);
}

/**
 * A dunning template: a tenant names it (a dunning process's notify action names it in turn), so several steps can
 * word their notices differently. Any name of this shape that is not a built-in notice.
 */
export const DUNNING_TEMPLATE_NAME = /^[a-z][a-zA-Z0-9_-]{0,63}$/;

/** A template's name: a built-in notice or a dunning template's. Stored templates are keyed by it. */
export type TemplateName = string;

export function isDunningTemplateName(value: unknown): boolean {
  return typeof value === 'string' && DUNNING_TEMPLATE_NAME.test(value) && !isNotice(value) && !isCustomerNotice(value);
}

/**
 * Emails to a customer user of the self-service context (issue 20), sent to the address its `SendEmail` names
 * (`to`), not to an account's contact: the set-password invitation and the password reset. Their wording is
 * fixed (not yet a tenant's template: they carry a single-use link), so they are not listed with the notices.
 */
export const CUSTOMER_NOTICE_VARIABLES = {
  customerInvite: ['email', 'link', 'expiresAt', 'tenantName'],
  passwordReset: ['email', 'link', 'expiresAt', 'tenantName'],
} as const;

export type CustomerNotice = keyof typeof CUSTOMER_NOTICE_VARIABLES;

export function isCustomerNotice(value: unknown): value is CustomerNotice {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CUSTOMER_NOTICE_VARIABLES, value);
}

export const CUSTOMER_NOTICE_TEMPLATES: Record<CustomerNotice, EmailTemplate> = {
  customerInvite: {
    subject: 'Set your password for {{tenantName}}',
    text:
      'Hello,\n\nAn account for {{email}} was opened for you at {{tenantName}}. Choose your password here (the link works once, until {{expiresAt}}):\n\n{{link}}\n',
    html: null,
  },
  passwordReset: {
    subject: 'Reset your password for {{tenantName}}',
    text:
      'Hello,\n\nSomeone asked to reset the password of {{email}} at {{tenantName}}. If it was you, choose a new password here (the link works once, until {{expiresAt}}):\n\n{{link}}\n\nIf it was not you, ignore this email: your password stays as it is.\n',
    html: null,
  },
};

export function isTemplateName(value: unknown): value is TemplateName {
  return isNotice(value) || isDunningTemplateName(value);
}

/** The variables a template of this name may use. */
export function variablesOf(name: TemplateName): readonly string[] {
  return isNotice(name) ? NOTICE_VARIABLES[name] : DUNNING_VARIABLES;
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
  dunningNotice: {
    subject: 'Your account {{accountId}} is past due: {{pastDue}} {{currency}}',
    text: 'Hello {{accountName}},\n\nAs of {{date}}, {{pastDue}} {{currency}} on your account {{accountId}} is past due. Please pay it, or update your payment method, to keep your service.\n',
    html: null,
  },
  webhookEndpointDisabled: {
    subject: 'Webhook endpoint {{endpointId}} was disabled',
    text: 'Hello,\n\nYour webhook endpoint {{endpointId}} ({{url}}) was disabled on {{disabledAt}}: {{detail}}.\nEvents for it are kept: enable it, then redeliver them.\n',
    html: null,
  },
};

export const TEMPLATE_MAX_LENGTH = { subject: 500, text: 100_000, html: 200_000 } as const;

/** `notice` is the template's name: a built-in notice or a dunning template (the field kept its first name). */
export type EmailTemplatesEvent = { type: 'EmailTemplateSet'; data: { notice: TemplateName; subject: string; text: string; html: string | null; setAt: string } };
export type EmailTemplatesCommand = { type: 'SetEmailTemplate'; data: { notice: TemplateName; subject: string; text: string; html: string | null; at: string } };
export type EmailTemplatesState = Partial<Record<TemplateName, EmailTemplate & { setAt: string }>>;

/** A tenant's email templates, one stream per tenant (`emailTemplates-<tenant>.all`). Values are validated by the caller (the template engine is not pure). */
export const emailTemplatesDecider: Decider<EmailTemplatesCommand, EmailTemplatesEvent, EmailTemplatesState> = {
  initialState: {},
  decide(command, state) {
    switch (command.type) {
      case 'SetEmailTemplate': {
        const { notice, subject, text, html, at } = command.data;
        if (!isTemplateName(notice)) throw invalidTemplateName();
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

export function invalidTemplateName(): InvalidInputError {
  return InvalidInputError.forField(
    'name',
    'templateName',
    `name must be a notice (${NOTICES.join(', ')}) or a dunning template's name: a lower-case letter, then up to 63 letters, digits, _ or -`,
  );
}

/** The template in force: the tenant's, else the default (null: the notice is off, or no such dunning template). */
export function templateFor(state: EmailTemplatesState, name: TemplateName): EmailTemplate | null {
  if (isCustomerNotice(name)) return CUSTOMER_NOTICE_TEMPLATES[name];
  const set = state[name];
  if (set) return { subject: set.subject, text: set.text, html: set.html };
  return isNotice(name) ? DEFAULT_TEMPLATES[name] : null;
}
