import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Logger } from 'pino';
import { Lifecycle } from '../../platform/app/lifecycle';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { LOGGER } from '../../platform/logging/logger';
import { READ_STORE, ReadStore, SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { ConsumerRunner } from '../../platform/subscriptions/consumer-runner';
import { TenantDirectory } from '../../tenancy';
import { projectors as tenancyProjectors, TENANTS } from '../../tenancy/read-model';
import type { TenantView } from '../../tenancy/domain';
import { webhookDeliveryProcessManager } from '../process-managers/webhook-delivery.process-manager';
import { WEBHOOK_DELIVERIES, webhookDeliveriesProjection, WebhookDeliveryDoc } from '../read-model';
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
 */
@Injectable()
export class PendingDeliveriesResumer implements OnApplicationBootstrap {
  private stopped = false;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly deliverer: WebhookDeliverer,
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
    if (!this.runsDeliveryProcessManager()) return;
    // In the background: start-up does not wait for the read models to catch up.
    this.running = this.resume().catch((error: unknown) => {
      if (!this.stopped) this.logger.error({ err: error }, 'pending webhook deliveries could not be resumed at start-up (the durable timers still will)');
    });
  }

  private runsDeliveryProcessManager(): boolean {
    try {
      return this.moduleRef.get(ConsumerRunner, { strict: false }).names.includes(webhookDeliveryProcessManager.name);
    } catch {
      return false;
    }
  }

  /** Resolves with the number of deliveries handed to the deliverer. */
  async resume(): Promise<number> {
    const head = await this.events.headPosition();
    if (!(await this.readModelsAt(head))) return 0;
    let resumed = 0;
    let cursor: string | undefined;
    do {
      const tenants = await this.store.find<Omit<TenantView, 'id'>>(TENANTS, SYSTEM_TENANT, { limit: PAGE, cursor });
      for (const tenant of tenants.items) {
        if (this.stopped) return resumed;
        const businessDate = this.directory.businessDate(tenant as unknown as TenantView);
        let page: string | undefined;
        do {
          const deliveries = await this.store.find<WebhookDeliveryDoc>(WEBHOOK_DELIVERIES, tenant.id, { filter: { status: 'pending' }, limit: PAGE, cursor: page });
          for (const delivery of deliveries.items) {
            this.deliverer.enqueue({ tenantId: tenant.id, endpointId: delivery.endpointId, eventId: delivery.eventId, businessDate });
            resumed++;
          }
          page = deliveries.nextCursor;
        } while (page && !this.stopped);
      }
      cursor = tenants.nextCursor;
    } while (cursor && !this.stopped);
    if (resumed > 0) this.logger.info({ resumed, head }, 'pending webhook deliveries resumed at start-up');
    return resumed;
  }

  /** Waits (while the process runs) until the tenants' and the deliveries' read models reached `position`. */
  private async readModelsAt(position: number): Promise<boolean> {
    const names = [...tenancyProjectors.map((projector) => projector.name), webhookDeliveriesProjection.name];
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
