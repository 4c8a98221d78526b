import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Lifecycle } from '../../platform/app/lifecycle';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { APP_CONFIG, AppConfig } from '../../platform/config/config';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { LOGGER } from '../../platform/logging/logger';
import { DomainEvent, fold } from '../../shared-kernel/decider';
import { deterministicUuid } from '../../shared-kernel/ids';
import {
  codeOf,
  publicPayload,
  retryDelayMs,
  webhookDeliveryDecider,
  webhookDeliveryStream,
  webhookEndpointDecider,
  WebhookEndpointState,
  webhookEndpointStream,
} from '../domain';
import { postJson } from './http-post';
import { SecretBox } from './secret-box';
import { signatureHeader } from './signature';

export interface DeliveryJob {
  tenantId: string;
  endpointId: string;
  eventId: string;
  businessDate: string;
}

/** Deliveries to one endpoint run at most this many at a time; other endpoints never wait for them. */
const PER_ENDPOINT_CONCURRENCY = 4;

interface Lane {
  queue: DeliveryJob[];
  running: number;
}

/**
 * Makes the HTTP attempts, in the background of the process that requested them: one lane per endpoint, so a
 * slow or dead endpoint (each attempt bounded by WEBHOOK_TIMEOUT_MS) holds up only its own lane, never the log
 * consumers, another endpoint or another tenant. Every attempt is an event; a failed one is tried again after an
 * exponential back-off with jitter while the process lives; what a restart dropped is handed back at start-up
 * (pending-deliveries.ts), and the durable timers the requests scheduled are the last safety net (next business day). The log, not this memory, is the truth: before each attempt
 * the delivery and the endpoint are read again, so an attempt is never made for a delivered event or a disabled endpoint.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly lanes = new Map<string, Lane>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly box: SecretBox,
    lifecycle: Lifecycle,
  ) {
    lifecycle.onStop(() => this.stop());
  }

  enqueue(job: DeliveryJob): void {
    if (this.stopped) return;
    const key = `${job.tenantId}.${job.endpointId}`;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { queue: [], running: 0 }));
    // A delivery already waiting in its lane is not queued twice.
    if (!lane.queue.some((queued) => queued.eventId === job.eventId)) lane.queue.push(job);
    this.drain(key, lane);
  }

  private drain(key: string, lane: Lane): void {
    while (!this.stopped && lane.running < PER_ENDPOINT_CONCURRENCY && lane.queue.length > 0) {
      const job = lane.queue.shift()!;
      lane.running++;
      const running = this.attempt(job)
        .catch((error: unknown) => {
          if (this.stopped) return;
          this.logger.warn({ err: error, ...job }, 'webhook delivery attempt could not be recorded; trying again later');
          this.later(job, 1);
        })
        .finally(() => {
          lane.running--;
          this.inFlight.delete(running);
          if (lane.running === 0 && lane.queue.length === 0) this.lanes.delete(key);
          else this.drain(key, lane);
        });
      this.inFlight.add(running);
    }
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    const { tenantId, endpointId, eventId } = job;
    const stream = webhookDeliveryStream(tenantId, endpointId, eventId);
    const delivery = fold(webhookDeliveryDecider, (await this.events.readStream(stream)) as unknown as DomainEvent[] as never[]);
    if (delivery.status !== 'pending') return;
    const endpoint: WebhookEndpointState = fold(webhookEndpointDecider, (await this.events.readStream(webhookEndpointStream(tenantId, endpointId))) as never[]);
    // A disabled endpoint's deliveries wait (pending) for a redeliver; a deleted one's are dropped.
    if (endpoint.status !== 'enabled') return;
    const [event] = await this.events.readAll({ after: delivery.position - 1, maxCount: 1 });
    if (!event || event.id !== eventId) throw new Error(`event ${eventId} is not at log position ${delivery.position}`);

    const code = codeOf(event.type);
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      ...(code !== undefined ? { code } : {}),
      tenantId,
      occurredAt: event.recordedAt,
      businessDate: event.metadata.businessDate,
      position: event.position,
      data: publicPayload(event.data),
    });
    const secret = this.box.decrypt(endpoint.secretCiphertext, `${tenantId}.${endpointId}`);
    const seconds = Math.floor(this.clock.now().getTime() / 1000);
    const headers = { 'Billing-Event-Id': event.id, 'Billing-Event-Position': String(event.position), 'Billing-Signature': signatureHeader(secret, seconds, body) };
    const allowPrivate = endpoint.sandbox || this.config.webhookAllowPrivateUrls;
    const result = await postJson(endpoint.url, body, headers, { timeoutMs: this.config.webhookTimeoutMs, allowPrivate, signal: this.abort.signal });
    if (this.stopped) return; // cut short by the shutdown: not an answer of the endpoint's

    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const number = delivery.attempts + 1;
    const outcome = await this.runner.run(
      webhookDeliveryDecider,
      stream,
      {
        type: 'RecordWebhookAttempt',
        data: { round: delivery.round, at: this.clock.now().toISOString(), ok, status: result.status, durationMs: result.durationMs, responseSnippet: result.body, error: result.error },
      },
      this.context(job, `attempt:${delivery.round}:${number}`),
    );
    const after = outcome.state;
    if (after.status === 'abandoned') {
      const detail = `deliveries failed for three days (last: ${result.error ?? `HTTP ${result.status}`})`;
      await this.runner.run(
        webhookEndpointDecider,
        webhookEndpointStream(tenantId, endpointId),
        { type: 'DisableWebhookEndpoint', data: { endpointId, reason: 'failing', detail, at: this.clock.now().toISOString() } },
        this.context(job, `disable:${delivery.round}`),
      );
      this.logger.warn({ tenantId, endpointId }, 'webhook endpoint disabled: failing for three days');
    } else if (after.status === 'pending') {
      this.later(job, after.attempts);
    }
  }

  private later(job: DeliveryJob, attempts: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.enqueue(job);
    }, retryDelayMs(attempts, this.config.webhookRetryBaseMs, Math.random()));
    timer.unref();
    this.retries.add(timer);
  }

  private context(job: DeliveryJob, what: string): CommandContext {
    const stream = webhookDeliveryStream(job.tenantId, job.endpointId, job.eventId);
    return { tenantId: job.tenantId, actor: 'webhooks', correlationId: job.eventId, causationId: job.eventId, commandId: deterministicUuid(stream, what), businessDate: job.businessDate };
  }

  /** Stops retrying and cuts the attempts in flight short (the next start-up, or the timers scheduled with each request, resume them). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }
}
