import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Logger } from 'pino';
import { Lifecycle } from '../../platform/app/lifecycle';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { LOGGER } from '../../platform/logging/logger';
import { Doc, READ_STORE, ReadStore, StoredDoc, SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { ConsumerRunner } from '../../platform/subscriptions/consumer-runner';
import { TenantDirectory } from '../../tenancy';
import { projectors as tenancyProjectors, TENANTS } from '../../tenancy/read-model';
import type { TenantView } from '../../tenancy/domain';
import { webhookDeliveryStreamOfKey } from '../domain';
import { EmailSender } from '../email/email-sender';
import { emailNoticesProcessManager } from '../process-managers/email-notices.process-manager';
import { webhookDeliveryProcessManager } from '../process-managers/webhook-delivery.process-manager';
import { EmailDoc, EMAILS, emailsProjection, WEBHOOK_DELIVERIES, webhookDeliveriesProjection, WebhookDeliveryDoc } from '../read-model';
import { WebhookDeliverer } from './webhook-deliverer';

const POLL_MS = 50;
const PAGE = 1000;

/**
 * A crash delays a delivery, never loses it, and not by a day: the wall-clock retries and the attempts in flight
 * lived in the dead process's memory, so the process that runs the webhook-delivery process manager hands every
 * delivery still pending back to the deliverer when it starts (same event id: receivers de-duplicate on it).
 *
 * Which deliveries: the `webhook-deliveries` read model's pending ones, tenant by tenant (the tenants' read model
 * lists them, under `_system`). Read once both read models have reached the log head of start-up, so every request
 * written before the crash is in them; requests written after start-up are handed over by their own command.
 * Per-tenant queries and not a process-wide index because they need no new documents (a data folder from before
 * this change has its pending deliveries found without a rebuild) and cost one indexed query per tenant, once.
 *
 * Emails the same way, where the email-notices process manager runs: every email still `queued` in the `emails` read
 * model (EmailQueued written, neither sent nor given up) goes back to the sender, whose first step re-reads its stream.
 */
@Injectable()
export class PendingDeliveriesResumer implements OnApplicationBootstrap {
  private stopped = false;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly deliverer: WebhookDeliverer,
    private readonly sender: EmailSender,
    private readonly directory: TenantDirectory,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    lifecycle: Lifecycle,
  ) {
    lifecycle.onStop(async () => {
      this.stopped = true;
      await this.running;
    });
  }

  /** Only where the process manager runs (the worker, the all-in-one process): not in a command API alone. */
  onApplicationBootstrap(): void {
    const webhooks = this.runs(webhookDeliveryProcessManager.name);
    const emails = this.runs(emailNoticesProcessManager.name);
    if (!webhooks && !emails) return;
    // In the background: start-up does not wait for the read models to catch up.
    this.running = this.resume({ webhooks, emails }).catch((error: unknown) => {
      if (!this.stopped) this.logger.error({ err: error }, 'pending webhook deliveries and emails could not be resumed at start-up');
    });
  }

  private runs(processManager: string): boolean {
    try {
      return this.moduleRef.get(ConsumerRunner, { strict: false }).names.includes(processManager);
    } catch {
      return false;
    }
  }

  /** Resolves with the number of deliveries and emails handed back. */
  async resume(what = { webhooks: true, emails: true }): Promise<number> {
    const head = await this.events.headPosition();
    if (!(await this.readModelsAt(head))) return 0;
    let resumed = 0;
    let cursor: string | undefined;
    do {
      const tenants = await this.store.find<Omit<TenantView, 'id'>>(TENANTS, SYSTEM_TENANT, { limit: PAGE, cursor });
      for (const tenant of tenants.items) {
        if (this.stopped) return resumed;
        const businessDate = this.directory.businessDate(tenant as unknown as TenantView);
        if (what.webhooks) {
          // A delivery's document id is its key, which names its stream (either naming: decision 0031).
          resumed += await this.eachPending<WebhookDeliveryDoc>(WEBHOOK_DELIVERIES, tenant.id, 'pending', ({ id, endpointId, eventId }) =>
            this.deliverer.enqueue({ tenantId: tenant.id, endpointId, eventId, stream: webhookDeliveryStreamOfKey(tenant.id, id), businessDate }),
          );
        }
        if (what.emails) {
          resumed += await this.eachPending<EmailDoc>(EMAILS, tenant.id, 'queued', (email) => this.sender.enqueue({ tenantId: tenant.id, emailId: email.emailId, businessDate }));
        }
      }
      cursor = tenants.nextCursor;
    } while (cursor && !this.stopped);
    if (resumed > 0) this.logger.info({ resumed, head }, 'pending webhook deliveries and emails resumed at start-up');
    return resumed;
  }

  private async eachPending<T extends Doc>(collection: string, tenantId: string, status: string, resume: (doc: StoredDoc<T>) => void): Promise<number> {
    let count = 0;
    let page: string | undefined;
    do {
      const docs = await this.store.find<T>(collection, tenantId, { filter: { status }, limit: PAGE, cursor: page });
      for (const doc of docs.items) resume(doc);
      count += docs.items.length;
      page = docs.nextCursor;
    } while (page && !this.stopped);
    return count;
  }

  /** Waits (while the process runs) until the tenants', the deliveries' and the emails' read models reached `position`. */
  private async readModelsAt(position: number): Promise<boolean> {
    const names = [...tenancyProjectors.map((projector) => projector.name), webhookDeliveriesProjection.name, emailsProjection.name];
    let warned = false;
    for (const started = Date.now(); !this.stopped; ) {
      const checkpoints = await Promise.all(names.map((name) => this.store.getCheckpoint(name)));
      if (checkpoints.every((checkpoint) => (checkpoint ?? 0) >= position)) return true;
      if (!warned && Date.now() - started > 60_000) {
        warned = true;
        this.logger.warn({ position, checkpoints }, 'still waiting for the read models to resume pending webhook deliveries');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return false;
  }
}
