import { Inject, Injectable } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { Lifecycle } from '../../platform/app/lifecycle';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { APP_CONFIG, AppConfig } from '../../platform/config/config';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { LOGGER } from '../../platform/logging/logger';
import { fold } from '../../shared-kernel/decider';
import { deterministicUuid } from '../../shared-kernel/ids';
import { emailDecider, emailPending, emailStream } from '../domain';
import { RetryingQueue } from '../delivery/retrying-queue';

export interface EmailJob {
  tenantId: string;
  emailId: string;
  businessDate: string;
}

/** Emails sent at a time by one process. */
const CONCURRENCY = 8;

/** `SMTP_URL` (`smtp://user:pass@host:port`, `smtps://…`; `?from=billing@example.com` sets the sender) as nodemailer takes it, and the sender. */
export function smtpSettings(smtpUrl: string): { url: string; from: string } {
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') ?? `billing@${url.hostname || 'localhost'}`;
  url.searchParams.delete('from');
  return { url: url.toString(), from };
}

/**
 * Sends queued emails through SMTP (nodemailer), off the command path: the SendEmail command records EmailQueued
 * and hands the email here without waiting. Each attempt re-reads the email (nothing is sent twice once EmailSent
 * is in its stream), then records EmailSent or EmailFailed; a failure is retried after WEBHOOK_RETRY_BASE_MS ×
 * 2^(n−1) (capped at 6 hours, jittered), as webhooks are, up to MAX_EMAIL_ATTEMPTS, then EmailNotSent. Without
 * SMTP_URL a production email is recorded as EmailNotSent (reason "SMTP_URL is not set").
 */
@Injectable()
export class EmailSender {
  private readonly queue: RetryingQueue<EmailJob>;
  private transport: { transporter: Transporter; from: string } | null | undefined;

  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    @Inject(LOGGER) private readonly logger: Logger,
    lifecycle: Lifecycle,
  ) {
    this.queue = new RetryingQueue<EmailJob>({
      laneOf: () => '', // one lane: at most CONCURRENCY emails at a time
      concurrency: CONCURRENCY,
      keyOf: (job) => `${job.tenantId}.${job.emailId}`,
      attempt: (job) => this.attempt(job),
      retryBaseMs: config.webhookRetryBaseMs,
      onError: (error, job) => this.logger.warn({ err: error, ...job }, 'email attempt could not be recorded; trying again later'),
    });
    lifecycle.onStop(() => this.stop());
  }

  enqueue(job: EmailJob): void {
    this.queue.enqueue(job);
  }

  async stop(): Promise<void> {
    await this.queue.stop();
    this.transport?.transporter.close();
  }

  private smtp(): { transporter: Transporter; from: string } | null {
    if (this.transport === undefined) {
      if (!this.config.smtpUrl) this.transport = null;
      else {
        const { url, from } = smtpSettings(this.config.smtpUrl);
        this.transport = { transporter: createTransport(url), from };
      }
    }
    return this.transport;
  }

  /** One attempt; the attempts so far when the email is to be tried again, else null. */
  private async attempt(job: EmailJob): Promise<number | null> {
    const stream = emailStream(job.tenantId, job.emailId);
    const state = fold(emailDecider, (await this.events.readStream(stream)) as never[]);
    if (!emailPending(state) || state.email!.sandbox) return null;
    const at = () => this.clock.now().toISOString();
    const smtp = this.smtp();
    if (!smtp) {
      await this.runner.run(emailDecider, stream, { type: 'GiveUpEmail', data: { reason: 'SMTP_URL is not set', at: at() } }, this.context(job, 'no-smtp'));
      return null;
    }
    const { to, subject, text, html } = state.email!;
    let result: { ok: boolean; messageId?: string | null; response?: string | null; error?: string | null };
    try {
      const info = await smtp.transporter.sendMail({ from: smtp.from, to, subject, text, ...(html !== null ? { html } : {}), headers: { 'Billing-Email-Id': job.emailId } });
      result = { ok: true, messageId: info.messageId ?? null, response: typeof info.response === 'string' ? info.response.slice(0, 500) : null };
    } catch (error) {
      result = { ok: false, error: (error as Error).message ?? String(error) };
    }
    if (this.queue.stopped && !result.ok) return null;
    const outcome = await this.runner.run(emailDecider, stream, { type: 'RecordEmailAttempt', data: { ...result, at: at() } }, this.context(job, `attempt:${state.attempts + 1}`));
    return emailPending(outcome.state) ? outcome.state.attempts : null;
  }

  private context(job: EmailJob, what: string): CommandContext {
    const stream = emailStream(job.tenantId, job.emailId);
    return { tenantId: job.tenantId, actor: 'email', correlationId: job.emailId, causationId: job.emailId, commandId: deterministicUuid(stream, what), businessDate: job.businessDate };
  }
}
