import { Inject, Injectable } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { Lifecycle } from '../../platform/app/lifecycle';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner, StreamAt } from '../../platform/command-pipeline/decider-runner';
import { APP_CONFIG, AppConfig } from '../../platform/config/config';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { LOGGER } from '../../platform/logging/logger';
import { deterministicUuid } from '../../shared-kernel/ids';
import {
  publishedEvent,
  webhookDeliveryDecider,
  WebhookDeliveryState,
  webhookEndpointDecider,
  webhookEndpointStream,
} from '../domain';
import { postJson } from './http-post';
import { PostThread } from './post-thread';
import { RetryingQueue } from './retrying-queue';
import { SecretBox } from './secret-box';
import { signatureHeader } from './signature';

export interface DeliveryJob {
  tenantId: string;
  endpointId: string;
  eventId: string;
  /** The delivery's stream: webhookDeliveryStream, or legacyWebhookDeliveryStream for one requested before decision 0031. */
  stream: string;
  businessDate: string;
}

/** At most this many requests are in flight to one endpoint; other endpoints never wait for them. */
const REQUESTS_PER_ENDPOINT = 32;
/**
 * Attempts of one endpoint under way at a time: reading, then waiting for one of its request slots, then recording.
 * Many more than the requests, so that recording the answers (an append each) shares group commits: with the
 * attempt and its slot one and the same, each endpoint waited for one commit per 4 deliveries (about 200/s).
 */
