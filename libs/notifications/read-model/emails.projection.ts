import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { EmailEvent, EmailTemplatesEvent, NotificationSettingsEvent, QueuedEmail, TemplateName } from '../domain';

/** The templates a tenant set (id: the template's name, a notice's or a dunning template's); the defaults are not stored. */
export const EMAIL_TEMPLATES = 'emailTemplates';
/** Every email of a tenant (id: the email's), with its status: GET /v1/emails. */
export const EMAILS = 'emails';
/** The tenant's notification settings, one document (id `settings`): GET /v1/notification-settings. */
export const NOTIFICATION_SETTINGS = 'notificationSettings';

export interface NotificationSettingsDoc extends Doc {
  email: string | null;
  updatedAt: string;
}

export interface EmailTemplateDoc extends Doc {
  /** The template's name (the document's id): a built-in notice or a dunning template. */
  notice: TemplateName;
  subject: string;
  text: string;
  html: string | null;
  updatedAt: string;
}

/** The email as queued, and what became of it. */
export interface EmailDoc extends Doc, QueuedEmail {
  status: 'queued' | 'kept' | 'sent' | 'notSent';
  attempts: number;
  lastError: string | null;
  reason: string | null;
  createdAt: string;
  /** Log position of the queueing: the list is newest first. */
  sequence: number;
}

export const emailTemplatesProjection: Projector = {
  name: 'email-templates',
  collections: [{ name: EMAIL_TEMPLATES, indexes: [] }],
  eventTypes: ['EmailTemplateSet'],
  async project(recorded) {
    const event = recorded as unknown as RecordedEvent & EmailTemplatesEvent;
    const { notice, subject, text, html, setAt } = event.data;
    const doc: EmailTemplateDoc = { notice, subject, text, html, updatedAt: setAt };
    return [{ op: 'upsert', collection: EMAIL_TEMPLATES, tenantId: recorded.metadata.tenantId, id: notice, doc, position: recorded.position }];
  },
};

const EMAIL_EVENTS: EmailEvent['type'][] = ['EmailQueued', 'EmailKept', 'EmailSent', 'EmailFailed', 'EmailNotSent'];

export const emailsProjection: Projector = {
  name: 'emails',
  collections: [{ name: EMAILS, indexes: ['sequence', 'status'] }],
  eventTypes: EMAIL_EVENTS,
  async project(recorded) {
    const event = recorded as unknown as RecordedEvent & EmailEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const id = event.data.emailId;
    const patch = (fields: Partial<EmailDoc>): DocWrite[] => [{ op: 'patch', collection: EMAILS, tenantId, id, fields, position }];
    switch (event.type) {
      case 'EmailQueued': {
        const { queuedAt, ...email } = event.data;
        const doc: EmailDoc = { ...email, status: 'queued', attempts: 0, lastError: null, reason: null, createdAt: queuedAt, sequence: position };
        return [{ op: 'upsert', collection: EMAILS, tenantId, id, doc, position }];
      }
      case 'EmailKept':
        return patch({ status: 'kept' });
      case 'EmailSent':
        return patch({ status: 'sent', attempts: event.data.attempt });
      case 'EmailFailed':
        return patch({ attempts: event.data.attempt, lastError: event.data.error });
      case 'EmailNotSent':
        return patch({ status: 'notSent', reason: event.data.reason });
    }
  },
};

export const notificationSettingsProjection: Projector = {
  name: 'notification-settings',
  collections: [{ name: NOTIFICATION_SETTINGS, indexes: [] }],
  eventTypes: ['NotificationEmailSet'],
  async project(recorded) {
    const event = recorded as unknown as RecordedEvent & NotificationSettingsEvent;
    const doc: NotificationSettingsDoc = { email: event.data.email, updatedAt: event.data.setAt };
    return [{ op: 'upsert', collection: NOTIFICATION_SETTINGS, tenantId: recorded.metadata.tenantId, id: 'settings', doc, position: recorded.position }];
  },
};
