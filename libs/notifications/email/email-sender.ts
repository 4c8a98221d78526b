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
import { emailDecider, emailPending, emailStream, retryDelayMs } from '../domain';

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
  private readonly queue: EmailJob[] = [];
  private running = 0;
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private transport: { transporter: Transporter; from: string } | null | undefined;
  private stopped = false;

  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    @Inject(LOGGER) private readonly logger: Logger,
    lifecycle: Lifecycle,
  ) {
    lifecycle.onStop(() => this.stop());
  }

  enqueue(job: EmailJob): void {
    if (this.stopped || this.queue.some((queued) => queued.tenantId === job.tenantId && queued.emailId === job.emailId)) return;
    this.queue.push(job);
    this.drain();
  }

  private drain(): void {
    while (!this.stopped && this.running < CONCURRENCY && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      const running = this.attempt(job)
        .catch((error: unknown) => {
          if (this.stopped) return;
          this.logger.warn({ err: error, ...job }, 'email attempt could not be recorded; trying again later');
          this.later(job, 1);
        })
        .finally(() => {
          this.running--;
          this.inFlight.delete(running);
          this.drain();
        });
      this.inFlight.add(running);
    }
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

  private async attempt(job: EmailJob): Promise<void> {
    const stream = emailStream(job.tenantId, job.emailId);
    const state = fold(emailDecider, (await this.events.readStream(stream)) as never[]);
    if (!emailPending(state) || state.email!.sandbox) return;
    const at = () => this.clock.now().toISOString();
    const smtp = this.smtp();
    if (!smtp) {
      await this.runner.run(emailDecider, stream, { type: 'GiveUpEmail', data: { reason: 'SMTP_URL is not set', at: at() } }, this.context(job, 'no-smtp'));
      return;
    }
    const { to, subject, text, html } = state.email!;
    let result: { ok: boolean; messageId?: string | null; response?: string | null; error?: string | null };
    try {
      const info = await smtp.transporter.sendMail({ from: smtp.from, to, subject, text, ...(html !== null ? { html } : {}), headers: { 'Billing-Email-Id': job.emailId } });
      result = { ok: true, messageId: info.messageId ?? null, response: typeof info.response === 'string' ? info.response.slice(0, 500) : null };
    } catch (error) {
      result = { ok: false, error: (error as Error).message ?? String(error) };
    }
    if (this.stopped && !result.ok) return;
    const outcome = await this.runner.run(emailDecider, stream, { type: 'RecordEmailAttempt', data: { ...result, at: at() } }, this.context(job, `attempt:${state.attempts + 1}`));
    if (emailPending(outcome.state)) this.later(job, outcome.state.attempts);
  }

  private later(job: EmailJob, attempts: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.enqueue(job);
    }, retryDelayMs(attempts, this.config.webhookRetryBaseMs, Math.random()));
    timer.unref();
    this.retries.add(timer);
  }

  private context(job: EmailJob, what: string): CommandContext {
    const stream = emailStream(job.tenantId, job.emailId);
    return { tenantId: job.tenantId, actor: 'email', correlationId: job.emailId, causationId: job.emailId, commandId: deterministicUuid(stream, what), businessDate: job.businessDate };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    await Promise.allSettled([...this.inFlight]);
    this.transport?.transporter.close();
  }
}