const ATTEMPTS_PER_ENDPOINT = 64;

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
  private readonly abort = new AbortController();
  private readonly queue: RetryingQueue<DeliveryJob>;
  private readonly requestSlots = new Map<string, Slots>();
  /** The HTTP requests' own thread (post-thread.ts). */
  private posts: PostThread | null = null;
  private postsUnavailable = false;
  /** The last secret decrypted per endpoint, by its ciphertext (a rotation changes it): one AES-GCM per attempt was 5% of the CPU. */
  private readonly secrets = new Map<string, { ciphertext: string; secret: string }>();
  /** Deliveries as their requests just wrote them, by stream, until their next attempt (see `enqueue`). */
  private readonly requested = new Map<string, StreamAt<WebhookDeliveryState>>();

  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly box: SecretBox,
    lifecycle: Lifecycle,
  ) {
    this.queue = new RetryingQueue<DeliveryJob>({
      laneOf: (job) => `${job.tenantId}.${job.endpointId}`,
      concurrency: ATTEMPTS_PER_ENDPOINT,
      keyOf: (job) => job.eventId,
      attempt: (job) => this.attempt(job),
      retryBaseMs: config.webhookRetryBaseMs,
      onError: (error, job) => this.logger.warn({ err: error, ...job }, 'webhook delivery attempt could not be recorded; trying again later'),
    });
    // Every request in flight (32 per endpoint, endpoints side by side) listens to the one shutdown signal.
    setMaxListeners(0, this.abort.signal);
    lifecycle.onStop(() => this.stop());
  }

  /**
   * `requested`: the delivery as its request just wrote it. The next attempt starts from it instead of reading the
   * stream back (a newer request replaces it; what another process appended since makes the attempt's append
   * conflict, and the attempt is then recorded from what the stream holds). Used once: a retry reads.
   */
  enqueue(job: DeliveryJob, requested?: StreamAt<WebhookDeliveryState>): void {
    if (this.queue.stopped) return;
    if (requested) this.requested.set(job.stream, requested);
    else this.requested.delete(job.stream);
    this.queue.enqueue(job);
  }

  /** Stops retrying and cuts the attempts in flight short (the next start-up, or the timers scheduled with each request, resume them). */
  async stop(): Promise<void> {
    this.requested.clear();
    await this.queue.stop(() => {
      this.abort.abort();
      this.posts?.abortAll();
    });
    await this.posts?.close();
  }

  /** The post thread, started with the first request; null when it could not start or failed (requests are then made in this thread). */
  private postThread(): PostThread | null {
    if (this.queue.stopped || this.postsUnavailable) return null;
    if (!this.posts) {
      try {
        this.posts = new PostThread();
      } catch (error) {
        this.postsUnavailable = true; // said once, not tried again per request
        this.logger.warn({ err: error }, 'the webhook post thread could not start: requests are made in this thread');
        return null;
      }
    }
    return this.posts.failed ? null : this.posts;
  }

  /** One attempt; the attempts so far when the delivery is to be tried again, else null. */
  private async attempt(job: DeliveryJob): Promise<number | null> {
    const { tenantId, endpointId, eventId, stream } = job;
    const requested = this.requested.get(stream);
    this.requested.delete(stream);
    const at = requested ?? (await this.runner.stateOf(webhookDeliveryDecider, stream));
    const delivery = at.state;
    if (delivery.status !== 'pending') return null;
    // The endpoint's state kept by the runner: only what its stream gained since the last attempt is read.
    const { state: endpoint } = await this.runner.stateOf(webhookEndpointDecider, webhookEndpointStream(tenantId, endpointId), { cache: true });
    // A disabled endpoint's deliveries wait (pending) for a redeliver; a deleted one's are dropped.
    if (endpoint.status !== 'enabled') return null;
    const [event] = await this.events.readPositions([delivery.position]);
    if (!event || event.id !== eventId) throw new Error(`event ${eventId} is not at log position ${delivery.position}`);

    // The published shape, the same as GET /v1/events gives.
    const body = JSON.stringify(publishedEvent(event, tenantId));
    const secret = this.secretOf(`${tenantId}.${endpointId}`, endpoint.secretCiphertext);
    const allowPrivate = endpoint.sandbox || this.config.webhookAllowPrivateUrls;
    // Signed once a request slot is free: the timestamp is when it is sent, not when it began waiting.
    const post = () => {
      const seconds = Math.floor(this.clock.now().getTime() / 1000);
      const headers = { 'Billing-Event-Id': event.id, 'Billing-Event-Position': String(event.position), 'Billing-Signature': signatureHeader(secret, seconds, body) };
      const request = { url: endpoint.url, body, headers, timeoutMs: this.config.webhookTimeoutMs, allowPrivate };
      const thread = this.postThread();
      // In this thread only when the post thread could not be had (it failed, or the deliverer is stopping).
      return thread ? thread.post(request) : postJson(request.url, body, headers, { ...request, signal: this.abort.signal });
    };
    const result = await this.slotsOf(`${tenantId}.${endpointId}`).run(post);
    if (this.queue.stopped) return null; // cut short by the shutdown: not an answer of the endpoint's

    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const number = delivery.attempts + 1;
    const outcome = await this.runner.runFrom(
      webhookDeliveryDecider,
      stream,
      {
        type: 'RecordWebhookAttempt',
        data: { round: delivery.round, at: this.clock.now().toISOString(), ok, status: result.status, durationMs: result.durationMs, responseSnippet: result.body, error: result.error },
      },
      this.context(job, `attempt:${delivery.round}:${number}`),
      at,
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
    }
    return after.status === 'pending' ? after.attempts : null;
  }

  private secretOf(endpoint: string, ciphertext: string): string {
    const known = this.secrets.get(endpoint);
    if (known?.ciphertext === ciphertext) return known.secret;
    const secret = this.box.decrypt(ciphertext, endpoint);
    this.secrets.set(endpoint, { ciphertext, secret });
    return secret;
  }

  private slotsOf(key: string): Slots {
    let slots = this.requestSlots.get(key);
    if (!slots) this.requestSlots.set(key, (slots = new Slots(REQUESTS_PER_ENDPOINT, () => this.requestSlots.delete(key))));
    return slots;
  }

  private context(job: DeliveryJob, what: string): CommandContext {
    return { tenantId: job.tenantId, actor: 'webhooks', correlationId: job.eventId, causationId: job.eventId, commandId: deterministicUuid(job.stream, what), businessDate: job.businessDate };
  }
}

/** A counting semaphore: at most `size` tasks at a time, the others waiting in order; `idle` when none is left. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly idle: () => void,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes on as it is
      else if (--this.running === 0) this.idle();
    }
  }
}
