import { specFor } from '../../shared-kernel/testing/given-when-then';
import { EmailEvent, emailDecider, MAX_EMAIL_ATTEMPTS, QueuedEmail } from './email.decider';
import { emailTemplatesDecider, EmailTemplatesEvent, isTemplateName, templateFor } from './email-templates';
import { InvalidInputError } from '../../shared-kernel/errors';
import { fold } from '../../shared-kernel/decider';

const spec = specFor(emailDecider);
const AT = '2026-11-22T10:00:00.000Z';
const email: QueuedEmail = {
  emailId: 'e1',
  notice: 'paymentFailed',
  eventId: 'ev1',
  eventType: 'PaymentFailed',
  accountId: 'a1',
  to: 'a@example.com',
  subject: 'S',
  text: 'T',
  html: null,
  sandbox: false,
};
const queued: EmailEvent = { type: 'EmailQueued', data: { ...email, queuedAt: AT } };
const failed = (attempt: number): EmailEvent => ({ type: 'EmailFailed', data: { emailId: 'e1', attempt, error: 'down', willRetry: true, failedAt: AT } });

describe('email decider', () => {
  it('queues a production email once: a re-issued SendEmail is recognised as done', () => {
    spec.given([]).when({ type: 'QueueEmail', data: { ...email, at: AT } }).then([queued]);
    spec.given([queued]).when({ type: 'QueueEmail', data: { ...email, at: AT } }).then([]);
  });

  it("keeps a sandbox tenant's email: queued and kept, never sent", () => {
    const sandbox = { ...email, sandbox: true };
    spec
      .given([])
      .when({ type: 'QueueEmail', data: { ...sandbox, at: AT } })
      .then([
        { type: 'EmailQueued', data: { ...sandbox, queuedAt: AT } },
        { type: 'EmailKept', data: { emailId: 'e1', keptAt: AT } },
      ]);
    spec.given([{ type: 'EmailQueued', data: { ...sandbox, queuedAt: AT } }, { type: 'EmailKept', data: { emailId: 'e1', keptAt: AT } }]).when({ type: 'RecordEmailAttempt', data: { ok: true, at: AT } }).then([]);
  });

  it('records a failure to retry, then the send; nothing after it is sent', () => {
    spec.given([queued]).when({ type: 'RecordEmailAttempt', data: { ok: false, error: 'down', at: AT } }).then([failed(1)]);
    const sent: EmailEvent = { type: 'EmailSent', data: { emailId: 'e1', attempt: 2, messageId: '<m@x>', response: '250 OK', sentAt: AT } };
    spec.given([queued, failed(1)]).when({ type: 'RecordEmailAttempt', data: { ok: true, messageId: '<m@x>', response: '250 OK', at: AT } }).then([sent]);
    spec.given([queued, failed(1), sent]).when({ type: 'RecordEmailAttempt', data: { ok: true, at: AT } }).then([]);
    spec.given([queued, failed(1), sent]).when({ type: 'GiveUpEmail', data: { reason: 'x', at: AT } }).then([]);
  });

  it(`gives up after ${MAX_EMAIL_ATTEMPTS} failed attempts, and without SMTP records the reason`, () => {
    const history = [queued, ...Array.from({ length: MAX_EMAIL_ATTEMPTS - 1 }, (_, i) => failed(i + 1))];
    spec
      .given(history)
      .when({ type: 'RecordEmailAttempt', data: { ok: false, error: 'down', at: AT } })
      .then([
        { type: 'EmailFailed', data: { emailId: 'e1', attempt: MAX_EMAIL_ATTEMPTS, error: 'down', willRetry: false, failedAt: AT } },
        { type: 'EmailNotSent', data: { emailId: 'e1', reason: `gave up after ${MAX_EMAIL_ATTEMPTS} attempts (last: down)`, at: AT } },
      ]);
    spec.given([queued]).when({ type: 'GiveUpEmail', data: { reason: 'SMTP_URL is not set', at: AT } }).then([{ type: 'EmailNotSent', data: { emailId: 'e1', reason: 'SMTP_URL is not set', at: AT } }]);
  });
});

describe('email templates decider', () => {
  const templates = specFor(emailTemplatesDecider);
  const set: EmailTemplatesEvent = { type: 'EmailTemplateSet', data: { notice: 'invoicePosted', subject: 'S', text: 'T', html: null, setAt: AT } };

  it('records a change, and nothing when the template is the same', () => {
    templates.given([]).when({ type: 'SetEmailTemplate', data: { notice: 'invoicePosted', subject: 'S', text: 'T', html: null, at: AT } }).then([set]);
    templates.given([set]).when({ type: 'SetEmailTemplate', data: { notice: 'invoicePosted', subject: 'S', text: 'T', html: null, at: AT } }).then([]);
  });

  it('falls back to the defaults; invoicePosted is off until set', () => {
    expect(templateFor({}, 'invoicePosted')).toBeNull();
    expect(templateFor({}, 'contactReminder')?.subject).toBe('Please complete your contact details');
    expect(templateFor(fold(emailTemplatesDecider, [set]), 'invoicePosted')).toEqual({ subject: 'S', text: 'T', html: null });
  });

  it('takes dunning templates by name, not a malformed name; a missing dunning template has no default', () => {
    const dunning: EmailTemplatesEvent = { type: 'EmailTemplateSet', data: { notice: 'final-notice_2', subject: 'S', text: 'T', html: null, setAt: AT } };
    templates.given([]).when({ type: 'SetEmailTemplate', data: { notice: 'final-notice_2', subject: 'S', text: 'T', html: null, at: AT } }).then([dunning]);
    for (const bad of ['Final', '9steps', 'a.b', 'has space', `a${'b'.repeat(64)}`, '']) {
      expect(isTemplateName(bad)).toBe(false);
      templates.given([]).when({ type: 'SetEmailTemplate', data: { notice: bad, subject: 'S', text: 'T', html: null, at: AT } }).thenThrows(InvalidInputError);
    }
    expect(templateFor(fold(emailTemplatesDecider, [dunning]), 'final-notice_2')).toEqual({ subject: 'S', text: 'T', html: null });
    expect(templateFor({}, 'final-notice_2')).toBeNull();
    expect(templateFor({}, 'dunningNotice')?.subject).toContain('past due');
  });
});
