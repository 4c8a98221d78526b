import { assertNever, Decider } from '../../shared-kernel/decider';
import { streamName } from '../../shared-kernel/streams';
import type { TemplateName } from './email-templates';

/** An email is given up (EmailNotSent) after this many failed attempts. */
export const MAX_EMAIL_ATTEMPTS = 8;

export interface QueuedEmail {
  emailId: string;
  /** The template it was rendered from: a built-in notice or a dunning template. */
  notice: TemplateName;
  eventId: string;
  eventType: string;
  /** null: a notice to the tenant itself (its notification email), not to an account. */
  accountId: string | null;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  sandbox: boolean;
}

/** One email (stream `email-<tenant>.<emailId>`, the id derived from the event and the notice, or a dunning action's). */
export type EmailEvent =
  | { type: 'EmailQueued'; data: QueuedEmail & { queuedAt: string } }
  | { type: 'EmailKept'; data: { emailId: string; keptAt: string } }
  | { type: 'EmailSent'; data: { emailId: string; attempt: number; messageId: string | null; response: string | null; sentAt: string } }
  | { type: 'EmailFailed'; data: { emailId: string; attempt: number; error: string; willRetry: boolean; failedAt: string } }
  | { type: 'EmailNotSent'; data: { emailId: string; reason: string; at: string } };

export type EmailCommand =
  | { type: 'QueueEmail'; data: QueuedEmail & { at: string } }
  | { type: 'RecordEmailAttempt'; data: { ok: boolean; messageId?: string | null; response?: string | null; error?: string | null; at: string } }
  | { type: 'GiveUpEmail'; data: { reason: string; at: string } };

export type EmailStatus = 'none' | 'queued' | 'kept' | 'sent' | 'notSent';

export interface EmailState {
  status: EmailStatus;
  email: QueuedEmail | null;
  attempts: number;
}

export const initialEmailState: EmailState = { status: 'none', email: null, attempts: 0 };

/** Whether an email still waits to be sent (queued, perhaps after failed attempts). */
export function emailPending(state: EmailState): boolean {
  return state.status === 'queued';
}

export const emailDecider: Decider<EmailCommand, EmailEvent, EmailState> = {
  initialState: initialEmailState,
  decide(command, state) {
    switch (command.type) {
      case 'QueueEmail': {
        if (state.status !== 'none') return []; // a crash re-issued it: already queued
        const { at, ...email } = command.data;
        const queued: EmailEvent = { type: 'EmailQueued', data: { ...email, queuedAt: at } };
        // A sandbox tenant's email is never sent: kept, and listed at GET /v1/emails.
        return email.sandbox ? [queued, { type: 'EmailKept', data: { emailId: email.emailId, keptAt: at } }] : [queued];
      }
      case 'RecordEmailAttempt': {
        if (!emailPending(state)) return [];
        const { ok, at } = command.data;
        const emailId = state.email!.emailId;
        const attempt = state.attempts + 1;
        if (ok) return [{ type: 'EmailSent', data: { emailId, attempt, messageId: command.data.messageId ?? null, response: command.data.response ?? null, sentAt: at } }];
        const error = (command.data.error ?? 'unknown error').slice(0, 500);
        const willRetry = attempt < MAX_EMAIL_ATTEMPTS;
        const failed: EmailEvent = { type: 'EmailFailed', data: { emailId, attempt, error, willRetry, failedAt: at } };
        return willRetry ? [failed] : [failed, { type: 'EmailNotSent', data: { emailId, reason: `gave up after ${attempt} attempts (last: ${error})`, at } }];
      }
      case 'GiveUpEmail':
        return emailPending(state) ? [{ type: 'EmailNotSent', data: { emailId: state.email!.emailId, reason: command.data.reason, at: command.data.at } }] : [];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'EmailQueued': {
        const { queuedAt: _at, ...email } = event.data;
        return { status: 'queued', email, attempts: 0 };
      }
      case 'EmailKept':
        return { ...state, status: 'kept' };
      case 'EmailSent':
        return { ...state, status: 'sent', attempts: event.data.attempt };
      case 'EmailFailed':
        return { ...state, attempts: event.data.attempt };
      case 'EmailNotSent':
        return { ...state, status: 'notSent' };
      default:
        return assertNever(event);
    }
  },
};

export function emailStream(tenantId: string, emailId: string): string {
  return streamName('email', tenantId, emailId);
}
